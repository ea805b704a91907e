"""The directory « Repères dans la cité »: structure sheets, public site, guide, open data."""

from pathlib import Path


def init_app(app):
    """Create the sheets' store; register the blueprint, CLI, menu, search source, demo data."""
    from flask_babel import lazy_gettext as _l

    import search
    from directory import cli, demo, views
    from directory.indexing import extract
    from web import add_menu
    from web.demo import register_seeder
    from wiki.store import DocumentStore

    store = DocumentStore(Path(app.config["DATA_DIR"]) / "structures")
    app.extensions.setdefault("reperes", {})["structures"] = store
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.directory_cli)
    add_menu(app, "directory.index", _l("Annuaire"), order=10)
    add_menu(app, "directory.follow", _l("Suivi de l'annuaire"), order=11, place="footer",
             role="member")
    search.register_source(app, "structures", store, extract)
    register_seeder(app, demo.seed)
    app.jinja_env.filters["dir_label"] = label_of
    app.jinja_env.filters["dir_time"] = keep_times_together


def label_of(key: str, labels: dict) -> str:
    """The label of a code, translated when the catalogue has it (data·inclusion labels stay)."""
    from flask_babel import gettext

    label = labels.get(key, key)
    return gettext(label) if label else label


def keep_times_together(text: str) -> str:
    """"8 h 30 – 12 h" never breaks inside "8 h 30" (no-break spaces), only around the dash."""
    import re

    return re.sub(r"(\d) h(?: (\d\d))?", lambda m: m.group(1) + "\u00a0h" + (
        "\u00a0" + m.group(2) if m.group(2) else ""), text)

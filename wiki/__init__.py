"""The working wiki: a versioned flat-file document store and the pages built on it."""

from pathlib import Path


def init_app(app):
    """Create the page store and register the wiki blueprint."""
    from wiki import views
    from wiki.store import DocumentStore

    data_dir = Path(app.config["DATA_DIR"])
    app.extensions.setdefault("reperes", {})["pages"] = DocumentStore(data_dir / "pages")
    app.register_blueprint(views.bp)

    from flask_babel import lazy_gettext as _l

    from web import add_menu

    add_menu(app, "wiki.index", _l("Wiki"), order=30, role="member")

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
    app.jinja_env.globals["dir_status_text"] = status_text


def status_text(st) -> str:
    """The "open now" sentence of a hours.Status, in the visitor's language."""
    from flask_babel import gettext as _

    if st.state == "unknown":
        if st.today_unknown:
            return _("Horaires du jour : information non communiquée")
        return _("Horaires : information non communiquée")
    when = _when_text(st) if st.change else ""
    if st.state == "open":
        return _("Ouvert maintenant — ferme %(when)s", when=when) if when else _("Ouvert maintenant")
    if st.comment:
        if when:
            return _("Fermé (%(reason)s) — ouvre %(when)s", reason=st.comment, when=when)
        return _("Fermé (%(reason)s)", reason=st.comment)
    return _("Fermé — ouvre %(when)s", when=when) if when else _("Fermé")


def _when_text(st) -> str:
    """"à 17 h", "demain à 9 h", "mardi à 9 h", "le 16 mars à 9 h" (translated)."""
    from flask_babel import format_date, get_locale
    from flask_babel import gettext as _

    from directory.hours import DAY_NAMES, french_date

    moment = st.change
    if (moment.hour, moment.minute) == (0, 0):
        at = _("minuit")
    elif moment.minute == 0:
        at = _("%(hour)d h", hour=moment.hour)
    else:
        at = _("%(hour)d h %(minute)02d", hour=moment.hour, minute=moment.minute)
    if st.days == 0:
        return _("à %(time)s", time=at)
    if st.days == 1:
        return _("demain à %(time)s", time=at)
    if st.days < 7:
        return _("%(day)s à %(time)s", day=_(DAY_NAMES[moment.weekday()]), time=at)
    french = str(get_locale() or "fr").startswith("fr")
    day = french_date(moment.date(), False) if french else format_date(moment.date(), "d MMMM")
    return _("le %(date)s à %(time)s", date=day, time=at)


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

"""The agenda: open days, workshops and network meetings, published where people look.

event.py (the Event and its validation), recurrence.py (Europe/Paris times, clock
changes, repetitions), calendar.py (visibility, weeks, months, counts), ics.py and
atom.py (feeds) are pure; views.py is HTTP only. Events are versioned JSON documents
in their own DocumentStore (DATA_DIR/events).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path


def init_app(app):
    """Create the event store, register the blueprint, menu link, search source and demo."""
    from flask_babel import lazy_gettext as _l

    from agenda import demo, views
    from web import add_menu
    from web.demo import register_seeder
    from wiki.store import DocumentStore

    store = DocumentStore(Path(app.config["DATA_DIR"]) / "events")
    app.extensions.setdefault("reperes", {})["events"] = store
    app.register_blueprint(views.bp)
    add_menu(app, "agenda.index", _l("Agenda"), order=20)
    app.jinja_env.globals.update(agenda_upcoming=views.upcoming_for, agenda_month=views.month_items,
                                 agenda_when=views.item_when, agenda_place=views.location,
                                 agenda_to_review=views.my_reviews,
                                 agenda_counts=views.counts_last_year)
    register_seeder(app, demo.seed)
    _register_search(app, store)
    # Once every package is set up (first app context: a request or a CLI command such as
    # `flask directory import`), follow the sheet store so the index learns status changes.
    from flask import appcontext_pushed

    def follow(sender, **_extra) -> None:
        _follow_sheets(sender, store)

    appcontext_pushed.connect(follow, app, weak=False)
    from admin.check import register_media

    register_media(app, _media_sets)


def _media_sets(app):
    """For `flask check`: event pictures, referred to by any revision (a revert brings one back)."""
    import json
    import re

    from admin.check import MediaSet
    from i18n import N_
    from wiki.store import NotFound

    store = app.extensions["reperes"]["events"]
    referenced: dict[str, str] = {}
    for name in store.names(include_deleted=True):
        try:
            revisions = store.revisions(name)
        except NotFound:
            continue
        for revision in revisions:
            try:
                picture = json.loads(revision.text or "{}").get("picture") or ""
            except (ValueError, AttributeError):
                continue
            if picture:
                referenced[picture.split(".")[0]] = f"événement {name}"
    pattern = re.compile(r"^([a-f0-9]{24})(?:-\d+)?\.(?:jpg|png)$")

    def id_of(rel: str):
        found = pattern.match(rel)
        return found.group(1) if found else None

    folder = Path(app.config["DATA_DIR"]) / "events-media"
    return [MediaSet(N_("images des événements"), folder, referenced, id_of)]


def _follow_sheets(app, store) -> None:
    """When a sheet changes (published, back to draft...), re-index its events' visibility."""
    reperes = app.extensions["reperes"]
    sheets_store, index = reperes.get("structures"), reperes.get("search_index")
    if sheets_store is None or index is None:
        return
    if any(getattr(f, "agenda_follows", False) for f in sheets_store.listeners):
        return

    def on_sheet_change(change) -> None:
        from agenda import calendar as cal

        slugs = {change.name, change.old_name} - {None}
        for entry in cal.entries(store):
            if entry.event.structure in slugs:
                index.notify("events", entry.name)

    on_sheet_change.agenda_follows = True
    sheets_store.listeners.append(on_sheet_change)


def _register_search(app, store) -> None:
    try:
        from search import SearchDoc, register_source
    except ImportError:  # pragma: no cover - search is part of the foundation
        return
    from agenda import atom, sheets
    from agenda import calendar as cal

    def extract(name, revision):
        """An event as the index sees it (public only when any visitor may see it)."""
        try:
            entry = cal.load(store, name, revision.number)
        except Exception:
            return None
        event = entry.event
        found = sheets.info(app, event.structure)
        status = sheets.status_reader(app)
        place = event.place_name or (found.name if found else "")
        # no date in the body: the index serves every language; results show it (agenda_search_when)
        body = "\n".join(x for x in (place, event.address, event.description, event.cancel_reason) if x)
        return SearchDoc(
            kind="events", key=name, title=event.title, url=f"/agenda/evenement/{name}",
            body=body, public=cal.is_public(event, status),
            tags=tuple(event.besoins) + tuple(event.publics) + (event.kind,),
            extra={"start": event.start, "last": event.last_day.isoformat(),  # past events rank lower
                   "structure": event.structure, "status": event.status},
            modified=revision.time,
        )

    register_source(app, "events", store, extract)

    def search_when(name: str) -> str:
        """The dates of an event in a search result, in the visitor's language."""
        try:
            return atom.when_text(cal.load(store, name))
        except Exception:
            return ""

    app.jinja_env.globals["agenda_search_when"] = search_when


def count_events(app, first: date | None = None, last: date | None = None,
                 include_internal: bool = True) -> dict[str, dict[str, int]]:
    """For the evaluation page: {"2026-11": {"atelier": 4, "portes-ouvertes": 1, ...}, ...}.

    Counts occurrences actually held (published, not cancelled, not drafts) between the
    local days first and last (inclusive); a weekly workshop counts once per week.
    """
    from agenda import calendar as cal

    return cal.count_by_kind_and_month(cal.entries(app.extensions["reperes"]["events"]),
                                       first, last, include_internal)

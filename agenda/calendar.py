"""Events read back from their store, who may see them, what falls in a week or month. No Flask.

The one rule of visibility lives here (`is_public`): a public output (page, search,
Atom, .ics) shows an event only when it is published or cancelled, not internal to
the network, and not attached to a sheet that is not published.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from agenda import recurrence as rec
from agenda.event import CANCELLED, DRAFT, KINDS, PUBLISHED, Event
from wiki.store import DocumentStore, NotFound, Revision

PUBLISHED_SHEET = frozenset({"publiee", "published", "publie"})
SheetStatus = Callable[[str], str | None]


@dataclass(frozen=True)
class Entry:
    """An event with its document name and current revision."""

    name: str
    event: Event
    revision: Revision


@dataclass(frozen=True)
class Item:
    """One occurrence of an event, as listed in the agenda."""

    occurrence: rec.Occurrence
    entry: Entry


def load(store: DocumentStore, name: str, rev: int | None = None) -> Entry:
    """An event by name (NotFound if missing, deleted or unreadable)."""
    revision = store.load(name, rev)
    try:
        event = Event.from_text(revision.text)
    except (ValueError, TypeError) as exc:
        raise NotFound(name) from exc
    return Entry(name, event, revision)


_CACHE: dict[str, tuple[tuple[int, int], list[Entry]]] = {}


def change_key(store: DocumentStore) -> tuple[int, int]:
    """Size and time of the store-wide edit-log: every save, delete or rename (from any
    worker process) appends a line to it, so an unchanged key means unchanged documents."""
    try:
        st = (store.root / "edit-log").stat()
    except FileNotFoundError:
        return (0, 0)
    return (st.st_size, st.st_mtime_ns)


def entries(store: DocumentStore) -> list[Entry]:
    """Every event of the store (damaged documents skipped), cached until the next change.

    The list is shared between requests: callers must not change the events in it.
    """
    key = change_key(store)
    cached = _CACHE.get(str(store.root))
    if cached is not None and cached[0] == key and key != (0, 0):
        return cached[1]
    out = []
    for name in store.names():
        with contextlib.suppress(NotFound, json.JSONDecodeError):
            out.append(load(store, name))
    _CACHE[str(store.root)] = (key, out)
    return out


def is_public(event: Event, sheet_status: SheetStatus) -> bool:
    """Whether anonymous visitors, feeds, search and .ics may show the event."""
    if event.status not in (PUBLISHED, CANCELLED) or event.internal:
        return False
    return not event.structure or sheet_status(event.structure) in PUBLISHED_SHEET


def visible(all_entries: Iterable[Entry], member: bool, sheet_status: SheetStatus) -> list[Entry]:
    """Entries a visitor may see: members see everything, others only public events."""
    return [e for e in all_entries if member or is_public(e.event, sheet_status)]


def matches(event: Event, *, besoin: str = "", public: str = "", gratuit: bool = False,
            structure: str = "", kind: str = "") -> bool:
    """Whether an event passes the directory-style filters."""
    if besoin and besoin not in event.besoins:
        return False
    if public and public not in event.publics and "tous-publics" not in event.publics:
        return False
    if gratuit and not event.is_free:
        return False
    if structure and event.structure != structure:
        return False
    return not (kind and event.kind != kind)


def _items_in(all_entries: Iterable[Entry], window: tuple[datetime, datetime], filters: dict) -> list[Item]:
    """Occurrences of the matching events within the window, sorted by start, then title."""
    out = [
        Item(occ, entry)
        for entry in all_entries
        if matches(entry.event, **filters)
        for occ in entry.event.occurrences(window)
    ]
    return sorted(out, key=lambda i: (i.occurrence.start, i.entry.event.title.casefold()))


def items_between(all_entries: Iterable[Entry], first: date, last: date, **filters) -> list[Item]:
    """Occurrences overlapping the local days first..last (inclusive), sorted by start."""
    window = (rec.local_midnight(first), rec.local_midnight(last + timedelta(days=1)))
    return _items_in(all_entries, window, filters)


def upcoming(all_entries: Iterable[Entry], now: datetime, limit: int = 5, days: int = 92,
             **filters) -> list[Item]:
    """The next occurrences (ongoing ones included) within `days`, at most `limit`."""
    return _items_in(all_entries, (now, now + timedelta(days=days)), filters)[:limit]


def months_with_events(all_entries: Iterable[Entry]) -> list[tuple[str, int]]:
    """[("2026-11", number of occurrences), ...] newest first, for the archive."""
    counter: Counter[str] = Counter()
    for entry in all_entries:
        for occ in entry.event.occurrences():
            counter[occ.start.strftime("%Y-%m")] += 1
    return sorted(counter.items(), reverse=True)


def count_by_kind_and_month(all_entries: Iterable[Entry], first: date | None = None,
                            last: date | None = None,
                            include_internal: bool = True) -> dict[str, dict[str, int]]:
    """Occurrences held, by month ("2026-11") then kind ("atelier"...), for the evaluation page.

    Counts each occurrence of a repeated event (a weekly workshop counts four or five
    times a month); drafts, cancelled events and called-off dates are not counted. first/last bound the
    local days (inclusive).
    """
    out: dict[str, dict[str, int]] = {}
    window = None
    if first is not None or last is not None:
        window = (rec.local_midnight(first or date(1970, 1, 1)),
                  rec.local_midnight((last or date(2100, 1, 1)) + timedelta(days=1)))
    for entry in all_entries:
        event = entry.event
        if event.status != PUBLISHED or (event.internal and not include_internal):
            continue
        for occ in event.occurrences(window):
            if occ.cancelled:
                continue
            month = occ.start.strftime("%Y-%m")
            kinds = out.setdefault(month, dict.fromkeys(KINDS, 0))
            kinds[event.kind] = kinds.get(event.kind, 0) + 1
    return dict(sorted(out.items()))


def pending(store: DocumentStore, entry: Entry, referents: tuple[str, ...]) -> list[Revision]:
    """Changes to a structure's event made by non-référents since the last review.

    The directory's mechanism, reused as is: meta "reviewed" holds the first revision
    not yet looked at; a référent's own save or « J'ai vérifié » moves it on.
    """
    if not entry.event.structure:
        return []
    from directory.sheet import pending_review

    return pending_review(store, entry.name, referents)


def reviewed_mark(previous: Revision | None, structure: str, author: str,
                  referents: tuple[str, ...]) -> int:
    """The "reviewed" meta of a new save (same rule as the directory's sheets)."""
    number = previous.number if previous else 0
    if not structure or author in referents:
        return number + 1
    return int(previous.meta.get("reviewed", 0) or 0) if previous else 0


def to_review(store: DocumentStore, all_entries: Iterable[Entry],
              referents: Callable[[str], tuple[str, ...]],
              structures: set[str] | None) -> list[tuple[Entry, list[Revision]]]:
    """Events with changes waiting for review, limited to some structures (None = all)."""
    out = []
    for entry in all_entries:
        if not entry.event.structure:
            continue
        if structures is not None and entry.event.structure not in structures:
            continue
        changes = pending(store, entry, referents(entry.event.structure))
        if changes:
            out.append((entry, changes))
    return out


__all__ = ["CANCELLED", "DRAFT", "PUBLISHED", "Entry", "Item", "count_by_kind_and_month",
           "entries", "is_public", "items_between", "load", "matches", "months_with_events",
           "pending", "reviewed_mark", "to_review", "upcoming", "visible"]

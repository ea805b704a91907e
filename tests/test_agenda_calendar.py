"""agenda.calendar: the entries cache follows changes made by any process."""

from __future__ import annotations

from agenda import calendar as cal
from agenda.event import Event
from wiki.store import DocumentStore


def event(title: str) -> str:
    return Event(title=title, start="2026-12-03T14:00", end="2026-12-03T15:00").to_text()


def test_entries_cache_sees_saves_deletes_from_another_store_object(tmp_path):
    mine, other = DocumentStore(tmp_path), DocumentStore(tmp_path)  # two worker processes
    assert cal.entries(mine) == []
    other.save("a", event("A"), author="x")
    first = cal.entries(mine)
    assert [e.event.title for e in first] == ["A"]
    assert cal.entries(mine) is first          # unchanged: served from the cache
    other.save("a", event("A bis"), author="x")
    assert [e.event.title for e in cal.entries(mine)] == ["A bis"]
    other.delete("a", author="x")
    assert cal.entries(mine) == []


def test_damaged_event_is_skipped(tmp_path):
    store = DocumentStore(tmp_path)
    store.save("bad", "{not json", author="x")
    store.save("good", event("Bon"), author="x")
    assert [e.name for e in cal.entries(store)] == ["good"]

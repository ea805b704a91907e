"""The .ics feed parsed back with icalendar, event by event, and expanded by a third party."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

from agenda import atom, ics
from agenda import recurrence as rec
from agenda.calendar import Entry
from agenda.event import Event
from wiki.store import Revision

PARIS = ZoneInfo("Europe/Paris")


def entry(name, **fields) -> Entry:
    event = Event(**{"title": name, "start": "2026-12-03T14:00", "end": "2026-12-03T17:00",
                     "place": "autre", "address": "Brest", "status": "publie", **fields})
    return Entry(name, event, Revision(name, 3, event.to_text(), time=1_790_000_000.0))


ENTRIES = [
    entry("portes-ouvertes", kind="portes-ouvertes", price_details="", description="Café offert"),
    entry("atelier", start="2026-03-03T10:00", end="2026-03-03T12:00", repeat=rec.WEEKLY,
          until="2026-11-03", kind="atelier"),
    entry("nuit", start="2026-03-22T02:30", end="2026-03-22T03:30", repeat=rec.WEEKLY,
          until="2026-04-05"),
    entry("automne", start="2026-10-18T02:30", end="2026-10-18T03:15", repeat=rec.WEEKLY,
          until="2026-11-01"),
    entry("mensuel", start="2026-01-31T18:00", end="2026-01-31T19:00", repeat=rec.MONTHLY_DATE,
          until="2026-12-31"),
    entry("deuxieme-mardi", start="2026-01-13T09:30", end="2026-01-13T11:30",
          repeat=rec.MONTHLY_WEEKDAY, until="2026-12-31", kind="reunion-reseau"),
    entry("annule", status="annule", cancel_reason="Travaux dans la salle"),
]


def build() -> bytes:
    return ics.build(ENTRIES, name="Test", event_url=lambda n: f"https://x.test/agenda/evenement/{n}",
                     location=lambda e: e.event.address)


def by_uid(cal: Calendar) -> dict:
    return {str(c["UID"]).split("@")[0]: c for c in cal.walk("VEVENT")}


def test_calendar_has_paris_timezone_and_every_event():
    cal = Calendar.from_ical(build())
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert sorted(by_uid(cal)) == sorted(e.name for e in ENTRIES)
    assert str(cal["VERSION"]) == "2.0"


def test_each_event_reads_back_with_its_local_times_and_status():
    events = by_uid(Calendar.from_ical(build()))
    for e in ENTRIES:
        vevent = events[e.name]
        start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
        assert start.tzinfo is not None
        assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
        assert start.astimezone(PARIS).replace(tzinfo=None) == datetime.fromisoformat(e.event.start)
        assert end.astimezone(PARIS).replace(tzinfo=None) == datetime.fromisoformat(e.event.end)
        assert str(vevent["SUMMARY"]) == e.event.title
        assert str(vevent["URL"]).endswith(f"/agenda/evenement/{e.name}")
        expected = "CANCELLED" if e.event.status == "annule" else "CONFIRMED"
        assert str(vevent["STATUS"]) == expected
        assert ("RRULE" in vevent) == (e.event.repeat != rec.NONE)
    assert "Travaux dans la salle" in str(events["annule"]["DESCRIPTION"])
    assert events["atelier"]["RRULE"]["FREQ"] == ["WEEKLY"]
    assert events["deuxieme-mardi"]["RRULE"]["BYDAY"] == ["2TU"]


def test_a_third_party_expansion_of_the_ics_matches_ours():
    """recurring_ical_events (RFC 5545) and agenda.recurrence agree on every occurrence.

    Start instants agree everywhere. On the two clock-change nights recurring_ical_events
    adds the duration in wall-clock time (a 02:30-03:30 event lasts 0 h in March); RFC 5545
    (3.8.5.3) asks for the exact duration, which is what we do: there, only starts are compared.
    """
    cal = Calendar.from_ical(build())
    first, last = date(2026, 1, 1), date(2027, 1, 1)
    changes = {date(2026, 3, 29), date(2026, 10, 25)}
    theirs = {}
    for vevent in recurring_ical_events.of(cal).between(first, last):
        uid = str(vevent["UID"]).split("@")[0]
        theirs.setdefault(uid, []).append((vevent.decoded("DTSTART"), vevent.decoded("DTEND")))
    window = (rec.local_midnight(first), rec.local_midnight(last))
    compared = 0
    for e in ENTRIES:
        ours = e.event.occurrences(window)
        mine = sorted(theirs[e.name], key=lambda pair: pair[0].astimezone(UTC))
        assert len(mine) == len(ours), e.name
        duration = e.event.end_dt - e.event.start_dt
        for occ, (start, end) in zip(ours, mine, strict=True):
            assert occ.start.astimezone(UTC) == start.astimezone(UTC), e.name
            assert occ.end.astimezone(UTC) - occ.start.astimezone(UTC) == duration
            if occ.start.date() not in changes:
                assert occ.end.astimezone(UTC) == end.astimezone(UTC), e.name
            compared += 1
    assert compared == 63
    # The clock-change nights, checked by hand too: 02:30 does not exist on 29 March -> 03:30.
    night = [o.start for o in ENTRIES[2].event.occurrences()]
    assert [s.strftime("%d/%m %H:%M") for s in night] == ["22/03 02:30", "29/03 03:30", "05/04 02:30"]
    autumn = ENTRIES[3].event.occurrences()
    assert autumn[1].start.strftime("%H:%M") == "02:30"
    assert autumn[1].start.utcoffset() == timedelta(hours=2)


def test_empty_calendar_is_still_valid():
    cal = Calendar.from_ical(ics.build([], name="Vide", event_url=str, location=lambda e: ""))
    assert list(cal.walk("VEVENT")) == []


def test_atom_feed_is_well_formed_and_says_cancelled():
    from xml.etree import ElementTree as ET

    data = atom.build(ENTRIES, title="Agenda", feed_url="https://x.test/agenda/flux.atom",
                      page_url="https://x.test/agenda/", event_url=lambda n: f"https://x.test/e/{n}",
                      location=lambda e: e.event.address)
    root = ET.fromstring(data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [t.text for t in root.findall("a:entry/a:title", ns)]
    assert "ANNULÉ — annule" in titles
    assert len(titles) == len(ENTRIES)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"


def test_a_called_off_date_is_a_cancelled_override_in_the_ics():
    weekly = entry("hebdo", start="2026-12-01T14:00", end="2026-12-01T16:00", repeat=rec.WEEKLY,
                   until="2027-01-26", exceptions={"2026-12-22": "Vacances"})
    data = ics.build([weekly], name="T", event_url=str, location=lambda e: "")
    vevents = list(Calendar.from_ical(data).walk("VEVENT"))
    assert len(vevents) == 2
    override = next(v for v in vevents if "RECURRENCE-ID" in v)
    assert override.decoded("RECURRENCE-ID") == datetime(2026, 12, 22, 14, 0, tzinfo=PARIS)
    assert str(override["STATUS"]) == "CANCELLED"
    assert "Vacances" in str(override["DESCRIPTION"])
    # A calendar application sees the series with that one date cancelled.
    seen = {v.decoded("DTSTART").date().isoformat(): str(v.get("STATUS"))
            for v in recurring_ical_events.of(Calendar.from_ical(data)).between(
                date(2026, 12, 1), date(2027, 2, 1))}
    assert len(seen) == 9
    assert seen["2026-12-22"] == "CANCELLED"
    assert seen["2026-12-15"] == "CONFIRMED"

"""iCalendar (RFC 5545) feeds made with the `icalendar` package. No Flask.

Times are written in local time with TZID=Europe/Paris and a VTIMEZONE covering the
feed's dates, repetitions as RRULE, cancelled events with STATUS:CANCELLED (and the
reason in the description), so a phone's calendar shows exactly what the page shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from agenda import recurrence as rec
from agenda.calendar import Entry
from agenda.event import CANCELLED, PRICES
from i18n import N_, translate

if TYPE_CHECKING:
    from icalendar import Calendar
    from icalendar import Event as VEvent

# icalendar is imported by the functions that use it: ~2 MB and 20 ms in every server process
# otherwise, for feeds that calendar apps fetch a few times a day (and kept built, agenda/views.py).

PRODID = "-//Repères Brest//Agenda//FR"


def _local(moment: datetime) -> datetime:
    return moment.astimezone(rec.PARIS)


def build(entries: Iterable[Entry], *, name: str, event_url: Callable[[str], str],
          location: Callable[[Entry], str], uid_domain: str = "reperes.local") -> bytes:
    """A whole calendar of events, as bytes (text/calendar)."""
    from icalendar import Calendar
    from icalendar import Event as VEvent

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    first, last = None, None
    for entry in entries:
        event = entry.event
        occurrences = event.occurrences()
        if not occurrences:
            continue
        first = min(first or occurrences[0].start.date(), occurrences[0].start.date())
        last = max(last or occurrences[-1].end.date(), occurrences[-1].end.date())
        vevent = VEvent()
        vevent.add("uid", f"{entry.name}@{uid_domain}")
        vevent.add("dtstamp", datetime.fromtimestamp(entry.revision.time or 0, UTC))
        vevent.add("last-modified", datetime.fromtimestamp(entry.revision.time or 0, UTC))
        vevent.add("sequence", entry.revision.number)
        vevent.add("summary", event.title)
        vevent.add("dtstart", _local(event.start_dt))
        vevent.add("dtend", _local(event.end_dt))
        rule = rec.rrule(event.start_dt, event.repeat, event.until_date)
        if rule:
            vevent.add("rrule", rule)
        place = location(entry)
        if place:
            vevent.add("location", place)
        vevent.add("description", _description(entry))
        url = event_url(entry.name)
        vevent.add("url", url)
        vevent.add("categories", [event.kind])
        if event.status == CANCELLED:
            vevent.add("status", "CANCELLED")
        else:
            vevent.add("status", "CONFIRMED")
        cal.add_component(vevent)
        if rule:
            for occ in occurrences:
                if occ.cancelled:
                    cal.add_component(_called_off(entry, occ, uid_domain, url, place))
    if first is not None and last is not None:
        cal.add_missing_timezones(first_date=first - timedelta(days=366),
                                  last_date=last + timedelta(days=366))
    return cal.to_ical()


def _called_off(entry: Entry, occ, uid_domain: str, url: str, place: str) -> VEvent:
    """One date of a repetition called off: an override (RECURRENCE-ID) with STATUS:CANCELLED."""
    from icalendar import Event as VEvent

    vevent = VEvent()
    vevent.add("uid", f"{entry.name}@{uid_domain}")
    vevent.add("dtstamp", datetime.fromtimestamp(entry.revision.time or 0, UTC))
    vevent.add("sequence", entry.revision.number)
    vevent.add("recurrence-id", _local(occ.start))
    vevent.add("summary", entry.event.title)
    vevent.add("dtstart", _local(occ.start))
    vevent.add("dtend", _local(occ.end))
    if place:
        vevent.add("location", place)
    vevent.add("description", translate(N_("ANNULÉ ce jour-là : %(reason)s", reason=occ.reason)))
    vevent.add("url", url)
    vevent.add("status", "CANCELLED")
    return vevent


def _description(entry: Entry) -> str:
    event = entry.event
    parts = []
    if event.status == CANCELLED:
        parts.append(translate(N_("ANNULÉ : %(reason)s", reason=event.cancel_reason)))
    if event.description:
        parts.append(event.description)
    price = PRICES.get(event.price, "")
    if event.price_details:
        price = f"{price} ({event.price_details})"
    parts.append(f"Tarif : {price}")
    if event.registration:
        parts.append(f"Inscription : {event.registration_how}")
    return "\n\n".join(parts)


def parse(data: bytes) -> Calendar:
    """Read a calendar back (used by tests and the `agenda check` idea)."""
    from icalendar import Calendar

    return Calendar.from_ical(data)


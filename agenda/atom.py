"""The public Atom feed of the agenda (RFC 4287), built with ElementTree. No Flask."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from agenda import recurrence as rec
from agenda.calendar import Entry
from agenda.event import CANCELLED
from i18n import N_, language, translate

ATOM = "http://www.w3.org/2005/Atom"


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts or 0, UTC).isoformat(timespec="seconds")


def when_text(entry: Entry) -> str:
    """« jeudi 3 décembre 2026, 14 h – 17 h » (and the repetition, if any)."""
    event = entry.event
    start, end = event.start_dt, event.end_dt
    text = f"{rec.format_day(start.date(), weekday=True)}, {rec.format_clock(start)} – "
    if end.date() != start.date():
        text += f"{rec.format_day(end.date(), weekday=True)}, "
    text += rec.format_clock(end)
    if event.repeat_text:
        text += f", {event.repeat_text}"
    return text


def build(entries: Iterable[Entry], *, title: str, feed_url: str, page_url: str,
          event_url: Callable[[str], str], location: Callable[[Entry], str]) -> bytes:
    """The feed: one entry per event, newest change first."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": language()})
    items = sorted(entries, key=lambda e: e.revision.time, reverse=True)
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_url
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": feed_url,
                                             "type": "application/atom+xml"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": page_url,
                                             "type": "text/html"})
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _iso(items[0].revision.time if items else 0)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = title
    for entry in items:
        event = entry.event
        node = ET.SubElement(feed, f"{{{ATOM}}}entry")
        cancelled = event.status == CANCELLED
        ET.SubElement(node, f"{{{ATOM}}}title").text = (
            translate(N_("ANNULÉ — %(title)s", title=event.title)) if cancelled else event.title)
        url = event_url(entry.name)
        ET.SubElement(node, f"{{{ATOM}}}id").text = url
        ET.SubElement(node, f"{{{ATOM}}}link", {"rel": "alternate", "href": url,
                                                 "type": "text/html"})
        ET.SubElement(node, f"{{{ATOM}}}updated").text = _iso(entry.revision.time)
        lines = [when_text(entry)]
        place = location(entry)
        if place:
            lines.append(place)
        if event.status == CANCELLED:
            lines.append(translate(N_("Annulé : %(reason)s", reason=event.cancel_reason)))
        if event.description:
            lines.append(event.description[:1000])
        ET.SubElement(node, f"{{{ATOM}}}summary", {"type": "text"}).text = "\n".join(lines)
        ET.SubElement(node, f"{{{ATOM}}}category", {"term": event.kind})
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)

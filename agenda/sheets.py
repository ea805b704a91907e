"""What the agenda needs from the directory's structure sheets, read from their store.

The directory keeps sheets as JSON documents in app.extensions["reperes"]["structures"]
(keyed by slug). The agenda only reads a few fields (name, address, status, référents),
so it does not depend on the directory's Python API. No Flask request needed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from wiki.store import NotFound


@dataclass(frozen=True)
class SheetInfo:
    """The few facts the agenda uses about a structure."""

    slug: str
    name: str
    status: str
    address: str
    referents: tuple[str, ...]

    @property
    def published(self) -> bool:
        """Whether the sheet is public."""
        return self.status == "publiee"


def store(app):
    """The directory's sheet store, or None when the directory is not installed."""
    return app.extensions.get("reperes", {}).get("structures")


def info(app, slug: str) -> SheetInfo | None:
    """A sheet's facts, or None when there is no such (live) sheet."""
    sheets = store(app)
    if sheets is None or not slug:
        return None
    try:
        data = json.loads(sheets.load(slug).text)
    except (NotFound, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    town = " ".join(str(data.get(k) or "") for k in ("postcode", "town")).strip()
    address = ", ".join(x for x in (str(data.get("address") or ""), town) if x)
    referents = data.get("referents") or ()
    return SheetInfo(slug, str(data.get("name") or slug), str(data.get("status") or "brouillon"),
                     address, tuple(str(r) for r in referents if isinstance(r, str)))


def status_reader(app):
    """A function slug -> sheet status (None for an unknown slug)."""
    cache: dict[str, str | None] = {}

    def status(slug: str) -> str | None:
        if slug not in cache:
            found = info(app, slug)
            cache[slug] = found.status if found else None
        return cache[slug]

    return status


def choices(app) -> list[tuple[str, str, str]]:
    """[(slug, name, status), ...] of every sheet, by name, for the event form."""
    sheets = store(app)
    if sheets is None:
        return []
    out = []
    for slug in sheets.names():
        found = info(app, slug)
        if found is not None and found.status != "archivee":
            out.append((slug, found.name, found.status))
    return sorted(out, key=lambda s: s[1].casefold())


def referent_of(app, username: str) -> set[str]:
    """Slugs of the sheets where username is a référent."""
    sheets = store(app)
    if sheets is None or not username:
        return set()
    out = set()
    for slug in sheets.names():
        found = info(app, slug)
        if found is not None and username in found.referents:
            out.add(slug)
    return out

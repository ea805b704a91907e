"""The places a contribution can be about: the directory's structure sheets and their activities.

Read through `directory.sheet` (the directory package owns the format); nothing is written here.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Place:
    """A structure sheet as the mediation tool needs it."""

    slug: str
    name: str
    public: bool
    activities: tuple[str, ...] = ()


def structures_store():
    """The directory's sheet store, or None while the directory is not installed."""
    return current_app.extensions.get("reperes", {}).get("structures")


def all_places(include_drafts: bool = True) -> list[Place]:
    """Every structure (published ones only when include_drafts is False), by name."""
    store = structures_store()
    if store is None:
        return []
    from directory import sheet as sheet_mod

    out = []
    for sheet in sheet_mod.all_sheets(store):
        if sheet.status == "archivee" or (not include_drafts and not sheet.public):
            continue
        out.append(Place(sheet.slug, sheet.name, sheet.public, tuple(s.name for s in sheet.services)))
    return out


def place(slug: str) -> Place | None:
    """One structure, or None."""
    store = structures_store()
    if store is None or not slug:
        return None
    from directory import sheet as sheet_mod
    from wiki.store import NotFound

    try:
        sheet, _rev = sheet_mod.load(store, slug)
    except (NotFound, ValueError):
        return None
    return Place(sheet.slug, sheet.name, sheet.public, tuple(s.name for s in sheet.services))


def sheet_url(slug: str) -> str:
    """Public URL of a structure sheet."""
    return f"/annuaire/{slug}"

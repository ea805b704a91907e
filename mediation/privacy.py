"""Erasing a participant for good, journalled so that a restored backup erases them again."""

from __future__ import annotations

import logging

from mediation.store import MediationStore

log = logging.getLogger(__name__)


def erase_participant(app, pid: str, *, actor: str) -> dict:
    """Erase a participant (every revision, media, thumbnails, index entries) and journal it."""
    store: MediationStore = app.extensions["reperes"]["mediation"]
    report = store.purge_participant(pid, actor)
    import search

    search.forget(app)  # their words leave the index files too, not only its answers
    from admin.erasures import record_erasure

    # The journal names the random id, never the pseudonym: it outlives the person's data.
    record_erasure(app, pid, actor=actor, kind="participant",
                   detail={"contributions": report["contributions"], "media": report["media"]})
    return report


def eraser(app, entry: dict) -> None:
    """Re-apply one journal entry to a restored data folder (idempotent)."""
    if entry.get("kind") != "participant":
        return
    store: MediationStore = app.extensions["reperes"]["mediation"]
    target = str(entry.get("target", ""))
    person = store.participant(target) or store.find_participant(target)
    pid = person.id if person else target
    store.purge_participant(pid, "restore")
    for cid in (entry.get("detail") or {}).get("contributions", []):
        if store.contributions.current_number(cid) is not None:
            store.purge_contribution(cid, "restore")
    for mid in (entry.get("detail") or {}).get("media", []):
        store.remove_media(mid)

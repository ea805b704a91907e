"""The erasure journal: people erased stay erased, even when an older backup is restored.

Format: JSON lines in ``DATA_DIR/erasures/journal.jsonl``, mirrored (best effort) in
``BACKUP_DIR/erasures.jsonl`` (BACKUP_DIR: see admin.backup.backup_dir) so that it survives the loss of the data folder::

    {"id": "9f1c...", "time": 1764140000.0, "kind": "participant", "target": "Soleil29",
     "actor": "admin", "detail": {}}

- ``id``: random, unique: ``restore`` re-applies each entry at most once per restore;
- ``kind``: what was erased ("participant" for a mediation pseudonym; others may add kinds);
- ``target``: the pseudonym (or other key); ``detail``: a small dict the eraser may use.

The package that erases people (mediation) does two things:

1. after erasing someone, ``record_erasure(app, target, actor=username)`` (which also
   writes the ``<kind>.erase`` line of the audit log);
2. in its ``init_app``, ``register_eraser(app, fn)``: ``fn(app, entry)`` erases
   ``entry["target"]`` from the data folder of ``app`` (called inside an app context of the
   restored application). It must be idempotent (erasing someone absent does nothing).

``flask restore`` reads the journals it can find (the one in the archive, the live one of
the configured data folder, the one next to the archive, the mirror in BACKUP_DIR, and
``--journal FILE``) and calls every registered eraser for each entry not already in the
archive's own journal, then journals them in the restored folder. The archive's own entries
are applied again as well (erasers are idempotent), in case someone was erased while the
backup was being taken.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from admin import audit
from i18n import N_
from wiki.store import append_locked

log = logging.getLogger(__name__)

JOURNAL = Path("erasures") / "journal.jsonl"
MIRROR_NAME = "erasures.jsonl"

Eraser = Callable[[object, dict], None]


def journal_path(data_dir: Path | str) -> Path:
    """The erasure journal of a data folder."""
    return Path(data_dir) / JOURNAL


def _append(path: Path, entries: Iterable[dict]) -> None:
    data = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries)
    if not data:
        return
    append_locked(path, data.encode("utf-8"))


def record_erasure(app, target: str, *, actor: str, kind: str = "participant",
                   detail: dict | None = None) -> dict:
    """Write an erasure in the journal (and its mirror, and the audit log); return the entry."""
    entry = {"id": secrets.token_hex(12), "time": round(time.time(), 3), "kind": kind,
             "target": str(target), "actor": str(actor), "detail": dict(detail or {})}
    data_dir = Path(app.config["DATA_DIR"])
    _append(journal_path(data_dir), [entry])  # raises: the caller must know it was not journalled
    from admin.backup import backup_dir

    if app.config.get("BACKUP_DIR"):
        mirror = backup_dir(app.config)
        try:
            _append(mirror / MIRROR_NAME, [entry])
        except OSError:
            log.exception("could not mirror the erasure journal in %s", mirror)
    audit.record(data_dir, actor, f"{kind}.erase", target)
    return entry


def read_journal(path: Path | str) -> list[dict]:
    """Entries of a journal file, oldest first (damaged lines and missing files are skipped)."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("id") and entry.get("target"):
            out.append(entry)
    return out


def register_eraser(app, fn: Eraser) -> None:
    """Let a package erase people again after a restore: fn(app, entry), idempotent."""
    app.extensions.setdefault("reperes", {}).setdefault("erasers", []).append(fn)


def erasers(app) -> list[Eraser]:
    """The registered erasers."""
    return list(app.extensions.get("reperes", {}).get("erasers", []))


def pending(archive_entries: list[dict], others: Iterable[dict]) -> list[dict]:
    """Entries of other journals that the archive does not hold yet, oldest first, once each."""
    seen = {e["id"] for e in archive_entries}
    out = []
    for entry in others:
        if entry["id"] not in seen:
            seen.add(entry["id"])
            out.append(entry)
    return sorted(out, key=lambda e: e.get("time", 0))


def reapply(app, entries: list[dict], fns: list[Eraser], *, journal: list[dict] = ()) -> list[str]:
    """Run every eraser on each entry in app's data folder; say what was done.

    `entries` are appended to the restored journal; `journal` (the archive's own entries)
    are applied again too but not re-journalled: a person erased while the backup was being
    taken may be in the archive's journal and, partly, in its data.
    """
    report = []
    with app.app_context():
        for entry in [*journal, *entries]:
            for fn in fns:
                fn(app, entry)
        for entry in entries:
            report.append(N_("%(kind)s « %(target)s » effacé à nouveau", kind=entry.get("kind", "?"),
                             target=entry["target"]))
    _append(journal_path(app.config["DATA_DIR"]), entries)
    return report

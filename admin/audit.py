"""The audit log: who did what to what, and when (not page views).

Usage, from any package (a view, a CLI command, a store listener)::

    from admin import audit
    audit.record(current_app, current_username(), "contribution.publish", "contrib-42",
                 detail="publiée dans la galerie")

- ``app_or_datadir``: the Flask app or the data folder (a path), so CLI tools and pure
  modules can call it too;
- ``actor``: the account name (or "cli", "system");
- ``action``: a short dotted verb, ``<kind>.<verb>``: ``user.create``, ``user.disable``,
  ``page.delete``, ``sheet.publish``, ``contribution.refuse``, ``person.purge``,
  ``person.export``, ``backup.create``, ``backup.restore``, ``theme.change``...;
- ``target``: what was acted on (an account, a page name, a pseudonym, a file);
- ``detail``: one free line of context (never a password, never private text).

Lines are JSON objects appended to ``DATA_DIR/audit/audit-YYYY-MM.log`` (one file per
month, UTC, so old months can be archived or deleted by the administrator), each append
made under an exclusive ``flock`` on the file and fsynced. ``record`` never raises: an
audit line that cannot be written is logged as an error and ``False`` is returned, so the
action itself (already done) is not reported as failed.

Document stores are also watched without their packages doing anything
(``store_listener``, attached by ``admin.init_app`` to every DocumentStore the packages put
in ``app.extensions["reperes"]``): creation, deletion, rename and revert of a document, and
every change of its ``status`` (published, refused, archived...) or ``public`` metadata;
and a file taken off a page (``attachment_listener``: ``page_attachments.remove``, the file's
name as detail). Ordinary edits and uploads are not repeated here: each document's edit-log
and each file's versions already have them.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from wiki.store import Change, NotFound, append_locked

log = logging.getLogger(__name__)

AUDIT_DIR = "audit"
FILE_RE = re.compile(r"^audit-(\d{4})-(\d{2})\.log$")
_MAX_FIELD = 300
_MAX_DETAIL = 1000


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    time: float
    actor: str
    action: str
    target: str
    detail: str = ""


def _data_dir(app_or_datadir) -> Path:
    config = getattr(app_or_datadir, "config", None)
    return Path(config["DATA_DIR"]) if config is not None else Path(app_or_datadir)


def _clip(value, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def log_path(data_dir: Path | str, when: float | None = None) -> Path:
    """The monthly file a line written at `when` (default now) goes to."""
    moment = datetime.fromtimestamp(time.time() if when is None else when, UTC)
    return Path(data_dir) / AUDIT_DIR / f"audit-{moment:%Y-%m}.log"


def record(app_or_datadir, actor: str, action: str, target: str, detail: str = "") -> bool:
    """Append one line to the audit log; True when written (never raises)."""
    now = time.time()
    entry = {
        "time": round(now, 3),
        "actor": _clip(actor, _MAX_FIELD),
        "action": _clip(action, _MAX_FIELD),
        "target": _clip(target, _MAX_FIELD),
        "detail": _clip(detail, _MAX_DETAIL),
    }
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        append_locked(log_path(_data_dir(app_or_datadir), now), line)
    except OSError:
        log.exception("could not write the audit line %r", entry)
        return False
    return True


def parse_line(line: str) -> AuditEntry | None:
    """An audit line as an entry, or None when it is damaged."""
    try:
        raw = json.loads(line)
        return AuditEntry(float(raw["time"]), str(raw["actor"]), str(raw["action"]),
                          str(raw["target"]), str(raw.get("detail", "")))
    except (ValueError, KeyError, TypeError):
        return None


def log_files(data_dir: Path | str) -> list[Path]:
    """The monthly audit files, newest first."""
    folder = Path(data_dir) / AUDIT_DIR
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if FILE_RE.match(p.name)), reverse=True)


def read(data_dir: Path | str, offset: int = 0, limit: int = 50) -> tuple[list[AuditEntry], bool]:
    """Entries newest first, skipping `offset`; returns (entries, whether more remain)."""
    out: list[AuditEntry] = []
    skipped = 0
    for path in log_files(data_dir):
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in reversed(lines):
            entry = parse_line(line)
            if entry is None:
                continue
            if skipped < offset:
                skipped += 1
                continue
            if len(out) == limit:
                return out, True
            out.append(entry)
    return out, False


_VERBS = {"SAVENEW": "create", "DELETE": "delete", "RENAME": "rename", "REVERT": "revert"}
WATCHED_META = ("status", "public")


def attachment_listener(data_dir: Path | str, kind: str) -> Callable[[Change], None]:
    """An AttachmentStore listener writing here who took which file off which page."""

    def listen(change: Change) -> None:
        if change.action == "DETACH":
            record(data_dir, change.author or "?", f"{kind}.remove", change.name, change.detail)

    return listen


def store_listener(data_dir: Path | str, kind: str, store) -> Callable[[Change], None]:
    """A DocumentStore listener writing the significant changes of `kind` documents here."""

    def listen(change: Change) -> None:
        revision = change.revision
        if revision is None:
            return
        actor = revision.author or "?"
        verb = _VERBS.get(change.action)
        if verb:
            detail = f"ancien nom : {change.old_name}" if change.old_name else revision.comment
            record(data_dir, actor, f"{kind}.{verb}", change.name, detail)
        if change.action in ("SAVE", "REVERT") and revision.number > 1:
            try:
                before = store.load(change.name, revision.number - 1).meta
            except NotFound:
                before = {}
            for key in WATCHED_META:
                old, new = before.get(key), revision.meta.get(key)
                if old != new and (key in before or key in revision.meta):
                    record(data_dir, actor, f"{kind}.{key}", change.name, f"{old} → {new}")

    return listen

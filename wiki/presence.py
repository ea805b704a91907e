"""Soft edit notices: "en cours de modification par X depuis HH:MM" (no Flask, no hard lock).

    <data>/derived/editing/<quoted page name>.json   {username: {"since": t, "seen": t}}

Opening the edit form records the member; saving or cancelling forgets them; a notice
expires by itself `minutes` after the member was last seen, so a closed browser never
blocks anyone. Files are replaced atomically under an fcntl lock (several workers).
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from wiki.names import InvalidName, quote
from wiki.store import TEMP_PREFIX, file_lock


@dataclass(frozen=True)
class Editor:
    """A member who has the edit form of a page open."""

    username: str
    since: float
    seen: float


class EditNotices:
    """Who is editing which page, with an expiry."""

    def __init__(self, root: Path | str, minutes: int = 20):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.minutes = minutes

    def _path(self, name: str) -> Path | None:
        try:
            return self.root / f"{quote(name)}.json"
        except InvalidName:
            return None

    def _read(self, path: Path, now: float) -> dict[str, dict]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError, UnicodeDecodeError):
            return {}
        if not isinstance(data, dict):
            return {}
        limit = self.minutes * 60
        return {u: e for u, e in data.items()
                if isinstance(e, dict) and now - float(e.get("seen", 0)) < limit}

    def touch(self, name: str, username: str, now: float | None = None) -> None:
        """Record that username has the edit form of name open (keeps the first "since")."""
        path = self._path(name)
        if path is None or not username:
            return
        now = time.time() if now is None else now
        self.root.mkdir(parents=True, exist_ok=True)  # the derived folder may have been removed
        with file_lock(path.with_suffix(".lock")):
            data = self._read(path, now)
            since = data.get(username, {}).get("since", now)
            data[username] = {"since": since, "seen": now}
            _replace(path, json.dumps(data))

    def clear(self, name: str, username: str, now: float | None = None) -> None:
        """Forget username's notice on name (after a save or a cancel)."""
        path = self._path(name)
        if path is None or not path.exists():
            return
        with file_lock(path.with_suffix(".lock")):
            data = self._read(path, time.time() if now is None else now)
            if data.pop(username, None) is not None or not data:
                if data:
                    _replace(path, json.dumps(data))
                else:
                    path.unlink(missing_ok=True)

    def editors(self, name: str, *, exclude: str = "", now: float | None = None) -> list[Editor]:
        """Members currently editing name (not expired), earliest first, without `exclude`."""
        path = self._path(name)
        if path is None:
            return []
        now = time.time() if now is None else now
        data = self._read(path, now)
        out = [Editor(u, float(e.get("since", now)), float(e.get("seen", now)))
               for u, e in data.items() if u != exclude]
        return sorted(out, key=lambda e: e.since)


def _replace(path: Path, text: str) -> None:
    """Replace a notice atomically but without fsync: a hint that expires need not survive a
    power cut, and opening the edit form should not wait for the disk (two fsyncs)."""
    tmp = path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(6)}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise

"""The link index: which page links to which, kept in one derived JSON file (no Flask).

    <data>/derived/wiki-links.json   {"version": 1, "pages": {name: {"links": [...], "public": bool}}}

A store listener updates it after every change (under an fcntl lock, atomic replace),
so a page view reads backlinks without scanning the pages. The file is derived: when
it is missing or damaged it is rebuilt from the store (once), and `flask wiki
rebuild-links` rebuilds it on demand. Each process keeps the parsed file in memory
and re-reads it only when its modification time or size changed (one stat per view).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

from wiki.store import Change, DocumentStore, NotFound, atomic_write, file_lock

VERSION = 1


class LinkIndex:
    """Backlinks and the public flag of every page, derived from a DocumentStore."""

    def __init__(self, path: Path | str, store: DocumentStore, extract: Callable[[str], list[str]]):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.store = store
        self.extract = extract  # text -> linked page names (markup.plain_links)
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._mem_lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._pages: dict[str, dict] = {}
        self._back: dict[str, list[str]] = {}

    # -- reading

    def _read_file(self) -> dict[str, dict] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return None
        pages = data.get("pages")
        return pages if isinstance(pages, dict) else None

    def _fresh(self) -> dict[str, dict]:
        """The parsed index, re-read only when the file changed; rebuilt when missing."""
        try:
            st = os.stat(self.path)
            stamp = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            stamp = None
        with self._mem_lock:
            if stamp is not None and stamp == self._stamp:
                return self._pages
        pages = self._read_file() if stamp is not None else None
        if pages is None:
            pages = self.rebuild()
        back: dict[str, list[str]] = {}
        for source, entry in pages.items():
            for target in entry.get("links", ()):
                back.setdefault(target, []).append(source)
        for sources in back.values():
            sources.sort(key=str.casefold)
        with self._mem_lock:
            self._pages, self._back = pages, back
            with contextlib.suppress(FileNotFoundError):
                st = os.stat(self.path)
                self._stamp = (st.st_mtime_ns, st.st_size)
        return pages

    def backlinks(self, name: str, *, public_only: bool = False) -> list[str]:
        """Pages linking to name (only public ones when public_only), sorted."""
        pages = self._fresh()
        with self._mem_lock:
            sources = list(self._back.get(name, ()))
        if public_only:
            sources = [s for s in sources if pages.get(s, {}).get("public")]
        return [s for s in sources if s != name]

    def links(self, name: str) -> list[str]:
        """Pages that name links to."""
        return list(self._fresh().get(name, {}).get("links", ()))

    def public_names(self) -> set[str]:
        """Names of the pages marked public (a hint: check the page itself before showing it)."""
        return {n for n, e in self._fresh().items() if e.get("public")}

    # -- writing

    def _entry(self, name: str) -> dict | None:
        try:
            revision = self.store.load(name)
        except NotFound:
            return None
        return {"links": self.extract(revision.text), "public": bool(revision.meta.get("public"))}

    def _write(self, pages: dict[str, dict]) -> None:
        atomic_write(self.path, json.dumps({"version": VERSION, "pages": pages}, ensure_ascii=False,
                                           sort_keys=True, separators=(",", ":")))

    def rebuild(self) -> dict[str, dict]:
        """Read every page once and write the index again."""
        with file_lock(self._lock_path):
            pages = {}
            for name in self.store.names():
                entry = self._entry(name)
                if entry is not None:
                    pages[name] = entry
            self._write(pages)
        return pages

    def update(self, change: Change) -> None:
        """Store listener: bring the entries of the changed page(s) up to date."""
        if self._read_file() is None:
            self.rebuild()
            return
        with file_lock(self._lock_path):
            pages = self._read_file() or {}
            names = [change.name] + ([change.old_name] if change.old_name else [])
            for name in names:
                entry = self._entry(name)
                if entry is None:
                    pages.pop(name, None)
                else:
                    pages[name] = entry
            self._write(pages)

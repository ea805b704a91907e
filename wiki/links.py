"""The link index: which page links to which, kept in derived files (no Flask).

    <data>/derived/wiki-links.json     {"version": 1, "pages": {name: {"links": [...], "public": bool}}}
    <data>/derived/wiki-links.journal  one JSON line per change since: {"name": ..., "entry": {...} | null}

A store listener appends one line to the journal after every change (under an fcntl
lock), so a save costs the same with 10 pages or 10,000; when the journal grows long
it is folded into the snapshot (atomic replace of both files). Each process keeps the
parsed index in memory and, on each read, only stats the two files: when the journal
grew it reads the new lines and updates its backlinks in place; when either file was
replaced it reads everything again. The files are derived: missing or damaged, they
are rebuilt from the store (once), and `flask wiki rebuild-links` rebuilds them on demand.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from wiki.store import Change, DocumentStore, NotFound, atomic_write, file_lock

VERSION = 1
COMPACT_BYTES = 512 * 1024  # journal size (about 3,000 changes) at which it is folded into the snapshot


# In memory each page is (links, public): at 10,000 pages the parsed JSON dicts took 13 MB in
# every process, tuples of interned names (the same objects as the pages' own names) ~4 MB.
Entry = tuple[tuple[str, ...], bool]
_NONE: Entry = ((), False)


def _compact(entry: dict) -> Entry:
    return tuple(sys.intern(str(t)) for t in entry.get("links", ())), bool(entry.get("public"))


def _compact_hook(obj: dict):
    """json object_hook: a page entry becomes an Entry, other objects stay dicts."""
    if "links" in obj and set(obj) <= {"links", "public"} and isinstance(obj["links"], list):
        return _compact(obj)
    return obj


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class LinkIndex:
    """Backlinks and the public flag of every page, derived from a DocumentStore."""

    def __init__(self, path: Path | str, store: DocumentStore, extract: Callable[[str], list[str]]):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.journal = self.path.with_suffix(".journal")
        self.store = store
        self.extract = extract  # text -> linked page names (markup.plain_links)
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._mem_lock = threading.Lock()
        self._snap_stamp: tuple | None = None
        self._journal_ino: int | None = None
        self._offset = 0
        self._pages: dict[str, Entry] = {}
        self._back: dict[str, tuple[str, ...]] = {}
        self.generation = 0  # changes whenever this process sees the index change

    def _locked(self):
        """The index's file lock (its folder is made again if it was removed, e.g. after a restore)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return file_lock(self._lock_path)

    # -- reading

    def _read_file(self, compact: bool = False) -> dict | None:
        """The snapshot's pages: name -> entry dict, or name -> Entry when compact (read into
        tuples as it is parsed, so the dicts of 10,000 pages never exist at once)."""
        hook = _compact_hook if compact else None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"), object_hook=hook)
        except (FileNotFoundError, ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return None
        pages = data.get("pages")
        return pages if isinstance(pages, dict) else None

    def _read_journal(self, offset: int) -> tuple[list[tuple[str, dict | None]], int, int | None]:
        """Complete lines of the journal from offset: (changes, new offset, inode)."""
        try:
            with open(self.journal, "rb") as fh:
                ino = os.fstat(fh.fileno()).st_ino
                fh.seek(offset)
                data = fh.read()
        except FileNotFoundError:
            return [], 0, None
        end = data.rfind(b"\n") + 1  # a line being written is read next time
        changes = []
        for raw in data[:end].splitlines():
            try:
                item = json.loads(raw)
                name, entry = item["name"], item["entry"]
            except (ValueError, KeyError, TypeError):
                continue
            if isinstance(name, str) and (entry is None or isinstance(entry, dict)):
                changes.append((name, entry))
        return changes, offset + end, ino

    def _apply(self, name: str, entry: dict | None) -> None:
        """Under _mem_lock: set one page's entry (a journal line's dict) and its backlinks."""
        self._set(name, None if entry is None else _compact(entry))

    def _set(self, name: str, entry: Entry | None) -> None:
        """Under _mem_lock: set one page's compact entry and its backlinks."""
        old = self._pages.pop(name, None)
        for target in (old or _NONE)[0]:
            sources = self._back.get(target)
            if sources is not None and name in sources:
                rest = tuple(s for s in sources if s != name)
                if rest:
                    self._back[target] = rest
                else:
                    del self._back[target]
        if entry is not None:
            name = sys.intern(name)
            self._pages[name] = entry
            for target in entry[0]:
                sources = self._back.get(target, ())
                if name not in sources:
                    self._back[target] = (*sources, name)

    def _fresh(self) -> dict[str, Entry]:
        """The parsed index, brought up to date with two stats (and the journal's new lines)."""
        snap = _stat(self.path)
        journal = _stat(self.journal)
        with self._mem_lock:
            same_snapshot = snap is not None and snap == self._snap_stamp
            same_journal = (journal[0] if journal else None) == self._journal_ino
            if same_snapshot and same_journal and (journal is None or journal[2] == self._offset):
                return self._pages
            if same_snapshot and same_journal:
                changes, self._offset, _ino = self._read_journal(self._offset)
                for name, entry in changes:
                    self._apply(name, entry)
                self.generation += 1
                return self._pages
        self._reload()
        return self._pages

    def _reload(self) -> None:
        with self._locked():  # snapshot and journal read as one consistent pair
            snap = _stat(self.path)
            pages = self._read_file(compact=True) if snap is not None else None
            if pages is None:
                pages = {name: _compact(entry) for name, entry in self._rebuild_locked().items()}
                snap = _stat(self.path)
            changes, offset, ino = self._read_journal(0)
        with self._mem_lock:
            self._pages = {sys.intern(name): entry for name, entry in pages.items() if isinstance(entry, tuple)}
            back: dict[str, list[str]] = {}
            for name, (links, _public) in self._pages.items():
                for target in links:
                    back.setdefault(target, []).append(name)
            # Backlinks as tuples: a set per page took ~2 MB more at 10,000 pages in every process.
            self._back = {target: tuple(dict.fromkeys(sources)) for target, sources in back.items()}
            for name, entry in changes:
                self._apply(name, entry)
            self._snap_stamp, self._journal_ino, self._offset = snap, ino, offset
            self.generation += 1

    def warm(self) -> None:
        """Read the index now if its files are there (never rebuilds: no scan at start-up).

        Called when the application is created: under gunicorn --preload the workers then
        share the parsed index instead of each reading it at its first request."""
        if self.path.exists():
            with contextlib.suppress(OSError):
                self._fresh()

    def backlinks(self, name: str, *, public_only: bool = False) -> list[str]:
        """Pages linking to name (only public ones when public_only), sorted."""
        pages = self._fresh()
        with self._mem_lock:
            sources = list(self._back.get(name, ()))
        if public_only:
            sources = [s for s in sources if pages.get(s, _NONE)[1]]
        return sorted((s for s in sources if s != name), key=str.casefold)

    def links(self, name: str) -> list[str]:
        """Pages that name links to."""
        return list(self._fresh().get(name, _NONE)[0])

    def has(self, name: str) -> bool:
        """Whether a page exists (not deleted), as the index knows it."""
        return name in self._fresh()

    def names(self) -> list[str]:
        """Every existing page, sorted (from the index: no folder scan)."""
        return sorted(self._fresh(), key=str.casefold)

    def public_names(self) -> set[str]:
        """Names of the pages marked public (a hint: check the page itself before showing it)."""
        return {n for n, e in self._fresh().items() if e[1]}

    # -- writing

    def _entry(self, name: str) -> dict | None:
        try:
            revision = self.store.load(name)
        except NotFound:
            return None
        return {"links": self.extract(revision.text), "public": bool(revision.meta.get("public"))}

    def _write(self, pages: dict[str, dict]) -> None:
        """Under the file lock: a new snapshot, then an empty journal (each replaced atomically)."""
        atomic_write(self.path, json.dumps({"version": VERSION, "pages": pages}, ensure_ascii=False,
                                           sort_keys=True, separators=(",", ":")))
        atomic_write(self.journal, b"")

    def _rebuild_locked(self) -> dict[str, dict]:
        pages = {}
        for name in self.store.names():
            entry = self._entry(name)
            if entry is not None:
                pages[name] = entry
        self._write(pages)
        return pages

    def rebuild(self) -> dict[str, dict]:
        """Read every page once and write the index again."""
        with self._locked():
            return self._rebuild_locked()

    def update(self, change: Change) -> None:
        """Store listener: record the new entries of the changed page(s) in the journal."""
        names = [change.name] + ([change.old_name] if change.old_name else [])
        lines = b"".join(
            json.dumps({"name": n, "entry": self._entry(n)}, ensure_ascii=False).encode("utf-8") + b"\n"
            for n in names)
        with self._locked():
            if self._read_file_header_bad():
                self._rebuild_locked()
                return
            fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, lines)
                size = os.fstat(fd).st_size
            finally:
                os.close(fd)
            if size > COMPACT_BYTES:
                self._compact_locked()

    def _read_file_header_bad(self) -> bool:
        """Whether the snapshot is unreadable (checked cheaply: its first bytes)."""
        try:
            with open(self.path, "rb") as fh:
                head = fh.read(32)
        except FileNotFoundError:
            return True
        return not head.startswith(b'{"pages":') and not head.startswith(b'{"version":')

    def _compact_locked(self) -> None:
        """Fold the journal into the snapshot."""
        pages = self._read_file()
        if pages is None:
            self._rebuild_locked()
            return
        changes, _offset, _ino = self._read_journal(0)
        for name, entry in changes:
            if entry is None:
                pages.pop(name, None)
            else:
                pages[name] = entry
        self._write(pages)

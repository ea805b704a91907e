"""A versioned flat-file document store, MoinMoin-style, readable by an administrator.

    <root>/<quoted name>/current             "00000007"
    <root>/<quoted name>/revisions/00000007  one JSON header line, then the full text
    <root>/<quoted name>/edit-log            one tab-separated line per change
    <root>/edit-log                          the same lines for the whole store (recent changes)

Revisions are immutable: a revision file is created with os.link, which never
overwrites, and numbers are allocated under a per-document fcntl lock, so several
worker processes never skip, reuse or overwrite a number. `current` is replaced
atomically. A save is acknowledged only once `current` points to it: a revision
file above `current` is the leftover of a crash and is removed by the next writer.

No Flask, no Whoosh, no Markdown here: listeners (the search index...) are told
of each change and may fail without failing the save.
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import merge3

from i18n import N_
from wiki import faults
from wiki.lru import BoundedLRU
from wiki.names import InvalidName, quote, unquote

log = logging.getLogger(__name__)

REV_WIDTH = 8
TEMP_PREFIX = ".tmp-"
_MAX_LOG_FIELD = 500
# Text kept by a store's in-process revision cache (least recently used go): ~40 pages, for an
# edit form and its save, a diff... Views keep their renderings instead (wiki/views.py).
CACHE_CHARS = 250_000


class NotFound(LookupError):
    """The document or revision does not exist (or was deleted)."""


class ConflictError(Exception):
    """Someone saved in between and the changes overlap: nothing was written."""

    def __init__(self, name: str, base: Revision, current: Revision, mine: str, merged: str):
        super().__init__(f"conflict on {name!r}: base {base.number}, current {current.number}")
        self.name, self.base, self.current, self.mine, self.merged = name, base, current, mine, merged


class StoreError(OSError):
    """A write failed (disk full, permissions...); the previous revision is intact."""


@dataclass(frozen=True)
class Revision:
    """One immutable revision of a document."""

    name: str
    number: int
    text: str
    author: str = ""
    time: float = 0.0
    comment: str = ""
    action: str = "SAVE"
    meta: dict = field(default_factory=dict)
    merged: bool = False  # True when this save was merged with a concurrent one

    @property
    def deleted(self) -> bool:
        """Whether this revision marks the document as deleted."""
        return bool(self.meta.get("deleted"))


@dataclass(frozen=True)
class LogEntry:
    """One line of an edit-log."""

    time: float
    number: int
    action: str
    name: str
    author: str
    comment: str
    size: int


@dataclass(frozen=True)
class Change:
    """What listeners are told after each acknowledged change."""

    action: str  # SAVE, SAVENEW, REVERT, RENAME, DELETE (attachments: ATTACH, DETACH)
    name: str
    revision: Revision | None
    old_name: str | None = None
    author: str = ""  # changes without a revision (attachments) say who and what here
    detail: str = ""


# ---------------------------------------------------------------- file helpers


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries to disk so a rename or link survives a power cut."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_temp(folder: Path, data: bytes) -> Path:
    """Write data to a fresh temp file in folder, fsynced; remove it on failure."""
    tmp = folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        faults.point("temp.written")
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def atomic_write(path: Path, data: bytes | str) -> None:
    """Replace path with data atomically: temp file, fsync, os.replace, fsync folder."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = _write_temp(path.parent, data)
    try:
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def create_exclusive(path: Path, data: bytes) -> None:
    """Create path with data, atomically, failing with FileExistsError if it exists."""
    tmp = _write_temp(path.parent, data)
    try:
        os.link(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    fsync_dir(path.parent)


def append_locked(path: Path, data: bytes) -> None:
    """Append data to a file (its folder made) under an exclusive fcntl lock, then fsync it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)  # also releases the lock


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive fcntl lock on path (released by the kernel if the process dies)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def try_file_lock(path: Path, block: bool = False, *, fds: set[int] | None = None) -> Iterator[bool]:
    """Take the exclusive fcntl lock on path if it is free (or wait when block); yields whether held.

    `fds` (optional) holds the descriptor while it is open, for a fork handler to close it in
    a child process (see search/index.py).
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o640)
    if fds is not None:
        fds.add(fd)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        # Unlock before closing: a process forked while the lock was held has a copy of fd,
        # and a flock stays as long as any copy is open.
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        if fds is not None:
            fds.discard(fd)
        os.close(fd)


def _clean(value: str) -> str:
    """Make a value safe for one tab-separated log field."""
    value = " ".join(str(value).split())
    return value[:_MAX_LOG_FIELD]


def _parse_log_line(line: str) -> LogEntry | None:
    """Parse an edit-log line, or return None when it is damaged."""
    parts = line.rstrip("\n").split("\t")
    if len(parts) != 7:
        return None
    try:
        return LogEntry(float(parts[0]), int(parts[1]), parts[2], parts[3], parts[4], parts[5], int(parts[6]))
    except ValueError:
        return None


def _encode_revision(text: str, header: dict) -> bytes:
    return (json.dumps(header, ensure_ascii=False, sort_keys=True) + "\n" + text).encode("utf-8")


# ---------------------------------------------------------------- the store


class DocumentStore:
    """Documents with immutable numbered revisions, kept in plain files under root."""

    def __init__(self, root: Path | str, *, fsync: bool = True):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._root = str(self.root)
        self.listeners: list[Callable[[Change], None]] = []
        self._fsync = fsync
        # Revisions are immutable: caching is safe. Bounded in count and in characters,
        # since every worker process holds its own cache.
        self._cache: BoundedLRU[Revision] = BoundedLRU(4096, CACHE_CHARS, lambda r: len(r.text))
        # Headers alone (text ""), for page views served from the page cache: ~0.4 KB each.
        self._heads: BoundedLRU[Revision] = BoundedLRU(1024, 1024, lambda _r: 1)

    # -- paths

    def path(self, name: str) -> Path:
        """Folder of a document (raises InvalidName for a bad name)."""
        return self.root / quote(name)

    def folder(self, name: str) -> str:
        """path(name) as a plain string, for the read paths (raises InvalidName for a bad name)."""
        # pathlib interns every component it parses: reading thousands of documents grew the
        # interpreter's table of interned strings by ~2 MB in each worker (and os.path is faster).
        return os.path.join(self._root, quote(name))

    @staticmethod
    def _rev_file(folder: Path | str, number: int) -> str:
        return os.path.join(folder, "revisions", f"{number:0{REV_WIDTH}d}")

    # -- reading

    def current_number(self, name: str) -> int | None:
        """Number of the current revision, or None if the document never existed."""
        try:
            with open(os.path.join(self.folder(name), "current"), encoding="ascii") as fh:
                raw = fh.read()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except InvalidName:
            return None
        try:
            return int(raw.strip())
        except ValueError:
            return None

    def exists(self, name: str, *, cache: bool = True) -> bool:
        """Whether the document exists and is not deleted (reads its header line only)."""
        number = self.current_number(name)
        if number is None:
            return False
        try:
            return not self.load(name, number, text=False, cache=cache).deleted
        except NotFound:
            return False

    def load(self, name: str, rev: int | None = None, *, cache: bool = True,
             text: bool = True) -> Revision:
        """Return a revision (the current one by default); NotFound when missing or deleted.

        cache=False reads without keeping the text (bulk reads whose callers keep what they parse).
        text=False reads only the header line (number, author, time, meta; `text` is ""): what a
        listing, a permission check or a cached page view needs, without the text in memory.
        """
        try:
            folder = self.folder(name)
        except InvalidName as exc:
            raise NotFound(name) from exc
        want_current = rev is None
        if want_current:
            rev = self.current_number(name)
            if rev is None:
                raise NotFound(name)
        cached = self._cache.get((folder, rev)) or (None if text else self._heads.get((folder, rev)))
        if cached is None:
            try:
                with open(self._rev_file(folder, rev), "rb") as fh:
                    raw = fh.read() if text else fh.readline(1 << 20).rstrip(b"\n")
            except (FileNotFoundError, NotADirectoryError) as exc:
                raise NotFound(f"{name} rev {rev}") from exc
            cached = self._decode(name, rev, raw)
            if cache:
                (self._cache if text else self._heads).put((folder, rev), cached)
        if want_current and cached.deleted:
            raise NotFound(name)
        if cached.name != name:  # the folder was renamed since it was cached
            cached = Revision(**{**cached.__dict__, "name": name})
        return cached

    @staticmethod
    def _decode(name: str, number: int, raw: bytes) -> Revision:
        head, _, body = raw.partition(b"\n")
        try:
            header = json.loads(head.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            header = {}
        return Revision(
            name=name,
            number=number,
            text=body.decode("utf-8", errors="replace"),
            author=header.get("author", ""),
            time=header.get("time", 0.0),
            comment=header.get("comment", ""),
            action=header.get("action", "SAVE"),
            meta=header.get("meta") or {},
        )

    def revisions(self, name: str) -> list[Revision]:
        """All acknowledged revisions of a document, oldest first."""
        current = self.current_number(name)
        if current is None:
            raise NotFound(name)
        out = []
        for number in range(1, current + 1):
            with contextlib.suppress(NotFound):
                out.append(self.load(name, number))
        return out

    def history(self, name: str) -> list[LogEntry]:
        """The document's edit-log, oldest first (damaged lines are skipped)."""
        try:
            lines = (self.path(name) / "edit-log").read_text(encoding="utf-8", errors="replace").splitlines()
        except (FileNotFoundError, InvalidName):
            return []
        return [e for e in map(_parse_log_line, lines) if e is not None]

    def names(self, include_deleted: bool = False) -> list[str]:
        """Names of all documents, sorted (reads the folder list)."""
        out = []
        for entry in os.scandir(self.root):
            if not entry.is_dir() or entry.name.startswith("."):
                continue
            try:
                name = unquote(entry.name)
            except InvalidName:
                continue
            # A listing keeps no headers: they would push out those of the pages being read.
            if include_deleted or self.exists(name, cache=False):
                out.append(name)
        return sorted(out, key=str.casefold)

    def recent(self, limit: int = 100) -> list[LogEntry]:
        """The last changes across the store, newest first, read from the end of the log."""
        path = self.root / "edit-log"
        try:
            with open(path, "rb") as fh:
                fh.seek(0, os.SEEK_END)
                size = fh.tell()
                chunk = min(size, max(64 * 1024, limit * 400))
                while True:
                    fh.seek(size - chunk)
                    data = fh.read(chunk)
                    lines = data.split(b"\n")
                    if chunk < size:
                        lines = lines[1:]  # first line may be cut
                    if len(lines) > limit or chunk >= size:
                        break
                    chunk = min(size, chunk * 4)
        except FileNotFoundError:
            return []
        entries = []
        for raw in reversed(lines):
            entry = _parse_log_line(raw.decode("utf-8", errors="replace"))
            if entry is not None:
                entries.append(entry)
                if len(entries) >= limit:
                    break
        return entries

    # -- writing

    @contextlib.contextmanager
    def _locked(self, folder: Path) -> Iterator[None]:
        (folder / "revisions").mkdir(parents=True, exist_ok=True)
        with file_lock(folder / ".lock"):
            self._drop_crash_leftovers(folder)
            yield

    def _drop_crash_leftovers(self, folder: Path) -> None:
        """Under the document lock: remove temp files and unacknowledged revision files."""
        try:
            current = int((folder / "current").read_text(encoding="ascii").strip())
        except (FileNotFoundError, ValueError):
            current = 0
        for entry in os.scandir(folder / "revisions"):
            if entry.name.startswith(TEMP_PREFIX):
                os.unlink(entry.path)
            elif entry.name.isdigit() and int(entry.name) > current:
                log.warning("removing unacknowledged revision %s", entry.path)
                os.unlink(entry.path)
        for entry in os.scandir(folder):
            if entry.name.startswith(TEMP_PREFIX):
                os.unlink(entry.path)

    def _append_log(self, path: Path, line: str) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line.encode("utf-8"))
            if self._fsync:
                os.fsync(fd)
        finally:
            os.close(fd)

    def _commit(self, name: str, folder: Path, text: str, *, author: str, comment: str,
                action: str, meta: dict) -> Revision:
        """Under the document lock: write the next revision and move `current` to it."""
        current = self.current_number(name) or 0
        number = current + 1
        now = time.time()
        header = {"author": author, "time": now, "comment": comment, "action": action, "meta": meta}
        try:
            create_exclusive(Path(self._rev_file(folder, number)), _encode_revision(text, header))
            faults.point("save.after-revision")
            atomic_write(folder / "current", f"{number:0{REV_WIDTH}d}\n")
        except OSError as exc:
            raise StoreError(exc.errno, f"Enregistrement impossible : {exc.strerror}") from exc
        line = "\t".join(
            [f"{now:.6f}", str(number), action, _clean(name), _clean(author), _clean(comment),
             str(len(text.encode("utf-8")))]
        ) + "\n"
        try:
            self._append_log(folder / "edit-log", line)
            with file_lock(self.root / ".edit-log.lock"):
                self._append_log(self.root / "edit-log", line)
        except OSError:
            # The revision is safe and acknowledged; only the log line is missing (check reports it).
            log.exception("could not append the edit-log line for %s", name)
        return Revision(name, number, text, author, now, comment, action, meta)

    def _notify(self, change: Change) -> None:
        for listener in list(self.listeners):
            try:
                listener(change)
            except Exception:  # a listener (search index) must never fail a save
                log.exception("store listener failed for %s", change.name)

    def save(self, name: str, text: str, *, author: str, comment: str = "",
             meta: dict | None = None, base_rev: int | None = None,
             action: str | None = None) -> Revision:
        """Save a new revision; merge with concurrent saves since base_rev or raise ConflictError.

        meta=None keeps the previous revision's metadata. An unchanged text and meta
        returns the current revision without writing anything.
        """
        folder = self.path(name)
        text = text.replace("\r\n", "\n")
        with self._locked(folder):
            number = self.current_number(name)
            previous = self.load(name, number) if number else None
            if previous is not None and previous.deleted:
                previous_meta = {}
            else:
                previous_meta = dict(previous.meta) if previous else {}
            previous_meta.pop("deleted", None)
            previous_meta.pop("redirect", None)
            new_meta = previous_meta if meta is None else dict(meta)
            merged = False
            if base_rev is not None and previous is not None and base_rev != number:
                text = self._merge(name, base_rev, previous, text)
                merged = True
            if previous is not None and not previous.deleted and previous.text == text \
                    and previous.meta == new_meta:
                return previous
            if action is None:
                action = "SAVENEW" if previous is None or previous.deleted else "SAVE"
            revision = self._commit(name, folder, text, author=author, comment=comment,
                                    action=action, meta=new_meta)
        if merged:
            revision = Revision(**{**revision.__dict__, "merged": True})
        self._notify(Change(action, name, revision))
        return revision

    def _merge(self, name: str, base_rev: int, current: Revision, mine: str) -> str:
        """Three-way merge of my text with what was saved since base_rev."""
        try:
            base = self.load(name, base_rev)
        except NotFound:
            base = Revision(name, 0, "")
        if current.text == mine or base.text == current.text:
            return mine
        m3 = merge3.Merge3(base.text.splitlines(True), mine.splitlines(True),
                           current.text.splitlines(True))
        groups = list(m3.merge_groups())
        if any(g[0] == "conflict" for g in groups):
            merged = "".join(m3.merge_lines(name_a="ma version", name_b=f"version {current.number}"))
            raise ConflictError(name, base, current, mine, merged)
        return "".join(line for g in groups for line in g[1])

    def revert(self, name: str, rev: int, *, author: str, comment: str = "") -> Revision:
        """Make an old revision current again, as a new revision."""
        old = self.load(name, rev)
        meta = {k: v for k, v in old.meta.items() if k not in ("deleted", "redirect")}
        return self.save(name, old.text, author=author, meta=meta, action="REVERT",
                         comment=comment or f"retour à la version {rev}")

    def delete(self, name: str, *, author: str, comment: str = "") -> Revision:
        """Mark a document deleted (a new revision; an admin can revert it)."""
        folder = self.path(name)
        with self._locked(folder):
            previous = self.load(name)  # NotFound if missing or already deleted
            revision = self._commit(name, folder, "", author=author, comment=comment,
                                    action="DELETE", meta={**previous.meta, "deleted": True})
        self._notify(Change("DELETE", name, revision))
        return revision

    def rename(self, old: str, new: str, *, author: str, comment: str = "") -> Revision:
        """Move a document and its history to a new name; the old name becomes a redirect."""
        src, dst = self.path(old), self.path(new)
        if src == dst:
            raise InvalidName(N_("Le nouveau nom est identique à l'ancien."))
        first, second = sorted([src, dst])
        (dst / "revisions").mkdir(parents=True, exist_ok=True)
        with self._locked(first), self._locked(second):
            current = self.load(old)
            if self.current_number(new) is not None and self.exists(new):
                raise FileExistsError(f"« {new} » existe déjà.")
            # dst holds nothing acknowledged (or only a deleted document): move old's files over.
            parked = self.root / f"{TEMP_PREFIX}renamed-{secrets.token_hex(6)}"
            os.rename(dst, parked)
            os.rename(src, dst)
            (src / "revisions").mkdir(parents=True, exist_ok=True)
            # The lock we hold on dst moved with it to `parked`: keep holding it at the old name.
            os.rename(parked / ".lock", src / ".lock")
            _rmtree(parked)
            fsync_dir(self.root)
            moved = self._commit(new, dst, current.text, author=author, action="RENAME",
                                 comment=comment or f"renommée depuis « {old} »",
                                 meta={**current.meta, "renamed_from": old})
            self._commit(old, src, "", author=author, action="RENAME",
                         comment=f"renommée en « {new} »", meta={"deleted": True, "redirect": new})
        self._cache.clear()
        self._heads.clear()
        self._notify(Change("RENAME", new, moved, old_name=old))
        return moved

    def redirect_target(self, name: str) -> str | None:
        """Where a renamed document went, if name is the old name of one."""
        number = self.current_number(name)
        if number is None:
            return None
        try:
            return self.load(name, number).meta.get("redirect")
        except NotFound:
            return None

    def clean_temp_files(self) -> list[Path]:
        """Remove temp files left by crashed writers (each under the lock its writer held).

        Looks at every document folder, its revisions and its attachments' folders: one
        scandir each, so it is cheap enough to run when the application starts.
        """
        # Plain strings, not pathlib: see folder() (thousands of folders, in a web worker).
        removed: list[Path] = []
        for entry in os.scandir(self._root):
            if entry.name.startswith(TEMP_PREFIX) and entry.is_dir():
                # a rename parks a folder here for an instant: only an old one is a leftover
                with contextlib.suppress(FileNotFoundError):
                    if time.time() - entry.stat().st_mtime > 60:
                        _rmtree(Path(entry.path))
                        removed.append(Path(entry.path))
            if not entry.is_dir() or entry.name.startswith("."):
                continue
            folder = entry.path
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):  # renamed meanwhile
                names = [e.name for e in os.scandir(folder)]
                removed += _drop_temps(os.path.join(folder, ".lock"), os.path.join(folder, "revisions"),
                                       stray=[os.path.join(folder, n) for n in names if n.startswith(TEMP_PREFIX)])
                if "attachments" in names:
                    for sub in os.scandir(os.path.join(folder, "attachments")):
                        if sub.is_dir():
                            removed += _drop_temps(os.path.join(sub.path, ".lock"), sub.path)
        return removed


def _drop_temps(lock: str, *folders: str, stray: list[str] | None = None) -> list[Path]:
    """Unlink the temp files of folders, holding lock (the one their writer held) if any are found."""
    stray = list(stray or [])
    for folder in folders:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            stray += [e.path for e in os.scandir(folder) if e.name.startswith(TEMP_PREFIX)]
    if not stray:
        return []
    removed = []
    with file_lock(Path(lock)):
        for path in stray:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
                removed.append(Path(path))
    return removed


def _rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------- diffs


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: tag is ' ' (same), '-' (removed) or '+' (added)."""

    tag: str
    text: str
    old_number: int | None
    new_number: int | None


def diff_lines(old: str, new: str, context: int = 3) -> list[list[DiffLine]]:
    """Line diff of two texts, grouped into hunks with some context."""
    a, b = old.splitlines(), new.splitlines()
    hunks = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        hunk = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                hunk += [DiffLine(" ", a[i], i + 1, j1 + k + 1) for k, i in enumerate(range(i1, i2))]
                continue
            if tag in ("replace", "delete"):
                hunk += [DiffLine("-", a[i], i + 1, None) for i in range(i1, i2)]
            if tag in ("replace", "insert"):
                hunk += [DiffLine("+", b[j], None, j + 1) for j in range(j1, j2)]
        hunks.append(hunk)
    return hunks

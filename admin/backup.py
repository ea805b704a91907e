"""Consistent backups of the data folder while the site runs, verified restores, rotation.

A backup is a ``.tar.gz`` holding ``manifest.json`` (app version, date, and every file with
its size and SHA-256) and the data folder under ``data/``. The derived search index,
link index and caches (``index/``, ``derived/``, ``cache/``...) are left out: ``restore`` rebuilds them.

How the snapshot stays consistent while members keep saving (see wiki/store.py):

1. Everything is first *staged* in a private folder inside the data folder (same disk):
   revision files are immutable, so a hard link is an instant, exact copy; other files are
   replaced atomically by their writers, so a hard link catches one whole version; append-only
   files (edit-logs, ``*.log``, ``*.jsonl``) are copied.
2. Each document folder (one holding ``current`` or ``revisions/``) is staged under that
   document's own ``flock``, the lock writers hold while they allocate a revision and move
   ``current``: the staged ``current``, revisions and edit-log agree. Revisions above
   ``current`` (a crashed or in-flight write) are left out.
3. A second pass re-stages any document folder that a rename replaced in the meantime, so a
   document renamed during the backup is never lost; the store-wide edit-log is then trimmed
   of lines about revisions the snapshot does not hold.
4. Only then is the archive written (temp file, fsync, rename), the staging folder removed.

Locks are held per document for the time of a few ``link`` calls: saves are never blocked
for long. No Flask here.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import tarfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from i18n import N_
from wiki import faults
from wiki.names import InvalidName, quote
from wiki.store import TEMP_PREFIX, _parse_log_line, file_lock, fsync_dir

FORMAT = 1
MANIFEST = "manifest.json"
DATA_PREFIX = "data"
ARCHIVE_PREFIX = "reperes-backup-"
ARCHIVE_SUFFIX = ".tar.gz"
ARCHIVE_RE = re.compile(r"^reperes-backup-\d{8}-\d{6}(-\d+)?\.tar\.gz$")
STAGING_PREFIX = ".backup-"
RESTORE_PREFIX = ".restore-"
# Derived data, rebuilt after a restore: never backed up.
EXCLUDED_TOP = frozenset({"index", "derived", "cache", "caches", "tmp", "quarantine"})
APPEND_ONLY_NAMES = frozenset({"edit-log"})
APPEND_ONLY_SUFFIXES = (".log", ".jsonl")
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore was refused or failed; the message says why, in French (an N_ Message:
    `str(exc)` keeps it one, so the command can say it in the shell's language)."""

    def __str__(self) -> str:
        return self.args[0] if len(self.args) == 1 and isinstance(self.args[0], str) else super().__str__()


@dataclass(frozen=True)
class FileRecord:
    """One file of a backup."""

    path: str  # relative to the data folder, POSIX separators
    size: int
    sha256: str


@dataclass
class BackupResult:
    """What a backup wrote."""

    archive: Path
    size: int
    files: int
    documents: int
    removed: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    """What a restore wrote."""

    target: Path
    files: int
    version: str
    created: str
    journal: list[dict]
    moved_aside: Path | None = None


# ---------------------------------------------------------------- helpers


def backup_dir(config) -> Path:
    """BACKUP_DIR, a relative one being taken next to the data folder (data/ -> backups/)."""
    folder = Path(config["BACKUP_DIR"])
    return folder if folder.is_absolute() else Path(config["DATA_DIR"]).resolve().parent / folder


def is_document(folder: Path) -> bool:
    """Whether a folder is a DocumentStore document (it has `current` or `revisions/`)."""
    return (folder / "current").is_file() or (folder / "revisions").is_dir()


def _skipped(name: str) -> bool:
    """Lock files, temp files and our own staging folders are never backed up."""
    return (name.startswith((TEMP_PREFIX, STAGING_PREFIX, RESTORE_PREFIX))
            or name.endswith(".lock") or (name.startswith(".") and name.endswith("lock"))
            or name == ".throttle")


def document_folders(data_dir: Path) -> Iterator[Path]:
    """Every document folder under the data folder, by name (derived, temp and staging folders excluded)."""

    def walk(folder: Path, top: bool):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return
        for entry in entries:
            if (top and entry.name in EXCLUDED_TOP) or _skipped(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                path = Path(entry.path)
                if is_document(path):
                    yield path
                else:
                    yield from walk(path, False)

    yield from walk(Path(data_dir), True)


def _append_only(name: str) -> bool:
    return name in APPEND_ONLY_NAMES or name.endswith(APPEND_ONLY_SUFFIXES)


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copyfile(src, dst)


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _rev_number(name: str) -> int | None:
    return int(name) if name.isdigit() else None


# ---------------------------------------------------------------- the snapshot


class _Snapshot:
    """Stage a consistent copy of data_dir in staging (see the module docstring)."""

    def __init__(self, data_dir: Path, staging: Path, progress: Callable[[str], None] | None):
        self.data_dir = data_dir
        self.staging = staging
        self.progress = progress or (lambda _rel: None)
        self.documents: dict[str, tuple[int, int | None]] = {}  # rel folder -> (inode, current)
        self.store_logs: list[Path] = []  # store-wide edit-logs, trimmed at the end

    def run(self) -> None:
        self._walk(self.data_dir, top=True)
        # A rename moves a document folder: stage again what was replaced meanwhile.
        for folder in document_folders(self.data_dir):
            rel = folder.relative_to(self.data_dir).as_posix()
            try:
                inode = os.stat(folder).st_ino
            except FileNotFoundError:
                continue
            known = self.documents.get(rel)
            if known is None or known[0] != inode:
                self._stage_document(folder)
        for log_path in self.store_logs:
            self._stage_store_log(log_path)

    def _walk(self, folder: Path, top: bool = False) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except FileNotFoundError:
            return
        has_documents = False
        for entry in entries:
            if (top and entry.name in EXCLUDED_TOP) or _skipped(entry.name):
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if is_document(path):
                    has_documents = True
                    self._stage_document(path)
                else:
                    self._walk(path)
            elif entry.is_file(follow_symlinks=False):
                if entry.name == "edit-log":
                    continue  # decided below: a store-wide log or a plain file
                self._stage_file(path)
        log_path = folder / "edit-log"
        if log_path.is_file():
            if has_documents:
                self.store_logs.append(log_path)
            else:
                self._stage_file(log_path)

    def _target(self, path: Path) -> Path:
        return self.staging / path.relative_to(self.data_dir)

    def _stage_file(self, path: Path) -> None:
        try:
            if _append_only(path.name):
                _copy(path, self._target(path))
            else:
                _link_or_copy(path, self._target(path))
        except FileNotFoundError:
            pass  # removed meanwhile: it is not part of the snapshot

    def _stage_document(self, folder: Path) -> None:
        rel = folder.relative_to(self.data_dir).as_posix()
        dest = self._target(folder)
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(file_lock(folder / ".lock"))
            except FileNotFoundError:
                return  # renamed away before we got the lock: the second pass finds it
            if dest.exists():
                shutil.rmtree(dest)
            try:
                self.documents[rel] = (os.stat(folder).st_ino, self._stage_locked(folder, dest))
            except FileNotFoundError:  # erased for good meanwhile (a purge): not in the snapshot
                shutil.rmtree(dest, ignore_errors=True)
                self.documents.pop(rel, None)
                return
        self.progress(rel)

    def _stage_locked(self, folder: Path, dest: Path) -> int | None:
        """Under the document's lock: stage `current` first, then what it points to."""
        dest.mkdir(parents=True)
        try:
            raw = (folder / "current").read_bytes()
            current = int(raw.decode("ascii").strip())
        except FileNotFoundError:
            raw, current = None, None
        except (ValueError, UnicodeDecodeError):
            current = None  # damaged: copied as it is, `check` reports it
        if raw is not None:
            (dest / "current").write_bytes(raw)
        self._stage_tree(folder, dest, current, top=True)
        return current

    def _stage_tree(self, folder: Path, dest: Path, current: int | None, top: bool) -> None:
        # A nested `current` (attachments) is staged before the files it points to: every
        # version it names was created before it was written, so the listing below has it.
        nested_current = folder / "current"
        limit = None
        if not top and nested_current.is_file():
            _link_or_copy(nested_current, dest / "current")
            with contextlib.suppress(ValueError, UnicodeDecodeError):
                limit = int((dest / "current").read_text(encoding="ascii").strip())
        for entry in os.scandir(folder):
            if _skipped(entry.name) or entry.name == "current":
                continue
            stem = entry.name.split(".", 1)[0]
            if limit is not None and stem.isdigit() and int(stem) > limit:
                continue  # a version being written (attachments): not acknowledged yet
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if top and entry.name == "revisions":
                    self._stage_revisions(path, dest / "revisions", current)
                else:
                    self._stage_tree(path, dest / entry.name, current, top=False)
            elif entry.is_file(follow_symlinks=False):
                if _append_only(entry.name):
                    _copy(path, dest / entry.name)
                else:
                    _link_or_copy(path, dest / entry.name)

    @staticmethod
    def _stage_revisions(folder: Path, dest: Path, current: int | None) -> None:
        dest.mkdir(parents=True, exist_ok=True)
        for entry in os.scandir(folder):
            number = _rev_number(entry.name)
            if number is None:
                continue  # temp files
            if current is not None and number > current:
                continue  # not acknowledged
            _link_or_copy(Path(entry.path), dest / entry.name)

    def _stage_store_log(self, log_path: Path) -> None:
        """Copy a store-wide edit-log, keeping only lines about revisions the snapshot holds."""
        root_rel = log_path.parent.relative_to(self.data_dir).as_posix()
        with file_lock(log_path.parent / ".edit-log.lock"):
            try:
                raw = log_path.read_bytes()
            except FileNotFoundError:
                return
        kept = []
        for line in raw.decode("utf-8", errors="replace").splitlines(keepends=True):
            entry = _parse_log_line(line)
            if entry is not None:
                try:
                    rel = f"{root_rel}/{quote(entry.name)}" if root_rel != "." else quote(entry.name)
                except InvalidName:
                    rel = None
                known = self.documents.get(rel) if rel else None
                if known is None or known[1] is None or entry.number > known[1]:
                    continue
            kept.append(line)
        target = self._target(log_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(kept), encoding="utf-8")


def _records(staging: Path) -> list[FileRecord]:
    out = []
    for folder, dirs, files in os.walk(staging):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            rel = path.relative_to(staging).as_posix()
            out.append(FileRecord(rel, path.stat().st_size, _sha256(path)))
    return out


def archive_name(now: float | None = None) -> str:
    """The file name of a backup taken at `now` (UTC)."""
    moment = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    return f"{ARCHIVE_PREFIX}{moment:%Y%m%d-%H%M%S}{ARCHIVE_SUFFIX}"


def list_backups(dest: Path | str) -> list[Path]:
    """The backups in a folder, oldest first."""
    folder = Path(dest)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if ARCHIVE_RE.match(p.name) and p.is_file())


def rotate(dest: Path | str, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups of a folder; return the deleted ones."""
    if keep < 1:
        raise BackupError(N_("--keep doit valoir au moins 1."))
    backups = list_backups(dest)
    removed = backups[:-keep]
    for path in removed:
        with contextlib.suppress(FileNotFoundError):  # another backup's rotation got there first
            path.unlink()
    return removed


def _hold(path: Path) -> int:
    """Create and lock the file saying "this backup is running" (the kernel frees it if we die)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _clean_dead_backups(data_dir: Path, dest: Path) -> None:
    """Remove the staging folder and partial archive of backups killed half-way (lock free)."""
    for folder in (data_dir, dest):
        with contextlib.suppress(OSError):
            for lock in folder.glob(f"{STAGING_PREFIX}*.lock"):
                token = lock.name[len(STAGING_PREFIX):-len(".lock")]
                try:
                    fd = os.open(lock, os.O_RDWR)
                except FileNotFoundError:
                    continue
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # that backup is still running
                else:
                    shutil.rmtree(folder / f"{STAGING_PREFIX}{token}", ignore_errors=True)
                    with contextlib.suppress(FileNotFoundError):
                        (dest / f"{TEMP_PREFIX}{token}{ARCHIVE_SUFFIX}").unlink()
                    lock.unlink(missing_ok=True)
                finally:
                    os.close(fd)


def create_backup(data_dir: Path | str, dest: Path | str, *, version: str, keep: int | None = None,
                  progress: Callable[[str], None] | None = None) -> BackupResult:
    """Write a consistent backup of data_dir into the folder dest; rotate when keep is given."""
    data_dir = Path(data_dir).resolve()
    dest = Path(dest).resolve()
    if not data_dir.is_dir():
        raise BackupError(N_("Le dossier des données n'existe pas : %(path)s", path=str(data_dir)))
    if keep is not None and keep < 1:
        raise BackupError(N_("--keep doit valoir au moins 1."))
    if dest == data_dir or data_dir in dest.parents:
        raise BackupError(N_("Le dossier des sauvegardes ne doit pas être dans le dossier des données."))
    dest.mkdir(parents=True, exist_ok=True)
    _clean_dead_backups(data_dir, dest)
    token = secrets.token_hex(6)
    try:
        alive = _hold(data_dir / f"{STAGING_PREFIX}{token}.lock")
        staging = data_dir / f"{STAGING_PREFIX}{token}"
        staging.mkdir(mode=0o700)
    except OSError:  # read-only data folder: stage by copying next to the archive
        alive = _hold(dest / f"{STAGING_PREFIX}{token}.lock")
        staging = dest / f"{STAGING_PREFIX}{token}"
        staging.mkdir(mode=0o700)
    tmp = dest / f"{TEMP_PREFIX}{token}{ARCHIVE_SUFFIX}"
    try:
        snapshot = _Snapshot(data_dir, staging, progress)
        snapshot.run()
        records = _records(staging)
        manifest = {
            "format": FORMAT,
            "app": "Repères",
            "version": version,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": str(data_dir),
            "documents": len(snapshot.documents),
            "files": [r.__dict__ for r in records],
        }
        _write_archive(tmp, staging, manifest, records)
        base = archive_name()
        final, counter = dest / base, 1
        while True:
            try:
                os.link(tmp, final)  # never overwrites an existing backup
                break
            except FileExistsError:
                counter += 1
                final = dest / base.replace(ARCHIVE_SUFFIX, f"-{counter}{ARCHIVE_SUFFIX}")
        fsync_dir(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        with contextlib.suppress(FileNotFoundError):
            Path(f"{staging}.lock").unlink()
        os.close(alive)
    removed = rotate(dest, keep) if keep else []
    return BackupResult(final, final.stat().st_size, len(records), len(snapshot.documents), removed)


def _write_archive(path: Path, staging: Path, manifest: dict, records: list[FileRecord]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6,
                                                  format=tarfile.PAX_FORMAT) as tar:
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
        tar.addfile(info, io.BytesIO(data))
        for i, record in enumerate(records):
            if i == len(records) // 2:
                faults.point("backup.mid-archive")
            src = staging / record.path
            info = tarfile.TarInfo(f"{DATA_PREFIX}/{record.path}")
            stat = src.stat()
            info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o640
            with open(src, "rb") as fh:
                tar.addfile(info, fh)
        tar.close()
        raw.flush()
        os.fsync(raw.fileno())


# ---------------------------------------------------------------- verify and restore


def _safe_member_path(name: str) -> str | None:
    """The data-relative path of a member, or None when it is not a safe relative path."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or "\\" in name or not pure.parts:
        return None
    if pure.parts[0] != DATA_PREFIX or len(pure.parts) < 2:
        return None
    return PurePosixPath(*pure.parts[1:]).as_posix()


_READ_ERRORS = (tarfile.TarError, OSError, EOFError, ValueError, zlib.error)


def _iter_members(archive: Path):
    """Yield (member, fileobj or None) in order, as a stream; BackupError when unreadable."""
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            for member in tar:
                yield member, (tar.extractfile(member) if member.isreg() else None)
    except _READ_ERRORS as exc:
        raise BackupError(N_("Archive illisible ou tronquée : %(error)s", error=str(exc))) from exc


def _read(fh, size: int = _CHUNK) -> bytes:
    """Read from an archive member; a damaged archive is a BackupError."""
    try:
        return fh.read(size)
    except _READ_ERRORS as exc:
        raise BackupError(N_("Archive illisible ou tronquée : %(error)s", error=str(exc))) from exc


def verify(archive: Path | str) -> dict:
    """Check an archive against its manifest without writing anything; return the manifest."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(N_("Archive introuvable : %(path)s", path=str(archive)))
    manifest = None
    seen: dict[str, tuple[int, str]] = {}
    for member, fh in _iter_members(archive):
        if member.name == MANIFEST and fh is not None and manifest is None:
            try:
                manifest = json.loads(_read(fh, 50 * _CHUNK).decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise BackupError(N_("Le manifeste de l'archive est illisible.")) from exc
            continue
        if member.isdir():
            continue
        rel = _safe_member_path(member.name)
        if rel is None or fh is None:
            raise BackupError(N_("Élément refusé dans l'archive : %(name)s", name=repr(member.name)))
        if rel in seen:
            raise BackupError(N_("Fichier en double dans l'archive : %(path)s", path=rel))
        digest = hashlib.sha256()
        size = 0
        while chunk := _read(fh):
            digest.update(chunk)
            size += len(chunk)
        seen[rel] = (size, digest.hexdigest())
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT \
            or not isinstance(manifest.get("files"), list):
        raise BackupError(N_("Pas de manifeste valide : ce n'est pas une sauvegarde de Repères."))
    try:
        expected = {f["path"]: (int(f["size"]), str(f["sha256"])) for f in manifest["files"]}
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(N_("Le manifeste de l'archive est illisible.")) from exc
    missing = sorted(set(expected) - set(seen))
    extra = sorted(set(seen) - set(expected))
    changed = sorted(p for p in set(expected) & set(seen) if expected[p] != seen[p])
    problems = []
    if missing:
        problems.append(N_("%(n)d fichier(s) manquant(s), dont %(path)s", n=len(missing), path=missing[0]))
    if extra:
        problems.append(N_("%(n)d fichier(s) hors manifeste, dont %(path)s", n=len(extra), path=extra[0]))
    if changed:
        problems.append(N_("%(n)d fichier(s) modifié(s) (taille ou SHA-256), dont %(path)s",
                           n=len(changed), path=changed[0]))
    if problems:
        message = problems[0]
        for more in problems[1:]:
            message = N_("%(first)s ; %(more)s", first=message, more=more)
        raise BackupError(N_("Archive altérée, restauration refusée : %(problems)s.", problems=message))
    return manifest


def _is_empty(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


def restore_archive(archive: Path | str, target: Path | str, *, force: bool = False) -> RestoreResult:
    """Verify an archive, then unpack its data folder into target (moved aside first with force)."""
    archive, target = Path(archive).resolve(), Path(target).resolve()
    manifest = verify(archive)
    if not _is_empty(target) and not force:
        raise BackupError(N_(
            "Le dossier %(path)s n'est pas vide : restauration refusée "
            "(--force le met de côté avant de restaurer).", path=str(target)))
    target.mkdir(parents=True, exist_ok=True)
    staging = target / f"{RESTORE_PREFIX}{secrets.token_hex(6)}"
    staging.mkdir(mode=0o700)
    expected = {f["path"]: f["sha256"] for f in manifest["files"]}
    written = 0
    moved_aside = None
    try:
        for member, fh in _iter_members(archive):
            if member.name == MANIFEST or member.isdir():
                continue
            rel = _safe_member_path(member.name)
            if rel is None or fh is None or rel not in expected:
                raise BackupError(N_("Élément refusé dans l'archive : %(name)s", name=repr(member.name)))
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with open(dest, "xb") as out:
                while chunk := _read(fh):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != expected[rel]:
                raise BackupError(N_("Archive modifiée pendant la restauration : %(path)s", path=rel))
            os.utime(dest, (member.mtime, member.mtime))
            written += 1
        if written != len(expected):
            raise BackupError(N_("Archive incomplète : restauration abandonnée."))
        os.sync()  # one flush for the thousands of files (an fsync each is minutes on a small disk)
        # Everything is unpacked, verified and on disk: only now is the old content moved aside.
        old_entries = [e for e in target.iterdir() if e != staging]
        if old_entries:
            moved_aside = target.with_name(
                f"{target.name}.avant-restauration-{datetime.now(UTC):%Y%m%d-%H%M%S}")
            moved_aside.mkdir(parents=True)
            for entry in old_entries:
                shutil.move(str(entry), str(moved_aside / entry.name))
        for entry in list(staging.iterdir()):
            os.rename(entry, target / entry.name)
        fsync_dir(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    from admin.erasures import JOURNAL, read_journal

    return RestoreResult(target, written, str(manifest.get("version", "?")),
                         str(manifest.get("created", "?")), read_journal(target / JOURNAL),
                         moved_aside)


def human_size(size: int) -> str:
    """A byte count for people: 12,3 Mo."""
    value = float(size)
    for unit in ("o", "Ko", "Mo", "Go"):
        if value < 1024 or unit == "Go":
            return f"{value:.0f} {unit}" if unit == "o" else f"{value:.1f} {unit}".replace(".", ",")
        value /= 1024
    return f"{size} o"

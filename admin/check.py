"""Integrity check of a data folder, and the repairs that are safe to make.

What `check` looks at (each kind below is made on purpose in tests/test_admin_check.py):

- every document folder of every DocumentStore under the data folder (a folder holding
  ``current`` or ``revisions/``): ``current`` readable, pointing to an existing revision
  whose header parses; revision files above ``current``;
- edit-logs (per document and store-wide): damaged lines are reported (the store skips them);
- stray temp files (``.tmp-*``) and leftovers of interrupted backups/restores;
- account files (``users/*.json``): parse, name, roles, password hash;
- JSON settings (``config/*.json``) and JSON-lines journals (audit, erasures);
- media sets registered by packages (``register_media(app, ...)``): a file nobody refers to,
  a reference to a file that is missing.

``repair`` only does what cannot lose acknowledged work, and says what it did:
removing temp files and the one unacknowledged revision a crashed save leaves (both under
the document's lock, as the store's next writer would), removing old staging folders, and
moving media nobody refers to into ``quarantine/`` (never deleting them). Everything else
is reported with what to do by hand. No Flask here.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from admin.backup import EXCLUDED_TOP, RESTORE_PREFIX, STAGING_PREFIX, document_folders, is_document
from i18n import N_
from wiki.store import REV_WIDTH, TEMP_PREFIX, _parse_log_line, file_lock

# A temp file outside a document folder is only removed when older than this (a writer
# may be filling it right now), and a staging folder only when older than STAGING_AGE.
TEMP_AGE = 15 * 60
STAGING_AGE = 6 * 3600
MEDIA_AGE = 3600

KINDS = {
    "current-unreadable": N_("le pointeur « current » est illisible"),
    "current-missing": N_("des versions existent mais pas de pointeur « current »"),
    "current-dangling": N_("« current » désigne une version absente"),
    "revision-damaged": N_("l'en-tête de la version courante est abîmé"),
    "attachment-dangling": N_("pièce jointe dont la version courante manque"),
    "revision-above-current": N_("version non validée laissée par un enregistrement interrompu"),
    "revisions-beyond-current": N_("plusieurs versions au-delà de « current »"),
    "edit-log-bad-line": N_("ligne abîmée dans un journal des modifications"),
    "stray-temp": N_("fichier temporaire oublié"),
    "stale-staging": N_("dossier d'une sauvegarde ou restauration interrompue"),
    "user-invalid": N_("fichier de compte invalide"),
    "json-invalid": N_("fichier de réglages illisible"),
    "journal-bad-line": N_("ligne abîmée dans un journal (audit, effacements)"),
    "media-orphan": N_("média sans propriétaire"),
    "media-missing": N_("propriétaire dont le média manque"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the data folder."""

    kind: str
    path: str  # relative to the data folder
    message: str
    repairable: bool = False


def _default_media_id(rel: str) -> str | None:
    """`abc123.jpg` -> abc123; `m-abc123/t320.jpg` -> m-abc123 (one file or one folder per media)."""
    first = rel.split("/", 1)[0]
    return first.split(".", 1)[0] or None


@dataclass(frozen=True)
class MediaSet:
    """Media files in one folder and what refers to them (registered by the owning package).

    ``referenced`` maps a media id to a description of its owner ("contribution c-42");
    ``id_of`` gives the media id of a file from its path relative to ``folder`` (None: not a
    media file, ignored). By default the first path component, without extension, is the id:
    both ``media/<id>.jpg`` and ``media/<id>/<variant>.jpg`` layouts work.
    """

    label: str
    folder: Path
    referenced: dict[str, str]
    id_of: Callable[[str], str | None] = _default_media_id


@dataclass
class Report:
    """What check found, and how much it looked at."""

    problems: list[Problem] = field(default_factory=list)
    documents: int = 0
    revisions: int = 0
    users: int = 0
    media: int = 0

    @property
    def ok(self) -> bool:
        """Whether nothing is wrong."""
        return not self.problems


def _rel(data_dir: Path, path: Path) -> str:
    try:
        return path.relative_to(data_dir).as_posix()
    except ValueError:
        return str(path)


def _age(path: Path) -> float:
    try:
        return time.time() - path.lstat().st_mtime
    except FileNotFoundError:
        return 0.0


def _read_current(folder: Path) -> tuple[str, int | None]:
    """("missing"|"bad"|"ok", number)."""
    try:
        raw = (folder / "current").read_text(encoding="ascii")
    except FileNotFoundError:
        return "missing", None
    except (OSError, UnicodeDecodeError):
        return "bad", None
    try:
        return "ok", int(raw.strip())
    except ValueError:
        return "bad", None


def _revision_numbers(folder: Path) -> list[int]:
    try:
        return sorted(int(e.name) for e in os.scandir(folder / "revisions") if e.name.isdigit())
    except FileNotFoundError:
        return []


def _header_ok(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.readline()
        return isinstance(json.loads(head.decode("utf-8")), dict)
    except (OSError, ValueError, UnicodeDecodeError):
        return False


def _check_document(data_dir: Path, folder: Path, report: Report) -> None:
    rel = _rel(data_dir, folder)
    state, current = _read_current(folder)
    numbers = _revision_numbers(folder)
    report.documents += 1
    report.revisions += len(numbers)
    add = report.problems.append
    if state == "bad":
        add(Problem("current-unreadable", f"{rel}/current", N_("« current » ne contient pas un numéro "
                    "de version : écrire à la main le numéro de la dernière bonne version.")))
        return
    if state == "missing":
        if numbers == [1]:
            add(Problem("revision-above-current", f"{rel}/revisions/{1:0{REV_WIDTH}d}",
                        N_("première version jamais validée (enregistrement interrompu)"), True))
        elif numbers:
            add(Problem("current-missing", rel, N_("%(n)d versions mais pas de « current » : écrire "
                        "%(last)s dans %(path)s/current après vérification.", n=len(numbers),
                        last=f"{numbers[-1]:0{REV_WIDTH}d}", path=rel)))
        return
    assert current is not None
    if current not in numbers:
        add(Problem("current-dangling", f"{rel}/current", N_("« current » désigne la version "
                    "%(n)d, absente : restaurer ce document depuis une sauvegarde.", n=current)))
    elif not _header_ok(folder / "revisions" / f"{current:0{REV_WIDTH}d}"):
        add(Problem("revision-damaged", f"{rel}/revisions/{current:0{REV_WIDTH}d}",
                    N_("en-tête illisible : restaurer ce document depuis une sauvegarde.")))
    _check_attachments(data_dir, folder, report)
    above = [n for n in numbers if n > current]
    if above == [current + 1]:
        add(Problem("revision-above-current", f"{rel}/revisions/{above[0]:0{REV_WIDTH}d}",
                    N_("version jamais validée (enregistrement interrompu)"), True))
    elif above:
        add(Problem("revisions-beyond-current", rel, N_("%(n)d versions au-delà de « current » "
                    "(%(current)d) : « current » a peut-être été remis en arrière ; vérifier à la main.",
                    n=len(above), current=current)))


def _check_attachments(data_dir: Path, folder: Path, report: Report) -> None:
    """Each attachment's `current` names a version whose bytes exist (wiki/attachments.py)."""
    attachments = folder / "attachments"
    if not attachments.is_dir():
        return
    for sub in sorted(attachments.iterdir()):
        if not sub.is_dir() or sub.name.startswith("."):
            continue
        state, number = _read_current(sub)
        if state == "missing":
            continue
        if state == "bad" or not (sub / f"{number:0{REV_WIDTH}d}.data").is_file():
            report.problems.append(Problem("attachment-dangling", _rel(data_dir, sub / "current"),
                                           N_("la version courante de la pièce jointe est absente ou "
                                              "illisible : la restaurer depuis une sauvegarde.")))


def _check_edit_log(data_dir: Path, path: Path, report: Report) -> None:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return
    bad = [i for i, line in enumerate(lines, 1) if line.strip() and _parse_log_line(line) is None]
    if bad:
        shown = ", ".join(map(str, bad[:10])) + ("…" if len(bad) > 10 else "")
        report.problems.append(Problem("edit-log-bad-line", _rel(data_dir, path),
                                       N_("%(n)d ligne(s) abîmée(s) (ignorées à la lecture) : %(lines)s",
                                          n=len(bad), lines=shown)))


def _check_json_lines(data_dir: Path, path: Path, report: Report) -> None:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return
    bad = []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            if not isinstance(json.loads(line), dict):
                bad.append(i)
        except ValueError:
            bad.append(i)
    if bad:
        shown = ", ".join(map(str, bad[:10])) + ("…" if len(bad) > 10 else "")
        report.problems.append(Problem("journal-bad-line", _rel(data_dir, path),
                                       N_("%(n)d ligne(s) abîmée(s) : %(lines)s", n=len(bad), lines=shown)))


def _check_users(data_dir: Path, report: Report) -> None:
    from accounts.users import ROLES, USERNAME_RE, User

    folder = data_dir / "users"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.json")):
        report.users += 1
        rel = _rel(data_dir, path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            user = User(**raw)
        except (OSError, ValueError, TypeError) as exc:
            report.problems.append(Problem("user-invalid", rel, N_("illisible (%(error)s)",
                                                                   error=exc.__class__.__name__)))
            continue
        why = []
        if user.username != path.stem or not USERNAME_RE.match(user.username):
            why.append(N_("l'identifiant ne correspond pas au nom du fichier"))
        if not isinstance(user.roles, list) or any(r not in ROLES for r in user.roles):
            why.append(N_("rôle inconnu"))
        if not isinstance(user.password_hash, str) or ":" not in user.password_hash:
            why.append(N_("pas de mot de passe chiffré"))
        if why:
            message = why[0]
            for more in why[1:]:
                message = N_("%(first)s ; %(more)s", first=message, more=more)
            report.problems.append(Problem("user-invalid", rel, message))


def _check_config(data_dir: Path, report: Report) -> None:
    folder = data_dir / "config"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.json")):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            report.problems.append(Problem("json-invalid", _rel(data_dir, path),
                                           N_("JSON illisible : corriger ou supprimer le fichier")))


def _check_temp(data_dir: Path, report: Report) -> None:
    """Temp files anywhere (documents included) and old staging folders."""
    for folder, dirs, files in os.walk(data_dir):
        here = Path(folder)
        if here == data_dir:
            dirs[:] = [d for d in dirs if d not in EXCLUDED_TOP]
        for name in list(dirs):
            if name.startswith((STAGING_PREFIX, RESTORE_PREFIX)):
                dirs.remove(name)
                path = here / name
                if _age(path) > STAGING_AGE:
                    report.problems.append(Problem("stale-staging", _rel(data_dir, path),
                                                   N_("reste d'une sauvegarde interrompue"), True))
            elif name.startswith(TEMP_PREFIX):
                dirs.remove(name)
                report.problems.append(Problem("stray-temp", _rel(data_dir, here / name),
                                               N_("dossier temporaire oublié"), True))
        for name in files:
            if name.startswith(TEMP_PREFIX):
                report.problems.append(Problem("stray-temp", _rel(data_dir, here / name),
                                               N_("fichier temporaire oublié"), True))


def _check_media(data_dir: Path, media: MediaSet, report: Report) -> None:
    if not media.folder.is_dir():
        return
    present: dict[str, set[Path]] = {}  # media id -> its files or folders under media.folder
    for path in sorted(media.folder.rglob("*")):
        rel = path.relative_to(media.folder).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in rel.split("/")):
            continue
        media_id = media.id_of(rel)
        if media_id:
            present.setdefault(media_id, set()).add(media.folder / rel.split("/", 1)[0])
    report.media += len(present)
    for media_id, paths in sorted(present.items()):
        if media_id not in media.referenced:
            for path in sorted(paths):  # the file and its thumbnails, or the media's folder
                report.problems.append(Problem("media-orphan", _rel(data_dir, path),
                                               N_("%(label)s : aucun document ne s'y réfère",
                                                  label=media.label), True))
    for media_id, owner in sorted(media.referenced.items()):
        if media_id not in present:
            report.problems.append(Problem(
                "media-missing", _rel(data_dir, media.folder / media_id),
                N_("%(label)s : %(owner)s se réfère au média %(id)s, absent", label=media.label,
                   owner=owner, id=media_id)))


def check(data_dir: Path | str, media: Iterable[MediaSet] = ()) -> Report:
    """Look at the whole data folder and report every problem found."""
    data_dir = Path(data_dir).resolve()
    report = Report()
    roots = set()
    for folder in document_folders(data_dir):
        roots.add(folder.parent)
        _check_document(data_dir, folder, report)
        if (folder / "edit-log").is_file():
            _check_edit_log(data_dir, folder / "edit-log", report)
    for root in sorted(roots):
        if (root / "edit-log").is_file():
            _check_edit_log(data_dir, root / "edit-log", report)
    _check_temp(data_dir, report)
    _check_users(data_dir, report)
    _check_config(data_dir, report)
    for journal in sorted((data_dir / "audit").glob("*.log")) + sorted(
            (data_dir / "erasures").glob("*.jsonl")):
        _check_json_lines(data_dir, journal, report)
    for media_set in media:
        _check_media(data_dir, media_set, report)
    return report


def _newest(path: Path) -> float:
    """Age of the newest file of a file or folder (a media being written is young)."""
    if not path.is_dir():
        return _age(path)
    ages = [_age(p) for p in path.rglob("*")] + [_age(path)]
    return min(ages)


def _document_of(data_dir: Path, path: Path) -> Path | None:
    for parent in path.parents:
        if parent == data_dir:
            return None
        if is_document(parent):
            return parent
    return None


def repair(data_dir: Path | str, problems: Iterable[Problem]) -> list[str]:
    """Fix the repairable problems, re-checking each under the right lock; say what was done."""
    data_dir = Path(data_dir).resolve()
    done = []
    for problem in problems:
        if not problem.repairable:
            continue
        path = data_dir / problem.path
        if problem.kind == "revision-above-current":
            folder = path.parent.parent
            with file_lock(folder / ".lock"):
                state, current = _read_current(folder)
                if state == "bad":
                    continue
                number = int(path.name)
                if path.exists() and number == (current or 0) + 1:
                    path.unlink()
                    done.append(N_("version non validée supprimée : %(path)s", path=problem.path))
        elif problem.kind == "stray-temp":
            document = _document_of(data_dir, path)
            if document is not None:
                with file_lock(document / ".lock"):
                    _remove(path)
            elif _age(path) > TEMP_AGE:
                _remove(path)
            else:
                continue
            done.append(N_("temporaire supprimé : %(path)s", path=problem.path))
        elif problem.kind == "stale-staging":
            shutil.rmtree(path, ignore_errors=True)
            done.append(N_("dossier interrompu supprimé : %(path)s", path=problem.path))
        elif problem.kind == "media-orphan" and path.exists() and _newest(path) > MEDIA_AGE:
            dest = data_dir / "quarantine" / problem.path
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), str(dest))
            done.append(N_("média sans propriétaire mis en quarantaine : %(path)s -> quarantine/%(path)s",
                           path=problem.path))
    return done


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def register_media(app, fn: Callable[[object], Iterable[MediaSet]]) -> None:
    """Let a package describe its media for `check`: fn(app) -> MediaSets (called at check time)."""
    app.extensions.setdefault("reperes", {}).setdefault("media_checks", []).append(fn)


def media_sets(app) -> list[MediaSet]:
    """Every MediaSet the registered packages describe for this app."""
    out: list[MediaSet] = []
    for fn in app.extensions.get("reperes", {}).get("media_checks", []):
        out.extend(fn(app))
    return out

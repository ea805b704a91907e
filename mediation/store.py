"""Where mediation data lives: four versioned document stores and a media folder (no Flask).

    DATA_DIR/contributions/<c-id>/...   one JSON document per contribution (versioned)
    DATA_DIR/workshops/<w-id>/...       workshops
    DATA_DIR/participants/<p-id>/...    pseudonyms (no real name, no e-mail)
    DATA_DIR/feedback/<f-id>/...        answers to « Votre avis sur Repères »
    DATA_DIR/media/<m-id>/              main.<ext>, web.<ext>, poster.jpg, t320.<ext>, t960.<ext>,
                                        owner.json {"store": "contributions", "id": "c-..."};
                                        original.<ext>: a video as uploaded (metadata kept), never
                                        served, deleted once its web version is made
    DATA_DIR/media-jobs/<m-id>.json     a video waiting for its web version (mediation/videojobs.py)

Media are stored under random ids, never under the uploaded name.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from mediation.model import (
    N_,
    Contribution,
    JsonDocument,
    ModelError,
    Participant,
    Workshop,
    check_pseudonym,
    new_id,
)
from wiki.store import DocumentStore, NotFound, atomic_write, file_lock

MEDIA_ID_RE = re.compile(r"^m-[0-9a-f]{12}$")
DOC_ID_RE = re.compile(r"^[cwpf]-[0-9a-f]{12}$")
VARIANTS = ("main", "web", "poster", "t320", "t960")


class MediationStore:
    """Workshops, participants, contributions, feedback and their media."""

    def __init__(self, data_dir: Path | str):
        data_dir = Path(data_dir)
        self.contributions = DocumentStore(data_dir / "contributions")
        self.workshops = DocumentStore(data_dir / "workshops")
        self.participants = DocumentStore(data_dir / "participants")
        self.feedback = DocumentStore(data_dir / "feedback")
        self.media_root = data_dir / "media"
        self.media_root.mkdir(parents=True, exist_ok=True)
        self.jobs_root = data_dir / "media-jobs"
        self._all_cache: tuple | None = None

    # ------------------------------------------------------------ locking

    @contextlib.contextmanager
    def _updating(self, store: DocumentStore, name: str) -> Iterator[None]:
        folder = store.path(name)
        folder.mkdir(parents=True, exist_ok=True)
        with file_lock(folder / ".update-lock"):
            yield

    @staticmethod
    def _read(store: DocumentStore, cls: type[JsonDocument], prefix: str, doc_id: str):
        """Document `doc_id` as a `cls`, or None when the id is malformed, unknown, deleted or unreadable."""
        if not DOC_ID_RE.match(doc_id or "") or not doc_id.startswith(prefix):
            return None
        try:
            return cls.from_json(store.load(doc_id).text)
        except (NotFound, ValueError, TypeError):
            return None

    # ------------------------------------------------------------ workshops

    def open_workshop(self, title: str, mediator: str, place: str = "", place_label: str = "") -> Workshop:
        """Create a workshop."""
        title = " ".join((title or "").split())[:120]
        if not title:
            raise ModelError(N_("Donnez un titre à l'atelier."))
        workshop = Workshop(new_id("w"), title, mediator, place, place_label.strip()[:120])
        self.workshops.save(workshop.id, workshop.to_json(), author=mediator, comment="ouverture")
        return workshop

    def workshop(self, wid: str) -> Workshop | None:
        """A workshop, or None."""
        return self._read(self.workshops, Workshop, "w-", wid)

    def all_workshops(self) -> list[Workshop]:
        """Every workshop, open ones first, newest first."""
        out = [w for w in (self.workshop(n) for n in self.workshops.names()) if w]
        return sorted(out, key=lambda w: (bool(w.closed), -w.opened))

    def update_workshop(self, wid: str, change: Callable[[Workshop], None], author: str,
                        comment: str = "") -> Workshop:
        """Read, change and save a workshop under its lock."""
        with self._updating(self.workshops, wid):
            workshop = self.workshop(wid)
            if workshop is None:
                raise NotFound(wid)
            change(workshop)
            self.workshops.save(wid, workshop.to_json(), author=author, comment=comment)
        return workshop

    # ------------------------------------------------------------ participants

    def participant(self, pid: str) -> Participant | None:
        """A participant, or None."""
        return self._read(self.participants, Participant, "p-", pid)

    def all_participants(self) -> list[Participant]:
        """Every participant, by pseudonym."""
        out = [p for p in (self.participant(n) for n in self.participants.names()) if p]
        return sorted(out, key=lambda p: p.pseudonym.casefold())

    def find_participant(self, pseudonym: str) -> Participant | None:
        """The participant with this pseudonym (case and spaces ignored)."""
        wanted = " ".join((pseudonym or "").split()).casefold()
        return next((p for p in self.all_participants() if p.pseudonym.casefold() == wanted), None)

    def add_participant(self, pseudonym: str, by: str) -> Participant:
        """Create a participant; a pseudonym already taken is refused."""
        pseudonym = check_pseudonym(pseudonym)
        with file_lock(self.participants.root / ".new-lock"):
            if self.find_participant(pseudonym):
                raise ModelError(N_("Le pseudonyme « %(pseudonym)s » existe déjà : choisissez-le dans la liste.",
                                    pseudonym=pseudonym))
            person = Participant(new_id("p"), pseudonym, created_by=by)
            self.participants.save(person.id, person.to_json(), author=by, comment="nouveau pseudonyme")
        return person

    def join(self, wid: str, pid: str, by: str) -> None:
        """Add a participant to a workshop (both remember it)."""
        def add(workshop: Workshop) -> None:
            if pid not in workshop.participants:
                workshop.participants.append(pid)

        self.update_workshop(wid, add, by, "participant ajouté")
        with self._updating(self.participants, pid):
            person = self.participant(pid)
            if person and wid not in person.workshops:
                person.workshops.append(wid)
                self.participants.save(pid, person.to_json(), author=by, comment="atelier")

    # ------------------------------------------------------------ contributions

    def create(self, kind: str, participant: str, workshop: str, mediator: str, author: str) -> Contribution:
        """A new draft contribution."""
        return self.add(Contribution(new_id("c"), kind, participant, workshop, mediator), author)

    def add(self, item: Contribution, author: str) -> Contribution:
        """Store a contribution made in memory (its first revision)."""
        self.contributions.save(item.id, item.to_json(), author=author, comment="brouillon",
                                meta={"status": item.status})
        return item

    def get(self, cid: str) -> Contribution | None:
        """A contribution, or None when unknown, deleted or unreadable."""
        return self._read(self.contributions, Contribution, "c-", cid)

    def all(self) -> list[Contribution]:
        """Every contribution (any status), oldest first (treat them as read-only).

        The list is kept in memory until the store's edit-log changes (every save, delete or
        purge appends to it, from any process), so galleries and sheets stay fast.
        """
        try:
            stat = (self.contributions.root / "edit-log").stat()
            key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        except FileNotFoundError:
            key = None
        cached = self._all_cache
        if cached is not None and key is not None and cached[0] == key:
            return list(cached[1])
        out = sorted((c for c in (self.get(n) for n in self.contributions.names()) if c),
                     key=lambda c: c.created)
        self._all_cache = (key, out)
        return list(out)

    def update(self, cid: str, change: Callable[[Contribution], None], author: str,
               comment: str = "") -> Contribution:
        """Read, change and save a contribution under its lock (a new revision)."""
        with self._updating(self.contributions, cid):
            item = self.get(cid)
            if item is None:
                raise NotFound(cid)
            change(item)
            self.contributions.save(cid, item.to_json(), author=author, comment=comment,
                                    meta={"status": item.status})
        return item

    def by_participant(self, pid: str) -> list[Contribution]:
        """A participant's contributions, newest first."""
        return sorted((c for c in self.all() if c.participant == pid), key=lambda c: -c.created)

    # ------------------------------------------------------------ media

    def media_dir(self, mid: str) -> Path:
        """Folder of one media (ValueError for a malformed id: no traversal)."""
        if not MEDIA_ID_RE.match(mid or ""):
            raise ValueError("bad media id")
        return self.media_root / mid

    def add_media(self, owner: str, files: dict[str, tuple[str, bytes]], info: dict) -> dict:
        """Store a media's files {variant: (ext, bytes)} under a new random id; return its info."""
        mid = new_id("m")
        folder = self.media_dir(mid)
        folder.mkdir(parents=True)
        try:
            for variant, (ext, data) in files.items():
                if variant not in VARIANTS or not re.fullmatch(r"[a-z0-9]{2,4}", ext):
                    raise ValueError(variant)
                atomic_write(folder / f"{variant}.{ext}", data)
            atomic_write(folder / "owner.json", json.dumps({"store": "contributions", "id": owner}))
        except BaseException:  # a full disk: no half-written media folder stays behind
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return {**info, "id": mid, "files": {v: ext for v, (ext, _d) in files.items()}}

    @contextlib.contextmanager
    def media_lock(self) -> Iterator[None]:
        """A short lock between installing a video's web version and removing a media."""
        with file_lock(self.media_root / ".media.lock"):
            yield

    def job_path(self, mid: str) -> Path:
        """The job file of a video waiting for its web version (ValueError for a malformed id)."""
        if not MEDIA_ID_RE.match(mid or ""):
            raise ValueError("bad media id")
        return self.jobs_root / f"{mid}.json"

    def add_original(self, owner: str, ext: str, data: bytes, info: dict) -> dict:
        """Keep an uploaded video as it came (``original.<ext>``, never served) under a new id.

        Its ``files`` stay empty until the web version is made; ``state`` says where it is.
        """
        if not re.fullmatch(r"[a-z0-9]{2,4}", ext):
            raise ValueError(ext)
        mid = new_id("m")
        folder = self.media_dir(mid)
        folder.mkdir(parents=True)
        try:
            atomic_write(folder / f"original.{ext}", data)
            atomic_write(folder / "owner.json", json.dumps({"store": "contributions", "id": owner}))
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return {**info, "id": mid, "files": {}, "original": ext, "state": "pending"}

    def original_file(self, mid: str) -> Path | None:
        """The kept upload of a video still waiting for its web version, or None."""
        try:
            folder = self.media_dir(mid)
        except ValueError:
            return None
        return next((p for p in sorted(folder.glob("original.*")) if p.is_file()), None)

    def media_file(self, media: dict, variant: str) -> Path | None:
        """Path of one variant of a media, or None."""
        ext = (media.get("files") or {}).get(variant)
        if not ext:
            return None
        try:
            path = self.media_dir(media.get("id", "")) / f"{variant}.{ext}"
        except ValueError:
            return None
        return path if path.is_file() else None

    def media_owner(self, mid: str) -> str | None:
        """The contribution id owning a media, or None."""
        try:
            raw = json.loads((self.media_dir(mid) / "owner.json").read_text())
        except (ValueError, OSError):
            return None
        return raw.get("id")

    def remove_media(self, mid: str) -> None:
        """Delete a media, all its variants, the kept upload and its pending job."""
        with contextlib.suppress(ValueError):
            folder, job = self.media_dir(mid), self.job_path(mid)
            with self.media_lock():
                shutil.rmtree(folder, ignore_errors=True)
                job.unlink(missing_ok=True)

    # ------------------------------------------------------------ feedback

    def add_feedback(self, author: str, useful: int | None, text: str) -> str:
        """Store one answer to « Votre avis sur Repères »."""
        fid = new_id("f")
        body = json.dumps({"author": author, "useful": useful, "text": text, "time": time.time()},
                          ensure_ascii=False, indent=1, sort_keys=True)
        self.feedback.save(fid, body, author=author, comment="avis sur Repères")
        return fid

    def all_feedback(self) -> list[dict]:
        """Every answer, newest first."""
        out = []
        for name in self.feedback.names():
            with contextlib.suppress(NotFound, ValueError):
                out.append({"id": name, **json.loads(self.feedback.load(name).text)})
        return sorted(out, key=lambda f: -f.get("time", 0))

    # ------------------------------------------------------------ erasure and export

    def _erase_document(self, store: DocumentStore, name: str, actor: str) -> None:
        """Remove every revision of a document; listeners (search index) are told first."""
        with contextlib.suppress(NotFound):
            store.delete(name, author=actor, comment="effacement")
        shutil.rmtree(store.path(name), ignore_errors=True)
        store._cache.clear()

    def media_ids(self, cid: str) -> set[str]:
        """Every media id referenced by any revision of a contribution."""
        ids = set()
        with contextlib.suppress(NotFound):
            for revision in self.contributions.revisions(cid):
                with contextlib.suppress(ValueError, TypeError):
                    media = json.loads(revision.text).get("media") or {}
                    if media.get("id"):
                        ids.add(media["id"])
        for entry in self.media_root.iterdir() if self.media_root.is_dir() else []:
            if MEDIA_ID_RE.match(entry.name) and self.media_owner(entry.name) == cid:
                ids.add(entry.name)
        return ids

    def purge_contribution(self, cid: str, actor: str) -> list[str]:
        """Erase a contribution for good: all revisions and media; returns the media ids."""
        media = sorted(self.media_ids(cid))
        for mid in media:
            self.remove_media(mid)
        self._erase_document(self.contributions, cid, actor)
        return media

    def purge_participant(self, pid: str, actor: str) -> dict:
        """Erase a participant entirely: contributions, media, pseudonym, workshop links."""
        person = self.participant(pid)
        contributions = [n for n in self.contributions.names(include_deleted=True)
                         if n.startswith("c-") and self._owner_of(n) == pid]
        media: list[str] = []
        for cid in contributions:
            media += self.purge_contribution(cid, actor)
        for workshop in self.all_workshops():
            if pid in workshop.participants:
                self.update_workshop(workshop.id, lambda w: w.participants.remove(pid), actor,
                                     "participant effacé")
        if self.participants.current_number(pid) is not None:
            self._erase_document(self.participants, pid, actor)
        return {"participant": pid, "found": person is not None, "contributions": contributions,
                "media": media}

    def _owner_of(self, cid: str) -> str | None:
        """The participant of any revision of a contribution (deleted ones too)."""
        with contextlib.suppress(NotFound):
            for revision in reversed(self.contributions.revisions(cid)):
                with contextlib.suppress(ValueError, TypeError, AttributeError):
                    owner = json.loads(revision.text).get("participant")
                    if owner:
                        return owner
        return None

    def export_participant(self, pid: str) -> bytes:
        """A zip of everything linked to a participant: pseudonym, every revision, media."""
        person = self.participant(pid)
        if person is None:
            raise NotFound(pid)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("personne.json", person.to_json())
            for item in self.by_participant(pid):
                for revision in self.contributions.revisions(item.id):
                    zf.writestr(f"contributions/{item.id}/version-{revision.number:03d}.json",
                                revision.text or "{}")
                for mid in sorted(self.media_ids(item.id)):
                    folder = self.media_dir(mid)
                    for path in sorted(folder.iterdir()):
                        if path.name != "owner.json":
                            zf.write(path, f"contributions/{item.id}/medias/{mid}-{path.name}")
            readme = (f"Export des données liées au pseudonyme « {person.pseudonym} » (Repères).\n"
                      "Chaque contribution a toutes ses versions (JSON) et ses fichiers.\n")
            zf.writestr("LISEZMOI.txt", readme)
        return out.getvalue()

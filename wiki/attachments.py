"""Files attached to a document, versioned like the texts (no Flask).

    <page folder>/attachments/<quoted file name>/current          "00000002"
    <page folder>/attachments/<quoted file name>/00000001.data    the bytes (immutable)
    <page folder>/attachments/<quoted file name>/00000001.json    type, size, author, time...
    <page folder>/attachments/<quoted file name>/00000001.t320    thumbnails of images
    <page folder>/attachments/<quoted file name>/00000001.txt     its text, for search (derived)
    <page folder>/attachments/<quoted file name>/removed          present: taken off the page

Sending a file with a name already used adds a version: nothing is ever overwritten
(files are created with os.link, numbers allocated under an fcntl lock). The type
is read from the content (media.sniff), never from the name or the browser; a name
whose extension says something else is refused. Images are re-encoded by
media.images (EXIF and GPS dropped, orientation applied, bombs refused).
The attachments live in the page's folder, so they follow a rename.

The text of PDF, office and text files (media.text) is read once per version, in a child
process, the first time search asks for it, and kept next to the bytes (`NNNNNNNN.txt`): it
goes wherever they go (rename, purge, backup) and a reindex does not parse every PDF again.
Removing a file from a page writes `removed` (who, when): the versions stay on disk, as a
deleted page's revisions do, but the file is no longer listed, served or searched; sending a
file of that name again adds a version and brings it back. Listeners (the search index)
are told of every upload and removal with a wiki.store.Change naming the page.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from i18n import N_
from media.images import ImageError, process_image
from media.sniff import UnsupportedType, sniff
from media.text import extract_text_bounded, is_readable
from wiki.names import InvalidName, quote, unquote
from wiki.store import REV_WIDTH, Change, DocumentStore, atomic_write, create_exclusive, file_lock

log = logging.getLogger(__name__)

MAX_FILENAME_LENGTH = 120
THUMB_SIZES = (320, 960)
ACCEPTED_CATEGORIES = ("image", "pdf", "office", "audio", "text")
TEXT_CATEGORIES = ("pdf", "office", "text")  # whose text search reads (media.text)
REMOVED = "removed"
# What the extension of the name may be, for each type read from the content.
EXTENSIONS = {
    "jpg": {"jpg", "jpeg", "jpe", "jfif"},
    "png": {"png"},
    "gif": {"gif"},
    "webp": {"webp"},
    "pdf": {"pdf"},
    "docx": {"docx"}, "xlsx": {"xlsx"}, "pptx": {"pptx"},
    "odt": {"odt"}, "ods": {"ods"}, "odp": {"odp"},
    "doc": {"doc", "xls", "ppt"},  # the old binary Office formats share one container
    "wav": {"wav"}, "ogg": {"ogg", "oga", "opus"}, "mp3": {"mp3"}, "flac": {"flac"},
    "webm": {"webm", "weba"}, "m4a": {"m4a", "mp4", "aac"},
    "txt": {"txt", "csv", "md", "text"},
}


class AttachmentError(ValueError):
    """The file cannot be attached; the message says why, in plain French."""


@dataclass(frozen=True)
class Prepared:
    """A checked upload, ready to be stored."""

    filename: str
    data: bytes
    mime: str
    category: str
    width: int = 0
    height: int = 0
    thumbs: dict[int, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Attachment:
    """One version of an attached file."""

    filename: str
    version: int
    mime: str
    category: str
    size: int
    author: str
    time: float
    width: int = 0
    height: int = 0
    thumbs: tuple[int, ...] = ()

    @property
    def is_image(self) -> bool:
        """Whether the file is shown inline as an image."""
        return self.category == "image"


def clean_filename(raw: str) -> str:
    """The file name kept for an upload (last path part, no control characters) or AttachmentError."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    if any(unicodedata.category(ch)[0] == "C" for ch in name):
        raise AttachmentError(N_("Le nom du fichier contient des caractères invisibles ou de contrôle."))
    name = " ".join(name.split())
    if not name or name.startswith(".") or "." not in name.strip("."):
        raise AttachmentError(N_("Le nom du fichier doit avoir une extension, par exemple « photo.jpg »."))
    if len(name) > MAX_FILENAME_LENGTH:
        raise AttachmentError(N_("Le nom du fichier dépasse %(n)d caractères ; raccourcissez-le.",
                                 n=MAX_FILENAME_LENGTH))
    try:
        quote(name)
    except InvalidName as exc:
        raise AttachmentError(N_("Ce nom de fichier n'est pas accepté ; renommez le fichier.")) from exc
    return name


def prepare(raw_name: str, data: bytes, *, max_pixels: int = 40_000_000) -> Prepared:
    """Check an upload: name, type from the content, agreement of both; re-encode images."""
    filename = clean_filename(raw_name)
    try:
        found = sniff(data)
    except UnsupportedType as exc:
        raise AttachmentError(N_("%(why)s Formats acceptés : images, PDF, documents bureautiques, sons, texte.",
                                 why=exc.args[0])) from exc
    if found.category not in ACCEPTED_CATEGORIES:
        raise AttachmentError(N_("Ce type de fichier n'est pas accepté ici (images, PDF, documents, sons, texte)."))
    ext = filename.rsplit(".", 1)[-1].lower()
    if ext not in EXTENSIONS.get(found.ext, {found.ext}):
        raise AttachmentError(N_(
            "Le contenu de « %(f)s » ne correspond pas à son nom : c'est un fichier %(ext)s. "
            "Renommez-le ou choisissez le bon fichier.", f=filename, ext=found.ext.upper()
        ))
    if found.category != "image":
        return Prepared(filename, data, found.mime, found.category)
    try:
        image = process_image(data, max_pixels=max_pixels, thumb_sizes=THUMB_SIZES)
    except ImageError as exc:
        raise AttachmentError(str(exc)) from exc
    return Prepared(filename, image.data, image.mime, "image", image.width, image.height, image.thumbs)


class AttachmentStore:
    """The attachments of the documents of one DocumentStore."""

    def __init__(self, documents: DocumentStore,
                 extract: Callable[[Path, str], str | None] = extract_text_bounded):
        self.documents = documents
        self.extract = extract  # (path of the bytes, mime) -> text, None: not now; never raises
        self.listeners: list[Callable[[Change], None]] = []

    def _notify(self, action: str, page: str, author: str, filename: str) -> None:
        for listener in list(self.listeners):
            try:
                listener(Change(action, page, None, author=author, detail=filename))
            except Exception:  # a listener (search index) must never fail an upload
                log.exception("attachment listener failed for %s", page)

    def _root(self, page: str) -> Path:
        return self.documents.path(page) / "attachments"

    def _folder(self, page: str, filename: str) -> Path:
        try:
            return self._root(page) / quote(filename)
        except InvalidName as exc:
            raise FileNotFoundError(filename) from exc

    @staticmethod
    def _stem(version: int) -> str:
        return f"{version:0{REV_WIDTH}d}"

    @staticmethod
    def _current(folder: Path) -> int:
        try:
            return int((folder / "current").read_text(encoding="ascii").strip())
        except (FileNotFoundError, NotADirectoryError, ValueError):
            return 0

    def add(self, page: str, item: Prepared, *, author: str) -> Attachment:
        """Store a new version of a file (version 1 when the name is new)."""
        folder = self._folder(page, item.filename)
        folder.mkdir(parents=True, exist_ok=True)
        with file_lock(folder / ".lock"):
            version = self._current(folder) + 1
            stem = self._stem(version)
            for entry in os.scandir(folder):  # leftovers of a crashed upload, never acknowledged
                if entry.name.split(".")[0].isdigit() and int(entry.name.split(".")[0]) >= version:
                    os.unlink(entry.path)
            try:
                for size, data in item.thumbs.items():
                    create_exclusive(folder / f"{stem}.t{size}", data)
                create_exclusive(folder / f"{stem}.data", item.data)
                meta = Attachment(item.filename, version, item.mime, item.category, len(item.data), author,
                                  time.time(), item.width, item.height, tuple(sorted(item.thumbs)))
                create_exclusive(folder / f"{stem}.json", json.dumps(meta.__dict__, ensure_ascii=False).encode())
                atomic_write(folder / "current", f"{stem}\n")
            except OSError:  # a full disk: this version's files go, the previous one stays current
                for path in folder.glob(f"{stem}.*"):
                    path.unlink(missing_ok=True)
                raise
            (folder / REMOVED).unlink(missing_ok=True)  # a removed file sent again comes back
        self._notify("ATTACH", page, author, item.filename)
        return meta

    def remove(self, page: str, filename: str, *, author: str) -> Attachment:
        """Take a file off a page (its versions stay on disk); FileNotFoundError when not there."""
        folder = self._folder(page, filename)
        if not folder.is_dir():
            raise FileNotFoundError(filename)
        with file_lock(folder / ".lock"):
            meta = self._load(folder, self._current(folder))
            if meta is None or (folder / REMOVED).exists():
                raise FileNotFoundError(filename)
            record = {"author": author, "time": time.time(), "version": meta.version}
            atomic_write(folder / REMOVED, json.dumps(record, ensure_ascii=False) + "\n")
        self._notify("DETACH", page, author, meta.filename)
        return meta

    def text(self, page: str, filename: str, *, extract: bool = True) -> str:
        """Text of the current version of a PDF, office or text file ("" for others), for search.

        Read once per version (self.extract) and kept in `NNNNNNNN.txt` next to the bytes;
        extract=False only reads what was kept ("" when the text was never read).
        """
        try:
            meta, data = self.get(page, filename)
        except FileNotFoundError:
            return ""
        if meta.category not in TEXT_CATEGORIES or not is_readable(meta.mime):
            return ""
        cache = data.with_suffix(".txt")
        with contextlib.suppress(FileNotFoundError, OSError, UnicodeDecodeError):
            return cache.read_text(encoding="utf-8")
        if not extract:
            return ""
        text = self.extract(data, meta.mime)
        if text is None:  # could not be read now (no child process): not kept, read again next time
            return ""
        with contextlib.suppress(OSError), file_lock(data.parent / ".lock"):  # a full disk: read again next time
            if data.exists():
                atomic_write(cache, text)
        return text

    def _load(self, folder: Path, version: int) -> Attachment | None:
        try:
            raw = json.loads((folder / f"{self._stem(version)}.json").read_text(encoding="utf-8"))
            raw["thumbs"] = tuple(raw.get("thumbs", ()))
            return Attachment(**raw)
        except (FileNotFoundError, NotADirectoryError, ValueError, TypeError):
            return None

    def get(self, page: str, filename: str, version: int | None = None) -> tuple[Attachment, Path]:
        """One version (the current by default) and the path of its bytes; FileNotFoundError."""
        folder = self._folder(page, filename)
        current = 0 if (folder / REMOVED).exists() else self._current(folder)
        version = current if version is None else version
        if not 1 <= version <= current:
            raise FileNotFoundError(filename)
        meta = self._load(folder, version)
        if meta is None:
            raise FileNotFoundError(filename)
        return meta, folder / f"{self._stem(version)}.data"

    def thumbnail(self, page: str, filename: str, size: int, version: int | None = None) -> Path:
        """Path of an image's thumbnail of the given width; FileNotFoundError when none."""
        meta, _path = self.get(page, filename, version)
        if size not in meta.thumbs:
            raise FileNotFoundError(filename)
        return self._folder(page, filename) / f"{self._stem(meta.version)}.t{size}"

    def versions(self, page: str, filename: str) -> list[Attachment]:
        """Every version of a file, oldest first."""
        folder = self._folder(page, filename)
        if (folder / REMOVED).exists():
            return []
        out = []
        for version in range(1, self._current(folder) + 1):
            meta = self._load(folder, version)
            if meta is not None:
                out.append(meta)
        return out

    def list(self, page: str) -> list[Attachment]:
        """The current version of every file attached to a page, by name."""
        try:  # every page view asks: a plain string path (see DocumentStore.folder)
            entries = list(os.scandir(os.path.join(self.documents.folder(page), "attachments")))
        except (FileNotFoundError, NotADirectoryError, InvalidName):
            return []
        out = []
        for entry in entries:
            if not entry.is_dir():
                continue
            with contextlib.suppress(InvalidName):
                unquote(entry.name)
                folder = Path(entry.path)
                meta = self._load(folder, self._current(folder))
                if meta is not None and not (folder / REMOVED).exists():
                    out.append(meta)
        return sorted(out, key=lambda a: a.filename.casefold())

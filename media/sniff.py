"""What a file really is, from its first bytes (never from its name or the browser's word)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO

from i18n import N_


class UnsupportedType(ValueError):
    """The content is not a kind of file we accept; the message says so in French."""


@dataclass(frozen=True)
class Sniffed:
    """The detected type of a file."""

    mime: str
    ext: str
    category: str  # image, pdf, office, audio, video, text


_OFFICE_ZIP = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
_ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}


# Names of PDF actions that run something (PDF readers execute them); #xx escapes spell them too.
_PDF_ACTIVE = re.compile(rb"/(?:J(?:#53|S)|J(?:#61|a)(?:#76|v)(?:#61|a)(?:#53|S)|Launch|EmbeddedFiles?|"
                         rb"RichMedia|XFA|AA|OpenAction\s*<<[^>]*/S\s*/(?:JavaScript|Launch))\b")


def sniff(data: bytes) -> Sniffed:
    """Detect the type of a file from its content; raise UnsupportedType otherwise."""
    if not data:
        raise UnsupportedType(N_("Le fichier est vide."))
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "jpg", "image")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "png", "image")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image/gif", "gif", "image")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image/webp", "webp", "image")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed("audio/wav", "wav", "audio")
    if head.startswith(b"%PDF-"):
        if _PDF_ACTIVE.search(data):
            raise UnsupportedType(N_("Ce PDF contient du code (JavaScript, lancement d'un programme ou "
                                     "fichier caché) : il n'est pas accepté. Enregistrez-le à nouveau "
                                     "avec « Imprimer en PDF »."))
        return Sniffed("application/pdf", "pdf", "pdf")
    if head.startswith(b"OggS"):
        return Sniffed("audio/ogg", "ogg", "audio")
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return Sniffed("audio/mpeg", "mp3", "audio")
    if head.startswith(b"fLaC"):
        return Sniffed("audio/flac", "flac", "audio")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # Matroska/WebM: audio-only recordings carry no video track (checked by media.av when ffprobe exists).
        is_video = b"V_VP" in data[:4096] or b"V_AV1" in data[:4096] or b"V_MPEG" in data[:4096]
        return Sniffed("video/webm" if is_video else "audio/webm", "webm", "video" if is_video else "audio")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B ", b"dash") or (b"soun" in data[:4096] and b"vide" not in data[:4096]):
            return Sniffed("audio/mp4", "m4a", "audio")
        if brand == b"qt  ":
            return Sniffed("video/quicktime", "mov", "video")
        return Sniffed("video/mp4", "mp4", "video")
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Sniffed("application/msword", "doc", "office")
    if _is_plain_text(data):
        return Sniffed("text/plain", "txt", "text")
    raise UnsupportedType(N_("Ce type de fichier n'est pas accepté."))


def _sniff_zip(data: bytes) -> Sniffed:
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = zf.namelist()
            if "mimetype" in names:
                kind = zf.read("mimetype").strip()
                if kind in _ODF:
                    return Sniffed(kind.decode(), _ODF[kind], "office")
            for prefix, (mime, ext) in _OFFICE_ZIP.items():
                if any(n.startswith(prefix) for n in names):
                    return Sniffed(mime, ext, "office")
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        raise UnsupportedType(N_("Le fichier compressé est abîmé.")) from exc
    raise UnsupportedType(N_("Les archives .zip ne sont pas acceptées."))


def _is_plain_text(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    lowered = text.lstrip().lower()
    # HTML and SVG are active content: never accepted as "text".
    return not lowered.startswith(("<!doctype", "<html", "<svg", "<?xml", "<script")) and "<script" not in lowered

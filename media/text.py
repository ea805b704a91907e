"""The text of attached documents, for search (no Flask, no Whoosh).

``extract_text(path, mime)`` reads, "where cheap":

- PDF with pypdf (the only module importing it): at most MAX_PDF_PAGES pages, encrypted or
  broken files give "";
- OpenDocument (.odt/.ods/.odp: ``content.xml``) and Office Open XML (.docx:
  ``word/document.xml``, .xlsx: ``xl/sharedStrings.xml``, .pptx: ``ppt/slides/slideN.xml``)
  with zipfile and expat, reading only those parts;
- plain text (.txt/.md/.csv), decoded as UTF-8 with bad bytes replaced.

Hostile files: the text kept is capped (MAX_CHARS), a zip with too many members or a part
whose declared size is out of proportion to its compressed size is refused, the bytes read
from the parts are counted as they are decompressed (a lying header changes nothing), XML
with a DOCTYPE (entity tricks) is refused, and work stops at a deadline. Nothing raises:
a file that cannot be read gives "" (or the text read before the trouble).

``extract_text_bounded(path, mime)`` runs the same in a child process limited in time,
memory and file writes: what the wiki uses, as a PDF parser in pure Python may loop or
swell on a crafted file.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

MAX_CHARS = 200_000           # text kept per file
MAX_PDF_PAGES = 300           # pages read per PDF
MAX_ZIP_MEMBERS = 5_000       # more: not an office document we read
MAX_PARTS = 300               # slides read per presentation
MAX_PART_BYTES = 20_000_000   # uncompressed bytes read from one XML part
MAX_TOTAL_BYTES = 50_000_000  # ... and from all the parts of one file
MAX_RATIO = 200               # declared size / compressed size above this (and 1 MB): a bomb
DEADLINE = 10.0               # seconds of work per file (checked between pages and chunks)
TIMEOUT = 20.0                # the child process is killed after this
MEMORY_BYTES = 768 * 2**20    # address space of the child process

PDF = "application/pdf"
_ODF = ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
READABLE = (PDF, *_ODF, DOCX, XLSX, PPTX)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]+")
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")
_SLIDE = re.compile(r"ppt/slides/slide(\d{1,5})\.xml")
# Local names of XML elements: a line break after these, a gap at these (ODF and OOXML alike).
_BREAKS = frozenset({"p", "h", "br", "line-break", "si", "tr", "table-row"})
_GAPS = {"tab": "\t", "s": " ", "table-cell": "\t", "tc": "\t"}


class _Refused(Exception):
    """The file is built to hurt (bomb, DOCTYPE): nothing is kept of it."""


class _Full(Exception):
    """Enough text was read, or time is up: keep what we have."""


def is_readable(mime: str) -> bool:
    """Whether extract_text reads anything from files of this type."""
    return mime in READABLE or mime.startswith("text/")


def extract_text(path: Path | str, mime: str, *, max_chars: int = MAX_CHARS,
                 deadline: float = DEADLINE) -> str:
    """Plain text of a document ("" when its type is not read or it cannot be read)."""
    stop = time.monotonic() + deadline
    try:
        if mime == PDF:
            text = _pdf_text(Path(path), max_chars, stop)
        elif mime in _ODF:
            text = _zip_text(Path(path), ["content.xml"], max_chars, stop, keep=None)
        elif mime == DOCX:
            text = _zip_text(Path(path), ["word/document.xml"], max_chars, stop, keep={"t"})
        elif mime == XLSX:
            text = _zip_text(Path(path), ["xl/sharedStrings.xml"], max_chars, stop, keep={"t"})
        elif mime == PPTX:
            text = _zip_text(Path(path), None, max_chars, stop, keep={"t"})
        elif mime.startswith("text/"):
            with open(path, "rb") as f:
                text = f.read(max_chars * 4).decode("utf-8", errors="replace")
        else:
            return ""
    except Exception:  # hostile or broken: no text, never an error for the caller
        return ""
    return _tidy(text, max_chars)


def _tidy(text: str, max_chars: int) -> str:
    text = text.encode("utf-8", errors="replace").decode("utf-8")  # lone surrogates from PDFs
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return text[:max_chars]


# ---------------------------------------------------------------- PDF


def _pdf_text(path: Path, max_chars: int, stop: float) -> str:
    import logging
    import warnings

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # broken files are expected here
    parts: list[str] = []
    size = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            return ""
        for number, page in enumerate(reader.pages):
            if number >= MAX_PDF_PAGES or size >= max_chars or time.monotonic() > stop:
                break
            try:
                text = page.extract_text() or ""
            except Exception:  # one damaged page: the others may be fine
                continue
            parts.append(text)
            size += len(text)
    return "\n\n".join(parts)


# ---------------------------------------------------------------- zipped XML (ODF, OOXML)


def _zip_text(path: Path, names: list[str] | None, max_chars: int, stop: float,
              keep: set[str] | None) -> str:
    """Text of some XML parts of a zip; names None: the slides of a presentation, in order."""
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise _Refused("too many members")
        by_name = {i.filename: i for i in infos}
        if names is None:
            slides = sorted((int(m.group(1)), n) for n in by_name if (m := _SLIDE.fullmatch(n)))
            names = [n for _number, n in slides[:MAX_PARTS]]
        collector = _Collector(keep, max_chars)
        budget = MAX_TOTAL_BYTES
        for name in names:
            info = by_name.get(name)
            if info is None:
                continue
            if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _Refused("compression ratio")
            try:
                budget -= _parse_part(zf, info, collector, min(budget, MAX_PART_BYTES), stop)
            except _Full:
                break
            collector.paragraph()
            if budget <= 0:
                break
    return "".join(collector.parts)


def _parse_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, collector: _Collector, budget: int,
                stop: float) -> int:
    """Feed one part to a fresh expat parser, reading at most budget bytes; bytes read."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse   # no DTD: no entity definitions at all
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    parser.CharacterDataHandler = collector.data
    parser.buffer_text = True
    read = 0
    try:
        with zf.open(info) as stream:
            while read < budget:
                chunk = stream.read(min(65536, budget - read))
                if not chunk:
                    parser.Parse(b"", True)
                    break
                read += len(chunk)
                parser.Parse(chunk, False)
                if time.monotonic() > stop:
                    raise _Full
    except expat.ExpatError:  # damaged XML: keep the text read before the damage
        pass
    except zipfile.BadZipFile:  # CRC or size mismatch found at the end of the stream
        pass
    return read


def _refuse(*_args):
    raise _Refused("DOCTYPE or entity")


class _Collector:
    """Character data of an XML part, with line breaks at paragraph ends."""

    def __init__(self, keep: set[str] | None, max_chars: int):
        self.keep = keep      # local names whose text is kept (None: every text)
        self.inside = 0
        self.parts: list[str] = []
        self.size = 0
        self.max_chars = max_chars

    def _add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= self.max_chars:
            raise _Full

    def paragraph(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def start(self, name: str, _attrs) -> None:
        local = name.rpartition(" ")[2]
        if self.keep is not None and local in self.keep:
            self.inside += 1
        elif local in _GAPS:
            self._add(_GAPS[local])

    def end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        if self.keep is not None and local in self.keep:
            self.inside -= 1
        elif local in _BREAKS:
            self._add("\n")

    def data(self, text: str) -> None:
        if self.keep is None or self.inside > 0:
            self._add(text)


# ---------------------------------------------------------------- in a child process


def extract_text_bounded(path: Path | str, mime: str, *, timeout: float = TIMEOUT,
                         memory: int = MEMORY_BYTES) -> str | None:
    """extract_text in a child process killed after timeout seconds, its memory capped.

    "" when the file gives no text (or kills its child: a hostile file costs this once);
    None when no child could be started (no memory, too many processes): try again later.
    Plain text is read here (cheap and harmless); types not read give "" without a process.
    """
    if mime.startswith("text/"):
        return extract_text(path, mime)
    if mime not in READABLE:
        return ""
    command = [sys.executable, "-I", str(Path(__file__).resolve()), str(path), mime,
               str(timeout), str(memory)]
    try:
        done = subprocess.run(command, capture_output=True, stdin=subprocess.DEVNULL,
                              timeout=timeout + 5, check=False)
    except subprocess.SubprocessError:  # the time limit
        return ""
    except OSError:
        return None
    if done.returncode != 0:
        return ""
    return done.stdout.decode("utf-8", errors="replace")[:MAX_CHARS]


def _child(argv: list[str]) -> int:
    """Entry point of the child process: limits first, then the work; text on stdout."""
    import resource

    path, mime, timeout, memory = argv[0], argv[1], float(argv[2]), int(argv[3])
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    with contextlib.suppress(ValueError, OSError):
        seconds = int(timeout) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # it writes no file
    text = extract_text(path, mime, deadline=max(timeout - 2, 1.0))
    sys.stdout.buffer.write(text.encode("utf-8", errors="replace"))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))

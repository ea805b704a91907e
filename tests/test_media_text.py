"""Text of attached documents (media.text), and how the attachment store keeps it (tmp_path only)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from media import text as mt
from media.text import DOCX, PDF, PPTX, XLSX, extract_text, extract_text_bounded
from wiki.attachments import AttachmentStore, prepare
from wiki.names import quote
from wiki.store import DocumentStore

ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
DATE = (2026, 1, 1, 0, 0, 0)  # fixed dates: the same bytes in every test process


# ------------------------------------------------------------------ documents made by hand


def make_pdf(pages: list[str]) -> bytes:
    """A valid PDF, one line of Helvetica text per page (WinAnsi: French accents work)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>"
               % (" ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages))).encode(), len(pages)),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    for i, line in enumerate(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i))
        content = b"BT /F1 12 Tf 72 720 Td (" + line.encode("cp1252") + b") Tj ET"
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_zip(parts: dict[str, str | bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in parts.items():
            zf.writestr(zipfile.ZipInfo(name, DATE), data, compress_type=compression)
    return out.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
TEXT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')


def make_docx(paragraphs: list[str], *, prolog: str = "") -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return make_zip({"[Content_Types].xml": "<Types/>",
                     "word/document.xml": f'{prolog}<w:document {W}><w:body>{body}</w:body></w:document>'})


def make_odf(mime: str, body: str) -> bytes:
    return make_zip({"mimetype": mime,
                     "content.xml": f"<office:document-content {TEXT_NS}><office:body>{body}"
                                    "</office:body></office:document-content>"},
                    compression=zipfile.ZIP_STORED)


def make_odt(paragraphs: list[str]) -> bytes:
    return make_odf(ODT, "<office:text>" + "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
                    + "</office:text>")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------ each format


def test_pdf_text_of_every_page_with_accents(tmp_path):
    path = write(tmp_path, "cr.pdf", make_pdf(["Hébergement d'urgence", "Quinoa solidaire"]))
    text = extract_text(path, PDF)
    assert "Hébergement d'urgence" in text
    assert "Quinoa solidaire" in text


def test_pdf_pages_read_are_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(mt, "MAX_PDF_PAGES", 2)
    path = write(tmp_path, "long.pdf", make_pdf(["premiere", "deuxieme", "troisieme"]))
    text = extract_text(path, PDF)
    assert "deuxieme" in text
    assert "troisieme" not in text


def test_odt_ods_odp(tmp_path):
    odt = write(tmp_path, "a.odt", make_odt(["Compte rendu", "Réunion du <text:span>réseau</text:span>"]))
    assert extract_text(odt, ODT) == "Compte rendu\nRéunion du réseau"
    ods = write(tmp_path, "a.ods", make_odf(ODS, "<office:spreadsheet><table:table><table:table-row>"
                                                 "<table:table-cell><text:p>Douches</text:p></table:table-cell>"
                                                 "<table:table-cell><text:p>Lundi</text:p></table:table-cell>"
                                                 "</table:table-row></table:table></office:spreadsheet>"))
    assert "Douches" in extract_text(ods, ODS)
    assert "Lundi" in extract_text(ods, ODS)
    odp = write(tmp_path, "a.odp", make_odf(ODP, "<office:presentation><text:p>Diapo accueil</text:p>"
                                                 "</office:presentation>"))
    assert extract_text(odp, ODP) == "Diapo accueil"


def test_docx_xlsx_pptx(tmp_path):
    docx = write(tmp_path, "a.docx", make_docx(["Premier paragraphe", "Second &amp; dernier"]))
    assert extract_text(docx, DOCX) == "Premier paragraphe\nSecond & dernier"
    xlsx = write(tmp_path, "a.xlsx", make_zip({
        "xl/sharedStrings.xml": '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                "<si><t>Coiffeur solidaire</t></si><si><t>Mardi</t></si></sst>",
        "xl/worksheets/sheet1.xml": "<worksheet/>"}))
    assert extract_text(xlsx, XLSX) == "Coiffeur solidaire\nMardi"
    slide = '<p:sld xmlns:p="p" {a}><a:p><a:r><a:t>{t}</a:t></a:r></a:p></p:sld>'
    pptx = write(tmp_path, "a.pptx", make_zip({
        "ppt/slides/slide10.xml": slide.format(a=A, t="dixième"),
        "ppt/slides/slide2.xml": slide.format(a=A, t="deuxième"),
        "ppt/slides/_rels/slide2.xml.rels": "<Relationships/>"}))
    assert extract_text(pptx, PPTX) == "deuxième\ndixième"  # in slide order, not name order


def test_plain_text_and_bad_bytes(tmp_path):
    path = write(tmp_path, "a.txt", "Café\r\nligne deux\n".encode() + b"\xff\xfe fin\x00\x07 ici")
    text = extract_text(path, "text/plain")
    assert text.startswith("Café\nligne deux\n")
    assert "\ufffd" in text  # bytes that are not UTF-8 are replaced, not fatal
    assert "\x00" not in text
    assert "\x07" not in text
    assert text.endswith("ici")


def test_huge_text_is_capped(tmp_path):
    path = write(tmp_path, "gros.txt", ("mot " * 200_000).encode())
    assert len(extract_text(path, "text/plain")) <= mt.MAX_CHARS
    docx = write(tmp_path, "gros.docx", make_docx([" ".join(f"mot{i}-{j}" for j in range(100))
                                                   for i in range(400)]))
    assert mt.MAX_CHARS - 5000 <= len(extract_text(docx, DOCX)) <= mt.MAX_CHARS


@pytest.mark.parametrize("mime", ["image/png", "application/msword", "audio/ogg", ""])
def test_types_not_read_give_nothing(tmp_path, mime):
    assert extract_text(write(tmp_path, "a.bin", b"Bonjour"), mime) == ""


# ------------------------------------------------------------------ broken and hostile files


@pytest.mark.parametrize("data", [
    b"", b"%PDF-1.4\n", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    b"%PDF-1.7\n" + bytes(range(256)) * 40, b"not a pdf at all",
])
def test_broken_pdfs_give_empty_text(tmp_path, data):
    assert extract_text(write(tmp_path, "x.pdf", data), PDF) == ""


def test_truncated_pdf_never_raises(tmp_path):
    data = make_pdf(["alpha", "beta", "gamma"])
    for cut in (len(data) // 4, len(data) // 2, len(data) - 30):
        text = extract_text(write(tmp_path, f"cut{cut}.pdf", data[:cut]), PDF)
        assert isinstance(text, str)
        assert "gamma" not in text or cut > len(data) // 2


def test_encrypted_pdf_gives_empty_text(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["secret budget"]))))
    writer.encrypt(user_password="mot-de-passe", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    path = write(tmp_path, "secret.pdf", out.getvalue())
    assert b"secret budget" not in path.read_bytes()
    assert extract_text(path, PDF) == ""


@pytest.mark.parametrize("mime", [DOCX, XLSX, PPTX, ODT])
@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 truncated", make_docx(["x"])[:40], b"%PDF-1.4"])
def test_broken_zips_give_empty_text(tmp_path, mime, data):
    assert extract_text(write(tmp_path, "x.bin", data), mime) == ""


def test_entity_expansion_and_external_entities_are_refused(tmp_path):
    laughs = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "rire rire rire rire">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    path = write(tmp_path, "rires.docx", make_docx(["&c;"], prolog=laughs))
    assert extract_text(path, DOCX) == ""
    external = '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    path = write(tmp_path, "passwd.docx", make_docx(["&x;"], prolog=external))
    assert extract_text(path, DOCX) == ""


def test_zip_bomb_is_refused(tmp_path):
    # 40 MB of text squeezed into a few dozen kilobytes: a ratio no real document has
    huge = "<w:p><w:r><w:t>" + "bombe " * 7_000_000 + "</w:t></w:r></w:p>"
    data = make_docx([huge])
    assert len(data) < 200_000
    assert extract_text(write(tmp_path, "bombe.docx", data), DOCX) == ""


def test_too_many_members_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(mt, "MAX_ZIP_MEMBERS", 50)
    parts = {f"word/media/{i}.xml": "x" for i in range(60)}
    data = make_zip({**parts, "word/document.xml": f"<w:document {W}><w:body><w:p><w:r><w:t>visible</w:t>"
                                                   "</w:r></w:p></w:body></w:document>"})
    assert extract_text(write(tmp_path, "many.docx", data), DOCX) == ""


def test_bytes_read_from_a_part_are_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(mt, "MAX_PART_BYTES", 10_000)
    data = make_docx([f"mot{i}" for i in range(3000)])
    text = extract_text(write(tmp_path, "long.docx", data), DOCX)
    assert "mot1 " not in text  # paragraphs end with a line break
    assert "mot1\n" in text
    assert "mot2999" not in text


def test_damaged_xml_keeps_the_text_before_the_damage(tmp_path):
    data = make_zip({"word/document.xml": f"<w:document {W}><w:body><w:p><w:r><w:t>avant</w:t></w:r></w:p>"
                                          "<w:p><w:t>après</w:p>"})
    assert extract_text(write(tmp_path, "abime.docx", data), DOCX) == "avant"


# ------------------------------------------------------------------ the child process


def test_bounded_extraction_gives_the_same_text(tmp_path):
    path = write(tmp_path, "cr.pdf", make_pdf(["Hébergement d'urgence"]))
    assert extract_text_bounded(path, PDF) == extract_text(path, PDF)
    odt = write(tmp_path, "a.odt", make_odt(["Réunion"]))
    assert extract_text_bounded(odt, ODT) == "Réunion"
    assert extract_text_bounded(write(tmp_path, "a.txt", "Café".encode()), "text/plain") == "Café"


def test_bounded_extraction_failures_give_empty_text(tmp_path):
    path = write(tmp_path, "cr.pdf", make_pdf(["Hébergement d'urgence"]))
    assert extract_text_bounded(path, PDF, memory=8 * 2**20) == ""  # the child cannot even start
    assert extract_text_bounded(tmp_path / "absent.pdf", PDF) == ""
    assert extract_text_bounded(path, "image/png") == ""


def test_no_child_process_means_try_later(tmp_path, monkeypatch):
    path = write(tmp_path, "cr.pdf", make_pdf(["Hébergement"]))
    monkeypatch.setattr(mt.sys, "executable", str(tmp_path / "no-python-here"))
    assert extract_text_bounded(path, PDF) is None


# ------------------------------------------------------------------ the attachment store keeps it


class Counting:
    """An extractor that counts its calls."""

    def __init__(self):
        self.calls = []

    def __call__(self, path, mime):
        self.calls.append((Path(path).name, mime))
        return extract_text(path, mime)


def test_text_is_read_once_per_version_and_kept_next_to_the_bytes(tmp_path):
    docs = DocumentStore(tmp_path / "pages")
    docs.save("Page", "texte", author="anne")
    extract = Counting()
    files = AttachmentStore(docs, extract=extract)
    files.add("Page", prepare("cr.txt", "première version\n".encode()), author="anne")
    assert files.text("Page", "cr.txt", extract=False) == ""  # never read yet
    assert files.text("Page", "cr.txt") == "première version"
    assert files.text("Page", "cr.txt") == "première version"
    assert extract.calls == [("00000001.data", "text/plain")]
    folder = docs.path("Page") / "attachments" / quote("cr.txt")
    assert (folder / "00000001.txt").read_text(encoding="utf-8") == "première version"
    files.add("Page", prepare("cr.txt", b"seconde version\n"), author="anne")
    assert files.text("Page", "cr.txt") == "seconde version"
    assert len(extract.calls) == 2
    assert (folder / "00000001.txt").exists()  # each version keeps its own


def test_text_not_read_now_is_not_kept(tmp_path):
    docs = DocumentStore(tmp_path / "pages")
    docs.save("Page", "texte", author="anne")
    answers = [None, "lu"]
    files = AttachmentStore(docs, extract=lambda _path, _mime: answers.pop(0))
    files.add("Page", prepare("cr.txt", b"lu\n"), author="anne")
    assert files.text("Page", "cr.txt") == ""
    assert files.text("Page", "cr.txt", extract=False) == ""
    assert files.text("Page", "cr.txt") == "lu"
    assert answers == []


def test_images_and_unknown_files_are_not_read(tmp_path):
    from tests.test_wiki_attachments import make_png

    docs = DocumentStore(tmp_path / "pages")
    docs.save("Page", "texte", author="anne")
    extract = Counting()
    files = AttachmentStore(docs, extract=extract)
    files.add("Page", prepare("photo.png", make_png()), author="anne")
    assert files.text("Page", "photo.png") == ""
    assert files.text("Page", "absent.pdf") == ""
    assert files.text("Page", "../../x.txt") == ""
    assert extract.calls == []


def test_removed_file_is_not_listed_served_or_read_and_comes_back(tmp_path):
    docs = DocumentStore(tmp_path / "pages")
    docs.save("Page", "texte", author="anne")
    files = AttachmentStore(docs, extract=extract_text)
    told = []
    files.listeners.append(lambda change: told.append((change.action, change.name)))
    files.add("Page", prepare("cr.txt", b"quinoa\n"), author="anne")
    assert files.text("Page", "cr.txt") == "quinoa"
    files.remove("Page", "cr.txt", author="bob")
    assert files.list("Page") == []
    assert files.versions("Page", "cr.txt") == []
    assert files.text("Page", "cr.txt") == ""
    with pytest.raises(FileNotFoundError):
        files.get("Page", "cr.txt")
    with pytest.raises(FileNotFoundError):
        files.get("Page", "cr.txt", 1)
    with pytest.raises(FileNotFoundError):
        files.remove("Page", "cr.txt", author="bob")  # already removed
    with pytest.raises(FileNotFoundError):
        files.remove("Page", "absent.txt", author="bob")
    folder = docs.path("Page") / "attachments" / quote("cr.txt")
    assert (folder / "00000001.data").exists()  # nothing is lost
    files.add("Page", prepare("cr.txt", b"boulgour\n"), author="anne")
    assert [a.version for a in files.list("Page")] == [2]
    assert files.text("Page", "cr.txt") == "boulgour"
    assert told == [("ATTACH", "Page"), ("DETACH", "Page"), ("ATTACH", "Page")]


def test_a_failing_listener_does_not_fail_the_upload(tmp_path):
    docs = DocumentStore(tmp_path / "pages")
    docs.save("Page", "texte", author="anne")
    files = AttachmentStore(docs)

    def broken(_change):
        raise RuntimeError("index down")

    files.listeners.append(broken)
    assert files.add("Page", prepare("cr.txt", b"x\n"), author="anne").version == 1
    assert files.remove("Page", "cr.txt", author="anne").version == 1


def test_check_finds_nothing_wrong_with_kept_texts_and_removed_files(tmp_path):
    from admin.check import check

    data = tmp_path / "data"
    docs = DocumentStore(data / "pages")
    docs.save("Page", "texte", author="anne")
    files = AttachmentStore(docs, extract=extract_text)
    files.add("Page", prepare("cr.txt", b"quinoa\n"), author="anne")
    files.add("Page", prepare("autre.txt", b"boulgour\n"), author="anne")
    assert files.text("Page", "cr.txt") == "quinoa"
    files.remove("Page", "autre.txt", author="anne")
    assert check(data).problems == []

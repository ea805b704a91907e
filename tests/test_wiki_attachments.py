"""Attachments: the versioned store (tmp_path only) and the upload / serving routes."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from app import create_app
from tests.conftest import AuthActions, csrf_token
from wiki.attachments import AttachmentError, AttachmentStore, clean_filename, prepare
from wiki.store import DocumentStore

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def make_png(width: int = 40, height: int = 30, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid RGB PNG, written by hand (no imaging library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def make_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:  # fixed dates: the same bytes in every test process
        zf.writestr(zipfile.ZipInfo("[Content_Types].xml", (2026, 1, 1, 0, 0, 0)), "<Types/>")
        zf.writestr(zipfile.ZipInfo("word/document.xml", (2026, 1, 1, 0, 0, 0)), "<document/>")
    return out.getvalue()


# ------------------------------------------------------------------ unit: names, types, versions


@pytest.mark.parametrize(("raw", "kept"), [
    ("photo.jpg", "photo.jpg"), ("C:\\Users\\anne\\CR réunion.pdf", "CR réunion.pdf"),
    ("../../etc/passwd.txt", "passwd.txt"), ("  deux   espaces.txt ", "deux espaces.txt"),
])
def test_clean_filename_keeps_the_last_part(raw, kept):
    assert clean_filename(raw) == kept


@pytest.mark.parametrize("raw", ["", "..", ".htaccess", "sans-extension", "a\x00b.txt", "a\nb.txt",
                                 "x" * 121 + ".txt", "../", "a\u202eb.txt"])
def test_clean_filename_refuses_bad_names(raw):
    with pytest.raises(AttachmentError):
        clean_filename(raw)


@pytest.mark.parametrize(("name", "data", "category"), [
    ("photo.png", make_png(), "image"), ("cr.pdf", PDF, "pdf"), ("doc.docx", make_docx(), "office"),
    ("notes.txt", "Réunion du 3 mars\n".encode(), "text"), ("notes.csv", b"a;b\n1;2\n", "text"),
    ("son.ogg", b"OggS\x00\x02" + b"\x00" * 100, "audio"),
], ids=["png", "pdf", "docx", "txt", "csv", "ogg"])
def test_prepare_accepts_what_the_content_says(name, data, category):
    assert prepare(name, data).category == category


@pytest.mark.parametrize(("name", "data"), [
    ("photo.jpg", PDF),                              # the name lies
    ("cr.pdf", make_png()),
    ("rapport.docx", PDF),
    ("notes.txt", b"\x00\x01\x02binary"),             # not text, nothing known
    ("page.txt", b"<html><script>alert(1)</script>"),  # active content
    ("dessin.svg", b"<svg onload=alert(1)></svg>"),
    ("archive.zip", make_docx()[:30]),                # damaged zip
    ("photo.png", make_png()[:40]),                   # truncated image
    ("film.mp4", b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64),  # video is not accepted here
    ("vide.txt", b""),
], ids=["jpg-is-pdf", "pdf-is-png", "docx-is-pdf", "binary", "html", "svg", "bad-zip", "truncated-png",
        "video", "empty"])
def test_prepare_refuses_lies_and_unknown_content(name, data):
    with pytest.raises(AttachmentError) as err:
        prepare(name, data)
    assert str(err.value)  # a French message for the person


def test_images_are_reencoded_with_thumbnails():
    item = prepare("photo.png", make_png(1200, 900))
    assert (item.width, item.height) == (1200, 900)
    assert set(item.thumbs) == {320, 960}
    assert item.data.startswith((b"\xff\xd8", b"\x89PNG"))


def test_same_name_adds_a_version_and_never_overwrites(tmp_path):
    docs = DocumentStore(tmp_path)
    docs.save("Page", "texte", author="anne")
    store = AttachmentStore(docs)
    first = store.add("Page", prepare("cr.txt", b"version un\n"), author="anne")
    second = store.add("Page", prepare("cr.txt", b"version deux\n"), author="bob")
    assert (first.version, second.version) == (1, 2)
    assert store.get("Page", "cr.txt")[1].read_bytes() == b"version deux\n"
    assert store.get("Page", "cr.txt", 1)[1].read_bytes() == b"version un\n"
    assert [v.author for v in store.versions("Page", "cr.txt")] == ["anne", "bob"]
    assert [a.filename for a in store.list("Page")] == ["cr.txt"]
    with pytest.raises(FileNotFoundError):
        store.get("Page", "cr.txt", 3)
    with pytest.raises(FileNotFoundError):
        store.get("Page", "../cr.txt")


def test_crash_leftovers_are_replaced_not_served(tmp_path):
    docs = DocumentStore(tmp_path)
    docs.save("Page", "texte", author="anne")
    store = AttachmentStore(docs)
    store.add("Page", prepare("cr.txt", b"un\n"), author="anne")
    folder = next((docs.path("Page") / "attachments").iterdir())
    (folder / "00000002.data").write_bytes(b"partial")  # a crash before `current` moved
    assert store.get("Page", "cr.txt")[1].read_bytes() == b"un\n"
    store.add("Page", prepare("cr.txt", b"deux\n"), author="anne")
    assert store.get("Page", "cr.txt")[1].read_bytes() == b"deux\n"


def test_attachments_follow_a_rename(tmp_path):
    docs = DocumentStore(tmp_path)
    docs.save("Avant", "texte", author="anne")
    store = AttachmentStore(docs)
    store.add("Avant", prepare("cr.pdf", PDF), author="anne")
    docs.rename("Avant", "Après", author="anne")
    assert [a.filename for a in store.list("Après")] == ["cr.pdf"]
    assert store.list("Avant") == []


# ------------------------------------------------------------------ client: upload and serving


def upload(client, page, files, token_url="/wiki/"):
    data = {"csrf_token": csrf_token(client, token_url), "file": [(io.BytesIO(d), n) for n, d in files]}
    return client.post(f"/wiki/{page}?action=upload", data=data, content_type="multipart/form-data")


@pytest.fixture
def wiki(app):
    store = app.extensions["reperes"]["pages"]
    store.save("Privée", "![photo](attachment:photo.png) [le CR](attachment:cr.pdf)", author="anne")
    store.save("Publique", "![photo](attachment:photo.png)", author="anne", meta={"public": True})
    return app


def test_member_uploads_and_everything_is_served_safely(client, auth, wiki):
    auth.login()
    response = upload(client, "Privée", [("photo.png", make_png()), ("cr.pdf", PDF), ("doc.docx", make_docx())])
    assert response.status_code == 303
    listing = client.get("/wiki/Privée?action=attachments").get_data(as_text=True)
    assert all(n in listing for n in ("photo.png", "cr.pdf", "doc.docx"))
    image = client.get("/fichiers/Privée/photo.png")
    assert image.status_code == 200
    assert image.mimetype in ("image/png", "image/jpeg")
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert not image.headers.get("Content-Disposition", "inline").startswith("attachment")
    thumb = client.get("/fichiers/Privée/photo.png?t=320")
    assert thumb.status_code == 200
    for name in ("cr.pdf", "doc.docx"):
        served = client.get(f"/fichiers/Privée/{name}")
        assert served.status_code == 200
        assert served.headers["Content-Disposition"].startswith("attachment")
        assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/fichiers/Privée/cr.pdf").data == PDF
    page = client.get("/wiki/Privée").get_data(as_text=True)
    assert '<img alt="photo" loading="lazy" src="/fichiers/Priv%C3%A9e/photo.png?t=960"' in page or \
        'src="/fichiers/Priv%C3%A9e/photo.png?t=960"' in page
    assert 'href="/fichiers/Priv%C3%A9e/cr.pdf"' in page


def test_same_name_upload_adds_a_version(client, auth, wiki):
    auth.login()
    upload(client, "Privée", [("cr.txt", b"premier\n")])
    response = upload(client, "Privée", [("cr.txt", b"second\n")])
    assert response.status_code == 303
    assert client.get("/fichiers/Privée/cr.txt").data == b"second\n"
    assert client.get("/fichiers/Privée/cr.txt?v=1").data == b"premier\n"
    assert client.get("/fichiers/Privée/cr.txt?v=9").status_code == 404
    assert "2 versions" in client.get("/wiki/Privée?action=attachments").get_data(as_text=True)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("photo.jpg", PDF, "ne correspond pas"),
    ("cr.pdf", b"\x00\x01\x02\x03 binaire", "pas accepté"),
    ("script.txt", b"<script>alert(1)</script>", "pas accepté"),
    ("sans-extension", b"texte\n", "extension"),
])
def test_refused_upload_says_why_and_stores_nothing(client, auth, wiki, name, data, message):
    auth.login()
    response = upload(client, "Privée", [(name, data)])
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error"' in html
    assert wiki.extensions["reperes"]["page_attachments"].list("Privée") == []


def test_one_bad_file_refuses_the_whole_batch(client, auth, wiki):
    auth.login()
    response = upload(client, "Privée", [("bon.txt", b"ok\n"), ("photo.jpg", PDF)])
    assert response.status_code == 400
    assert wiki.extensions["reperes"]["page_attachments"].list("Privée") == []


def test_empty_upload_and_missing_page(client, auth, wiki):
    auth.login()
    token = csrf_token(client, "/wiki/")
    response = client.post("/wiki/Privée?action=upload", data={"csrf_token": token},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert upload(client, "Absente", [("a.txt", b"x\n")]).status_code == 404


def test_upload_over_the_limit_is_a_french_413(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "t", "TESTING": True,
                      "MAX_UPLOAD_MB": 1})
    app.extensions["reperes"]["users"].add("anne", ["member"], "anne-password")
    app.extensions["reperes"]["pages"].save("Page", "x", author="anne")
    client = app.test_client()
    AuthActions(client).login()
    response = upload(client, "Page", [("gros.txt", b"a" * (1024 * 1024 + 10))])
    assert response.status_code == 413
    assert "Fichier trop gros" in response.get_data(as_text=True)
    assert app.extensions["reperes"]["page_attachments"].list("Page") == []


def test_anonymous_never_gets_private_attachments(client, auth, wiki):
    auth.login()
    upload(client, "Privée", [("photo.png", make_png()), ("cr.pdf", PDF)])
    upload(client, "Publique", [("photo.png", make_png())])
    auth.logout()
    for url in ("/fichiers/Privée/photo.png", "/fichiers/Privée/photo.png?t=320", "/fichiers/Privée/cr.pdf",
                "/fichiers/Privée/cr.pdf?v=1", "/wiki/Privée?action=attachments"):
        assert client.get(url).status_code == 404, url
    assert client.get("/fichiers/Publique/photo.png").status_code == 200
    assert client.get("/fichiers/Publique/photo.png?t=320").status_code == 200
    # Upload as anonymous: nothing written.
    token = csrf_token(client, "/login")
    response = client.post("/wiki/Publique?action=upload", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(b"x\n"), "intrus.txt")})
    assert response.status_code == 302
    assert [a.filename for a in wiki.extensions["reperes"]["page_attachments"].list("Publique")] == ["photo.png"]


def test_deleted_page_attachments_are_not_served(client, auth, wiki):
    auth.login()
    upload(client, "Privée", [("cr.pdf", PDF)])
    wiki.extensions["reperes"]["pages"].delete("Privée", author="anne")
    assert client.get("/fichiers/Privée/cr.pdf").status_code == 404


def test_attachment_names_with_markup_are_inert(client, auth, wiki):
    auth.login()
    name = "<img src=x onerror=alert(1)>.txt"
    assert upload(client, "Privée", [(name, b"texte\n")]).status_code == 303
    html = client.get("/wiki/Privée?action=attachments").get_data(as_text=True)
    assert "<img src=x onerror" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in html
    served = client.get("/fichiers/Privée/" + name.replace("/", "%2F"))
    assert served.status_code == 200
    assert "\n" not in served.headers["Content-Disposition"]
    assert served.headers["Content-Disposition"].startswith("attachment")


def test_audio_gets_a_player_and_is_served_as_download(client, auth, wiki):
    auth.login()
    ogg = b"OggS\x00\x02" + b"\x00" * 100
    assert upload(client, "Privée", [("voix.ogg", ogg)]).status_code == 303
    assert "<audio controls" in client.get("/wiki/Privée").get_data(as_text=True)
    served = client.get("/fichiers/Privée/voix.ogg")
    assert served.mimetype == "audio/ogg"
    assert served.headers["Content-Disposition"].startswith("attachment")


def test_sizes_are_in_words(client, auth, wiki):
    auth.login()
    upload(client, "Privée", [("petit.txt", b"x\n"), ("gros.txt", b"texte\n" * 400_000)])
    html = client.get("/wiki/Privée?action=attachments").get_data(as_text=True)
    assert "(1 Ko," in html
    assert "(2,3 Mo," in html

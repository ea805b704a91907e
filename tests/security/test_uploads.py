"""Suite 3 — hostile uploads through every upload form (wiki attachments, workshop photos,
directory photos, event pictures, the site's logo): bombs, truncated images, polyglots, renamed
HTML, double extensions, SVG and PDF with script, empty and oversize files, 600 KB text fields.
Each gets a clear French 4xx, nothing is stored, no temp file stays, memory stays bounded."""

from __future__ import annotations

import io
import re
import resource
import struct
import tempfile
import tracemalloc
import zlib
from pathlib import Path

import pytest
from PIL import Image

from tests.security.world import Device, build_world, png

LIMIT_MB = 1  # MAX_UPLOAD_MB of this suite's world: "over the limit" stays cheap


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb() -> bytes:
    """50,000 × 50,000 pixels announced in a few hundred bytes."""
    ihdr = struct.pack(">IIBBBBB", 50000, 50000, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"\0" * 65536, 9)) \
        + _chunk(b"IEND", b"")


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 150), "orange").save(out, "JPEG")
    return out.getvalue()


BAD_FILES = {
    "bomb": (png_bomb(), "photo.png"),
    "truncated-jpeg": (jpeg()[:300], "photo.jpg"),
    "truncated-png": (png()[:60], "photo.png"),
    "polyglot-gif": (b"GIF89a<script>alert(1)</script>" + b"\0" * 64, "photo.jpg"),
    "polyglot-gif-as-gif": (b"GIF89a/*<script>alert(1)</script>*/=1;", "photo.gif"),
    "html-as-png": (b"<html><body><script>alert(1)</script></body></html>", "photo.png"),
    "php-as-jpg": (b"<?php system($_GET['c']); ?>", "photo.php.jpg"),
    "svg-script": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>',
                   "dessin.svg"),
    "svg-as-png": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                   "dessin.png"),
    "pdf-javascript": (b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
                       b"trailer<</Root 1 0 R>>\n%%EOF", "document.pdf"),
    "empty": (b"", "vide.jpg"),
    "over-the-limit": (b"\xff\xd8\xff" + b"\0" * (LIMIT_MB * 1024 * 1024 + 1024), "grosse.jpg"),
}
FRENCH = re.compile(r"fichier|image|photo|format|taille|lourd|accept|vide|contenu|PDF|pixels|lisible",
                    re.I)


@pytest.fixture
def world(tmp_path):
    return build_world(tmp_path / "data", MAX_UPLOAD_MB=LIMIT_MB)


def _stored(data: Path) -> set[str]:
    """Files that hold uploads (media, attachments, the theme), plus every temp file."""
    found = set()
    for path in data.rglob("*"):
        rel = path.relative_to(data).as_posix()
        if path.is_file() and ("/attachments/" in f"/{rel}" or rel.startswith(("media/", "config/"))
                               or path.name.startswith(".tmp-")):
            found.add(rel)
    return found


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The app's temp files (ffmpeg work folders...) go to a folder of this test only."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _upload_paths(world):
    """(label, device, url, form builder) for each upload form of the app."""
    from tests.test_directory_views import sheet_form

    ids = world.ids
    member, participant, admin = Device(world, "member"), Device(world, "participant"), Device(world, "admin")

    def wiki(data, name):
        return member.client.post("/wiki/Accueil?action=upload", content_type="multipart/form-data",
                                  data={"csrf_token": member.token(), "file": (io.BytesIO(data), name)})

    def workshop(data, name):
        return participant.client.post("/atelier/moi/nouveau/photo", content_type="multipart/form-data",
                                       data={"csrf_token": participant.token("/atelier/moi"),
                                             "fichier": (io.BytesIO(data), name)})

    def directory(data, name):
        form = sheet_form(member.token(), name="Lieu avec photo", photo_alt="Une façade")
        form["photo"] = (io.BytesIO(data), name)
        return member.client.post("/annuaire/nouvelle", data=form, content_type="multipart/form-data")

    def agenda(data, name):
        form = {"title": "Portes ouvertes bis", "kind": "portes-ouvertes", "start_date": "2026-12-03",
                "start_time": "14:00", "end_time": "17:00", "structure": "le-phare", "place": "structure",
                "price": "gratuit", "status": "publie", "base_rev": "0", "picture_alt": "Une affiche",
                "csrf_token": member.token(), "picture": (io.BytesIO(data), name)}
        return member.client.post("/agenda/nouveau", data=form, content_type="multipart/form-data")

    def logo(data, name):
        return admin.client.post("/admin/apparence", content_type="multipart/form-data",
                                 data={"csrf_token": admin.token(), "brand": "#0b4f8a", "accent": "#a4361b",
                                       "logo": (io.BytesIO(data), name)})

    assert ids["wid"]
    return {"wiki": wiki, "workshop": workshop, "directory": directory, "agenda": agenda, "logo": logo}


@pytest.mark.slow
@pytest.mark.parametrize("form", ["wiki", "workshop", "directory", "agenda", "logo"])
def test_bad_files_get_a_french_4xx_and_nothing_is_stored(world, form, private_tmp):
    send = _upload_paths(world)[form]
    ok = send(jpeg(), "bonne-photo.jpg")  # the form works with a good file
    assert ok.status_code in (302, 303), (form, ok.status_code, ok.get_data(as_text=True)[:300])
    before = _stored(world.data)
    wrong = []
    for label, (data, name) in BAD_FILES.items():
        tracemalloc.start()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        response = send(data, name)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024
        html = response.get_data(as_text=True)
        if not 400 <= response.status_code < 500:
            wrong.append(f"{label}: {response.status_code}")
        elif not FRENCH.search(html) or "Request Entity" in html or "Bad Request" in html:
            wrong.append(f"{label}: no clear French message")
        if peak > 40 * 1024 * 1024 + len(data) * 4 or grown_mb > 150:
            wrong.append(f"{label}: memory {peak / 1e6:.0f} MB traced, +{grown_mb:.0f} MB resident")
    assert not wrong, "\n".join(wrong)
    assert _stored(world.data) == before
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize("form", ["wiki", "directory", "agenda"])
def test_600_kb_text_fields_get_a_french_4xx_not_a_lost_form(world, form):
    """A huge text in a multipart form: the field's own limit answers, in French, next to it."""
    from tests.test_directory_views import sheet_form

    member = Device(world, "member")
    big = "Très long texte. " * 36_000  # ~600 KB
    if form == "wiki":
        data = {"csrf_token": member.token(), "text": "x", "comment": big, "base_rev": "0", "was_new": "1",
                "file": (io.BytesIO(b""), "")}
        response = member.client.post("/wiki/Gros", data=data, content_type="multipart/form-data")
        assert response.status_code in (302, 400)
        return
    if form == "directory":
        data = sheet_form(member.token(), presentation=big)
        data["photo"] = (io.BytesIO(b""), "")
        response = member.client.post("/annuaire/nouvelle", data=data, content_type="multipart/form-data")
    else:
        data = {"title": "Portes ouvertes ter", "kind": "portes-ouvertes", "start_date": "2026-12-03",
                "start_time": "14:00", "end_time": "17:00", "structure": "le-phare", "place": "structure",
                "price": "gratuit", "status": "publie", "base_rev": "0", "description": big,
                "csrf_token": member.token(), "picture": (io.BytesIO(b""), "")}
        response = member.client.post("/agenda/nouveau", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "caractères" in html  # the field's limit, said in words
    assert "Le fichier envoyé dépasse" not in html


def test_participant_upload_over_the_limit_is_refused_kindly(world):
    participant = Device(world, "participant")
    response = participant.client.post(
        "/atelier/moi/nouveau/video", content_type="multipart/form-data", headers={"Accept": "application/json"},
        data={"csrf_token": participant.token("/atelier/moi"),
              "fichier": (io.BytesIO(b"\0" * (LIMIT_MB * 1024 * 1024 + 10)), "film.mp4")})
    assert response.status_code == 413
    assert "trop lourd" in response.get_data(as_text=True)

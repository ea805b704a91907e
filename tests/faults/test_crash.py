"""Suite 5 — crashes and a full disk. A process is killed with SIGKILL at named points of a
save, an upload, an index commit and a backup (wiki/faults.py, armed by REPERES_FAULTS in that
process only); the disk fills up during a save and an upload; an edit-log line is damaged.
Afterwards: the previous state is intact, leftovers are cleaned when the app starts, locks
are free, the index repairs itself, `check` passes, the visitor got a French message."""

from __future__ import annotations

import errno
import io
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app import create_app
from tests.security.world import Device, build_world, png

ROOT = Path(__file__).resolve().parents[2]
CONFIG = {"SECRET_KEY": "security-tests", "TESTING": True}


@pytest.fixture
def world(tmp_path):
    return build_world(tmp_path / "data")


def crash(data: Path, point: str, code: str, *args: str) -> None:
    """Run code in a fresh process armed to die at point; it must die by SIGKILL there."""
    script = textwrap.dedent("""
        import sys
        from app import create_app
        app = create_app({"DATA_DIR": sys.argv[1], "SECRET_KEY": "security-tests", "TESTING": True})
        ext = app.extensions["reperes"]
    """) + textwrap.dedent(code)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REPERES_FAULTS": f"{point}=kill"}
    result = subprocess.run([sys.executable, "-c", script, str(data), *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]


def temp_files(data: Path) -> list[Path]:
    return list(data.rglob(".tmp-*"))


def check_passes(data: Path) -> str:
    app = create_app({"DATA_DIR": str(data), **CONFIG})
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output
    return result.output


def restarted(data: Path):
    """The app started again on the folder (what a new worker does)."""
    return create_app({"DATA_DIR": str(data), **CONFIG})


# ---------------------------------------------------------------- SIGKILL


@pytest.mark.slow
@pytest.mark.parametrize("point", ["save.after-revision", "temp.written"])
def test_killed_during_a_save(world, point):
    pages = world.app.extensions["reperes"]["pages"]
    before = pages.load("Secret")
    crash(world.data, point, """
        ext["pages"].save("Secret", "texte jamais confirmé", author="anne", base_rev=2)
    """)
    assert temp_files(world.data) or (world.data / "pages" / "Secret" / "revisions" / "00000003").exists()
    app = restarted(world.data)
    assert temp_files(world.data) == []  # cleaned at start
    pages = app.extensions["reperes"]["pages"]
    assert pages.load("Secret").text == before.text  # previous state intact
    assert pages.current_number("Secret") == 2
    saved = pages.save("Secret", "après la panne", author="anne", base_rev=2)  # the lock is free
    assert saved.number == 3
    assert [r.number for r in pages.revisions("Secret")] == [1, 2, 3]
    check_passes(world.data)


@pytest.mark.slow
def test_killed_during_an_upload(world):
    files = world.app.extensions["reperes"]["page_attachments"]
    before = files.get("Secret", "photo.png")[0]
    crash(world.data, "temp.written", """
        from wiki.attachments import prepare
        from tests.security.world import png
        ext["page_attachments"].add("Secret", prepare("photo.png", png(64, 64, "red")), author="anne")
    """)
    assert temp_files(world.data)
    app = restarted(world.data)
    assert temp_files(world.data) == []
    files = app.extensions["reperes"]["page_attachments"]
    meta, path = files.get("Secret", "photo.png")
    assert meta == before
    assert path.read_bytes()
    again = files.add("Secret", __import__("wiki.attachments").attachments.prepare("photo.png", png(8, 8)),
                      author="anne")
    assert again.version == 2
    check_passes(world.data)


@pytest.mark.slow
def test_killed_during_an_index_commit(world):
    crash(world.data, "index.before-commit", """
        ext["pages"].save("Nouvelle", "le mot albatrosrouge", author="anne", meta={"public": True})
        ext["search_index"].drain(block=True)
    """)
    app = restarted(world.data)
    index = app.extensions["reperes"]["search_index"]
    index.wait_for_rebuild(60)
    index.drain(block=True)  # what the app's own drainer does: the spooled change was kept
    import search

    assert search.search_ids(app, "pages", "albatrosrouge", member=True) == ["Nouvelle"]
    assert search.search_ids(app, "pages", "mouettebleue", member=True) == ["Secret"]  # the rest is intact
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert search.search_ids(app, "pages", "albatrosrouge", member=True) == ["Nouvelle"]
    check_passes(world.data)


@pytest.mark.slow
def test_killed_during_a_backup(world, tmp_path):
    dest = tmp_path / "backups"
    crash(world.data, "backup.mid-archive", """
        from click.testing import CliRunner
        result = app.test_cli_runner().invoke(args=["backup", sys.argv[2]], catch_exceptions=False)
    """, str(dest))
    assert not list(dest.glob("reperes-backup-*"))  # no archive pretends to be complete
    assert list(dest.glob(".tmp-*")) or list(world.data.glob(".backup-*"))
    app = restarted(world.data)
    assert app.extensions["reperes"]["pages"].load("Secret").number == 2
    result = app.test_cli_runner().invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    assert len(list(dest.glob("reperes-backup-*"))) == 1
    assert list(dest.glob(".tmp-*")) == []  # the dead backup's leftovers went with the next one
    assert list(world.data.glob(".backup-*")) == []
    from admin.backup import verify

    verify(next(dest.glob("reperes-backup-*")))
    check_passes(world.data)


# ---------------------------------------------------------------- full disk


@pytest.fixture
def full_disk(monkeypatch):
    """From now on every os.write fails with ENOSPC (what a full disk says)."""
    real = os.write

    def write(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def arm():
        monkeypatch.setattr(os, "write", write)

    def disarm():
        monkeypatch.setattr(os, "write", real)

    return arm, disarm


def _no_empty_files(data: Path) -> None:
    empty = [p for p in data.rglob("*") if p.is_file() and p.stat().st_size == 0
             and not p.name.lower().endswith("lock") and "spool" not in p.parts]
    assert empty == []
    assert temp_files(data) == []


def test_disk_full_during_a_save(world, full_disk):
    arm, disarm = full_disk
    member = Device(world, "member")
    token = member.token()
    arm()
    response = member.client.post("/wiki/Secret", data={"csrf_token": token, "base_rev": "2",
                                                        "text": "Mon long texte à ne pas perdre", "comment": ""})
    disarm()
    assert response.status_code in (503, 507)
    html = response.get_data(as_text=True)
    assert "disque plein" in html or "place" in html
    assert "Mon long texte à ne pas perdre" in html  # given back
    pages = world.app.extensions["reperes"]["pages"]
    assert pages.current_number("Secret") == 2
    assert "seconde version" in pages.load("Secret").text
    _no_empty_files(world.data)
    check_passes(world.data)


@pytest.mark.parametrize("form", ["wiki", "workshop", "directory"])
def test_disk_full_during_an_upload(world, full_disk, form):
    from tests.test_directory_views import sheet_form

    arm, disarm = full_disk
    member, participant = Device(world, "member"), Device(world, "participant")
    token, ptoken = member.token(), participant.token("/atelier/moi")
    files = world.app.extensions["reperes"]["page_attachments"]
    arm()
    if form == "wiki":
        response = member.client.post("/wiki/Secret?action=upload", content_type="multipart/form-data",
                                      data={"csrf_token": token, "file": (io.BytesIO(png(50, 50, "red")), "photo.png")})
    elif form == "workshop":
        response = participant.client.post("/atelier/moi/nouveau/photo", content_type="multipart/form-data",
                                           data={"csrf_token": ptoken, "fichier": (io.BytesIO(png()), "p.png")})
    else:
        data = sheet_form(token, name="Lieu disque plein")
        data["photo"] = (io.BytesIO(png()), "p.png")
        data["photo_alt"] = "une façade"
        response = member.client.post("/annuaire/nouvelle", data=data, content_type="multipart/form-data")
    disarm()
    assert response.status_code in (503, 507), response.status_code
    assert "disque" in response.get_data(as_text=True) or "place" in response.get_data(as_text=True)
    assert files.get("Secret", "photo.png")[0].version == 1
    _no_empty_files(world.data)
    check_passes(world.data)


# ---------------------------------------------------------------- damaged edit-log


def test_a_damaged_edit_log_line_is_skipped_and_reported(world):
    for log in (world.data / "pages" / "Secret" / "edit-log", world.data / "pages" / "edit-log"):
        with log.open("ab") as fh:
            fh.write(b"\x00\xffcette ligne est abim\xe9e\tsans les bons champs\n")
    member = Device(world, "member")
    for url in ("/wiki/Secret", "/wiki/Secret?action=history", "/recent", "/recent.atom"):
        assert member.client.get(url).status_code == 200, url
    app = restarted(world.data)
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert "edit-log-bad-line" in result.output
    assert app.extensions["reperes"]["pages"].load("Secret").number == 2

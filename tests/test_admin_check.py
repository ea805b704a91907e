"""`check` detects each kind of damage it claims to detect; `--repair` fixes only the safe ones."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from admin.check import KINDS, MediaSet, check, register_media, repair
from wiki.store import DocumentStore

OLD = time.time() - 2 * 86400


def _data(tmp_path: Path) -> Path:
    """A healthy data folder: three pages with three revisions, an account, a theme."""
    data = tmp_path / "data"
    store = DocumentStore(data / "pages", fsync=False)
    for name in ("Accueil", "Compte rendu", "Projet"):
        for r in range(3):
            store.save(name, f"{name} v{r}\n", author="anne")
    users = data / "users"
    users.mkdir(parents=True)
    (users / "anne.json").write_text(json.dumps(
        {"username": "anne", "roles": ["member"], "password_hash": "scrypt:1:abc", "active": True}))
    (data / "config").mkdir()
    (data / "config" / "theme.json").write_text("{}")
    (data / "media").mkdir()
    (data / "media" / "abc123.jpg").write_bytes(b"jpeg")
    (data / "audit").mkdir()
    (data / "audit" / "audit-2026-01.log").write_text('{"time": 1, "actor": "a", "action": "x", "target": "y"}\n')
    return data


def _media(data: Path, referenced: dict[str, str] | None = None) -> list[MediaSet]:
    return [MediaSet("photos", data / "media", referenced if referenced is not None
                     else {"abc123": "contribution 1"})]


def _doc(data: Path, name: str = "Compte(20)rendu") -> Path:
    return data / "pages" / name


def _old(path: Path) -> Path:
    os.utime(path, (OLD, OLD))
    return path


# Each damage: (kind, how to make it, repairable?)
def _current_unreadable(data):
    (_doc(data) / "current").write_text("trois")


def _current_missing(data):
    (_doc(data) / "current").unlink()


def _current_dangling(data):
    (_doc(data) / "current").write_text("00000009\n")


def _revision_damaged(data):
    (_doc(data) / "revisions" / "00000003").write_bytes(b"\x00garbage")


def _attachment_dangling(data):
    folder = _doc(data) / "attachments" / "plan(2e)pdf"
    folder.mkdir(parents=True)
    (folder / "00000001.data").write_bytes(b"%PDF")
    (folder / "current").write_text("00000002\n")


def _revision_above_current(data):
    (_doc(data) / "revisions" / "00000004").write_text('{"author": "crash"}\nhalf-saved')


def _revisions_beyond_current(data):
    for n in (5, 6):
        (_doc(data) / "revisions" / f"{n:08d}").write_text("{}\nodd")


def _edit_log_bad_line(data):
    with open(_doc(data) / "edit-log", "a") as fh:
        fh.write("not\ta\tlog line\n")


def _stray_temp(data):
    (_doc(data) / "revisions" / ".tmp-0badc0de").write_text("half")
    tmp = data / "users" / ".tmp-cafe"
    tmp.write_text("half")
    _old(tmp)


def _stale_staging(data):
    _old(_make_dir(data / ".backup-123456"))


def _make_dir(path: Path) -> Path:
    path.mkdir()
    (path / "x").write_text("x")
    return path


def _user_invalid(data):
    (data / "users" / "bob.json").write_text("{")
    (data / "users" / "carl.json").write_text(json.dumps(
        {"username": "someone-else", "roles": ["pirate"], "password_hash": ""}))


def _json_invalid(data):
    (data / "config" / "theme.json").write_text("{broken")


def _journal_bad_line(data):
    with open(data / "audit" / "audit-2026-01.log", "a") as fh:
        fh.write("{half a line\n")


def _media_orphan(data):
    orphan = data / "media" / "zzz999.jpg"
    orphan.write_bytes(b"nobody")
    _old(orphan)


def _media_missing(data):
    (data / "media" / "abc123.jpg").unlink()


DAMAGES = {
    "current-unreadable": (_current_unreadable, False),
    "current-missing": (_current_missing, False),
    "current-dangling": (_current_dangling, False),
    "revision-damaged": (_revision_damaged, False),
    "attachment-dangling": (_attachment_dangling, False),
    "revision-above-current": (_revision_above_current, True),
    "revisions-beyond-current": (_revisions_beyond_current, False),
    "edit-log-bad-line": (_edit_log_bad_line, False),
    "stray-temp": (_stray_temp, True),
    "stale-staging": (_stale_staging, True),
    "user-invalid": (_user_invalid, False),
    "json-invalid": (_json_invalid, False),
    "journal-bad-line": (_journal_bad_line, False),
    "media-orphan": (_media_orphan, True),
    "media-missing": (_media_missing, False),
}


def test_every_kind_check_claims_is_made_in_a_test():
    assert set(DAMAGES) == set(KINDS)


def test_a_healthy_folder_passes(tmp_path):
    data = _data(tmp_path)
    report = check(data, _media(data))
    assert report.ok, report.problems
    assert (report.documents, report.revisions, report.users, report.media) == (3, 9, 1, 1)


@pytest.mark.parametrize("kind", sorted(DAMAGES))
def test_check_detects_the_damage(tmp_path, kind):
    data = _data(tmp_path)
    make, repairable = DAMAGES[kind]
    make(data)
    report = check(data, _media(data))
    assert {p.kind for p in report.problems} == {kind}
    assert all(p.repairable == repairable for p in report.problems)
    done = repair(data, report.problems)
    after = check(data, _media(data))
    if repairable:
        assert done
        assert after.ok, after.problems
    else:
        assert done == []
        assert {p.kind for p in after.problems} == {kind}


def test_repair_keeps_acknowledged_work(tmp_path):
    data = _data(tmp_path)
    _revision_above_current(data)
    _stray_temp(data)
    repair(data, check(data).problems)
    store = DocumentStore(data / "pages")
    assert [r.text for r in store.revisions("Compte rendu")] == [f"Compte rendu v{r}\n" for r in range(3)]
    assert store.save("Compte rendu", "v4", author="bob").number == 4


def test_first_save_interrupted_is_repairable(tmp_path):
    data = _data(tmp_path)
    folder = data / "pages" / "Nouveau"
    (folder / "revisions").mkdir(parents=True)
    (folder / "revisions" / "00000001").write_text("{}\nnever acknowledged")
    report = check(data)
    assert [(p.kind, p.repairable) for p in report.problems] == [("revision-above-current", True)]
    repair(data, report.problems)
    assert check(data).ok


def test_an_orphan_and_its_thumbnails_all_go_to_quarantine(tmp_path):
    data = _data(tmp_path)
    for name in ("zzz999.jpg", "zzz999-640.jpg", "zzz999-t/320.jpg"):
        (data / "media" / name).parent.mkdir(exist_ok=True)
        (data / "media" / name).write_bytes(b"x")
        _old(data / "media" / name)
    _old(data / "media" / "zzz999-t")
    same = MediaSet("photos", data / "media", {"abc123": "c-1"}, lambda rel: rel.split(".")[0].split("-")[0])
    report = check(data, [same])
    assert sorted(p.path for p in report.problems) == ["media/zzz999-640.jpg", "media/zzz999-t",
                                                       "media/zzz999.jpg"]
    assert len(repair(data, report.problems)) == 3
    assert check(data, [same]).ok
    assert (data / "quarantine" / "media" / "zzz999-t" / "320.jpg").exists()


def test_recent_temp_files_outside_documents_are_left_alone(tmp_path):
    data = _data(tmp_path)
    (data / "users" / ".tmp-now").write_text("being written right now")
    report = check(data)
    assert [p.kind for p in report.problems] == ["stray-temp"]
    assert repair(data, report.problems) == []
    assert (data / "users" / ".tmp-now").exists()


def test_orphan_media_go_to_quarantine_not_to_the_bin(tmp_path):
    data = _data(tmp_path)
    _media_orphan(data)
    done = repair(data, check(data, _media(data)).problems)
    assert "quarantaine" in done[0]
    assert (data / "quarantine" / "media" / "zzz999.jpg").read_bytes() == b"nobody"


def test_the_index_and_derived_folders_are_not_checked(tmp_path):
    data = _data(tmp_path)
    (data / "index").mkdir()
    (data / "index" / ".tmp-segment").write_text("whoosh's business")
    assert check(data).ok


# ---------------------------------------------------------------- the CLI


def test_check_command_on_a_healthy_folder(runner):
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "Aucun problème trouvé." in result.output


def test_check_command_reports_and_repairs(app, runner):
    pages = app.extensions["reperes"]["pages"]
    pages.save("Accueil", "bonjour", author="anne")
    folder = pages.path("Accueil")
    (folder / "revisions" / "00000002").write_text("{}\ncrash")
    with open(folder / "edit-log", "a") as fh:
        fh.write("garbage\n")
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1
    assert "[revision-above-current]" in result.output
    assert "(réparable avec --repair)" in result.output
    assert "[edit-log-bad-line]" in result.output
    result = runner.invoke(args=["check", "--repair"])
    assert result.exit_code == 1  # the damaged log line stays (reported, tolerated)
    assert "Réparé : version non validée supprimée" in result.output
    assert not (folder / "revisions" / "00000002").exists()
    assert pages.load("Accueil").text == "bonjour"


def test_registered_media_sets_are_checked_by_the_command(app, runner):
    media = Path(app.config["DATA_DIR"]) / "photos"
    media.mkdir()
    (media / "lost.jpg").write_bytes(b"x")
    register_media(app, lambda a: [MediaSet("photos", media, {"kept": "contribution 7"})])
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1
    assert "[media-orphan] photos/lost.jpg" in result.output
    assert "contribution 7" in result.output


def test_mediation_media_without_owner_and_owner_without_media(app, runner):
    store = app.extensions["reperes"]["mediation"]
    kept = store.create("photo", "p-000000000001", "w-000000000001", "mia", "mia")
    info = store.add_media(kept.id, {"main": ("jpg", b"photo"), "t320": ("jpg", b"small")}, {})
    store.update(kept.id, lambda c: setattr(c, "media", info), "mia")
    other = Path(app.config["DATA_DIR"]) / "media" / "structures"  # the directory's photos
    other.mkdir(parents=True, exist_ok=True)
    (other / "0a1b2c3d4e5f60718293.jpg").write_bytes(b"a sheet's photo")
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output

    orphan = store.add_media("c-0000000000ff", {"main": ("jpg", b"nobody's")}, {})
    broken = store.create("voix", "p-000000000001", "w-000000000001", "mia", "mia")
    store.update(broken.id, lambda c: setattr(c, "media", {"id": "m-00000000dead", "files": {}}), "mia")
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1
    assert f"[media-orphan] media/{orphan['id']}" in result.output
    assert "[media-missing] media/m-00000000dead" in result.output
    assert f"contribution {broken.id}" in result.output
    assert info["id"] not in result.output  # owned media are not reported

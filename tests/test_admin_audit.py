"""The audit log: appends from several processes, monthly files, newest first, admin page."""

from __future__ import annotations

import json
import multiprocessing
import re
from pathlib import Path

import pytest

from admin import audit

JAN = 1767225600.0  # 2026-01-01T00:00:00Z


def test_record_appends_a_json_line_in_the_month_file(tmp_path):
    assert audit.record(tmp_path, "anne", "page.delete", "Compte rendu", detail="doublon")
    path = audit.log_path(tmp_path)
    assert re.fullmatch(r"audit-\d{4}-\d{2}\.log", path.name)
    line = json.loads(path.read_text().splitlines()[0])
    assert line["actor"] == "anne"
    assert line["action"] == "page.delete"
    assert line["target"] == "Compte rendu"
    assert line["detail"] == "doublon"


def test_months_go_to_their_own_files(tmp_path):
    assert audit.log_path(tmp_path, JAN).name == "audit-2026-01.log"
    assert audit.log_path(tmp_path, JAN - 1).name == "audit-2025-12.log"


def test_read_is_newest_first_across_months_and_paged(tmp_path):
    folder = tmp_path / "audit"
    folder.mkdir()
    (folder / "audit-2025-12.log").write_text(
        "".join(json.dumps({"time": JAN - 100 + i, "actor": "a", "action": f"old.{i}", "target": "t"}) + "\n"
                for i in range(3)))
    (folder / "audit-2026-01.log").write_text(
        "".join(json.dumps({"time": JAN + i, "actor": "a", "action": f"new.{i}", "target": "t"}) + "\n"
                for i in range(3)) + "{damaged\n")
    (folder / "notes.txt").write_text("ignored")
    first, more = audit.read(tmp_path, 0, 4)
    assert [e.action for e in first] == ["new.2", "new.1", "new.0", "old.2"]
    assert more
    rest, more = audit.read(tmp_path, 4, 4)
    assert [e.action for e in rest] == ["old.1", "old.0"]
    assert not more


def test_control_characters_and_long_values_are_flattened(tmp_path):
    audit.record(tmp_path, "anne\nadmin", "x", "y" * 5000, detail="a\tb\r\nc")
    entry = audit.read(tmp_path)[0][0]
    assert entry.actor == "anne admin"
    assert len(entry.target) == 300
    assert entry.detail == "a b c"
    assert len(audit.log_path(tmp_path).read_text().splitlines()) == 1


def test_record_never_raises(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert audit.record(blocked, "anne", "x", "y") is False


def _hammer(data_dir: str, worker: int) -> None:
    for i in range(200):
        audit.record(data_dir, f"w{worker}", "test.append", f"{worker}-{i}", detail="x" * 200)


@pytest.mark.slow
def test_concurrent_appends_from_processes_are_whole_lines(tmp_path):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_hammer, args=(str(tmp_path), w)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    lines = audit.log_path(tmp_path).read_text().splitlines()
    assert len(lines) == 800
    assert {audit.parse_line(line).target for line in lines} == {f"{w}-{i}" for w in range(4) for i in range(200)}


# ---------------------------------------------------------------- wiring and the admin page


def test_account_actions_are_audited(app, client, auth):
    auth.login("admin")
    token = auth.token("/admin/comptes")
    client.post("/admin/comptes", data={"username": "chloe", "roles": ["member"], "csrf_token": token})
    client.post("/admin/comptes/bob", data={"action": "disable", "csrf_token": token})
    client.post("/admin/comptes/bob", data={"action": "reset", "csrf_token": token})
    entries, _ = audit.read(app.config["DATA_DIR"])
    assert [(e.actor, e.action, e.target) for e in entries] == [
        ("admin", "user.reset-password", "bob"),
        ("admin", "user.disable", "bob"),
        ("admin", "user.create", "chloe"),
    ]


def test_account_cli_is_audited(app, runner):
    assert runner.invoke(args=["user", "add", "dora"]).exit_code == 0
    assert runner.invoke(args=["user", "disable", "dora"]).exit_code == 0
    assert runner.invoke(args=["user", "enable", "dora"]).exit_code == 0
    assert runner.invoke(args=["user", "reset-password", "dora"]).exit_code == 0
    actions = [e.action for e in audit.read(app.config["DATA_DIR"])[0]]
    assert actions == ["user.reset-password", "user.enable", "user.disable", "user.create"]


def test_refused_account_action_is_not_audited(app, client, auth):
    auth.login("admin")
    token = auth.token("/admin/comptes")
    response = client.post("/admin/comptes", data={"username": "A B", "csrf_token": token})
    assert response.status_code == 400
    assert audit.read(app.config["DATA_DIR"])[0] == []


def test_journal_page_lists_newest_first_for_admins(app, client, auth):
    for i in range(60):
        audit.record(app, "anne", "page.save", f"Page {i}")
    auth.login("admin")
    html = client.get("/admin/journal").get_data(as_text=True)
    assert "Page 59" in html
    assert html.index("Page 59") < html.index("Page 58")
    assert "Page 9<" not in html  # on the second page
    assert "page=2" in html
    second = client.get("/admin/journal?page=2").get_data(as_text=True)
    assert "Page 9<" in second


@pytest.mark.parametrize("page", ["abc", "-", "1e9"])
def test_journal_bad_page_number_is_400(client, auth, page):
    auth.login("admin")
    assert client.get(f"/admin/journal?page={page}").status_code == 400


def test_journal_page_past_the_end_is_404(client, auth):
    auth.login("admin")
    assert client.get("/admin/journal?page=5").status_code == 404


@pytest.mark.parametrize("url", ["/admin/", "/admin/journal", "/admin/apparence"])
def test_admin_pages_are_for_admins_only(client, auth, url):
    assert client.get(url).status_code == 302  # anonymous: to the login page
    auth.login("anne")
    assert client.get(url).status_code == 403


def test_admin_home_warns_when_there_is_no_backup(client, auth, runner, app):
    auth.login("admin")
    html = client.get("/admin/").get_data(as_text=True)
    assert "Aucune sauvegarde" in html
    assert runner.invoke(args=["backup"]).exit_code == 0
    html = client.get("/admin/").get_data(as_text=True)
    assert "Dernière sauvegarde" in html
    assert "backup.create" in html
    assert Path(app.config["DATA_DIR"]).parent.joinpath("backups").is_dir()


# ---------------------------------------------------------------- stores watched without their packages


def _lines(app):
    return [(e.actor, e.action, e.target, e.detail) for e in reversed(audit.read(app.config["DATA_DIR"])[0])]


def test_significant_page_changes_are_audited_but_not_ordinary_edits(app):
    pages = app.extensions["reperes"]["pages"]
    pages.save("Charte", "v1", author="anne", comment="première version", meta={"public": False})
    pages.save("Charte", "v2", author="anne", meta={"public": False})  # an ordinary edit
    pages.save("Charte", "v2", author="bob", meta={"public": True})
    pages.revert("Charte", 1, author="bob")
    pages.rename("Charte", "Charte du réseau", author="anne")
    pages.delete("Charte du réseau", author="admin", comment="doublon")
    assert _lines(app) == [
        ("anne", "pages.create", "Charte", "première version"),
        ("bob", "pages.public", "Charte", "False → True"),
        ("bob", "pages.revert", "Charte", "retour à la version 1"),
        ("bob", "pages.public", "Charte", "True → False"),
        ("anne", "pages.rename", "Charte du réseau", "ancien nom : Charte"),
        ("admin", "pages.delete", "Charte du réseau", "doublon"),
    ]


def test_a_sheet_published_is_audited(app):
    sheets = app.extensions["reperes"]["structures"]
    sheets.save("epicerie", "{}", author="anne", meta={"status": "brouillon"})
    sheets.save("epicerie", "{ }", author="moderateur", meta={"status": "publiee"})
    assert _lines(app)[-1] == ("moderateur", "structures.status", "epicerie", "brouillon → publiee")


def test_contributions_are_left_to_the_mediation_package(app):
    contributions = app.extensions["reperes"]["contributions"]
    contributions.save("c-000000000001", "{}", author="mia", meta={"status": "brouillon"})
    contributions.save("c-000000000001", "{ }", author="mia", meta={"status": "propose"})
    assert _lines(app) == []


def test_admin_home_shows_the_last_check(client, auth, runner, app):
    auth.login("admin")
    assert "Pas encore de vérification" in client.get("/admin/").get_data(as_text=True)
    assert runner.invoke(args=["check"]).exit_code == 0
    html = client.get("/admin/").get_data(as_text=True)
    assert re.search(r'<p class="">\s*Dernière vérification', html)
    assert "aucun problème" in html
    pages = app.extensions["reperes"]["pages"]
    pages.save("Accueil", "x", author="anne")
    (pages.path("Accueil") / "current").write_text("zut")
    assert runner.invoke(args=["check"]).exit_code == 1
    html = client.get("/admin/").get_data(as_text=True)
    assert "1 problème(s) : current-unreadable" in html
    assert re.search(r'<p class="admin-warning">\s*Dernière vérification', html)


def test_a_file_taken_off_a_page_is_audited_with_who_and_which(app, client, auth):
    from tests.test_search_attachments import remove, upload

    app.extensions["reperes"]["pages"].save("Compte rendu", "Notes.", author="anne")
    auth.login()
    assert upload(client, "Compte rendu", [("cr.txt", "réunion du réseau".encode())]).status_code == 303
    assert remove(client, "Compte rendu", "cr.txt").status_code == 303
    assert remove(client, "Compte rendu", "absent.txt").status_code == 404  # nothing removed, nothing written
    lines = [line for line in _lines(app) if line[1].startswith("page_attachments.")]
    assert lines == [("anne", "page_attachments.remove", "Compte rendu", "cr.txt")]

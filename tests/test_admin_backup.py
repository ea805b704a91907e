"""Backups taken while members save, verified restores, tampered archives, erasures re-applied."""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import queue
import re
import tarfile
import time
from pathlib import Path

import pytest

from admin import audit
from admin.backup import (
    BackupError,
    backup_dir,
    create_backup,
    list_backups,
    restore_archive,
    rotate,
    verify,
)
from admin.check import check
from admin.erasures import journal_path, read_journal, record_erasure, register_eraser
from app import create_app
from wiki.store import DocumentStore

# ---------------------------------------------------------------- helpers


def _fill(data_dir: Path, pages: int = 5, revisions: int = 2) -> DocumentStore:
    store = DocumentStore(data_dir / "pages", fsync=False)
    for i in range(pages):
        for r in range(revisions):
            store.save(f"Page {i:03d}", f"# Page {i}\n\nversion {r}\n", author="anne",
                       meta={"public": True})
    return store


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isreg()}


def _rewrite(archive: Path, out: Path, members: dict[str, bytes], extra: list[tarfile.TarInfo] = ()):
    with tarfile.open(out, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra:
            tar.addfile(info, io.BytesIO(b"x" * info.size) if info.isreg() else None)


def _main(html: str) -> str:
    """The <main> of a page, without the per-session CSRF tokens."""
    body = html[html.index("<main"): html.index("</main>")]
    return re.sub(r'name="csrf_token" value="[^"]*"', "", body)


# ---------------------------------------------------------------- backup basics


def test_backup_holds_manifest_and_data_but_not_the_index(tmp_path):
    data = tmp_path / "data"
    _fill(data)
    (data / "index").mkdir()
    (data / "index" / "seg.toc").write_text("derived")
    (data / "derived").mkdir()
    (data / "derived" / "wiki-links.json").write_text("{}")
    (data / "pages" / "Page(20)000" / "revisions" / ".tmp-1234").write_text("half")
    result = create_backup(data, tmp_path / "out", version="9.9")
    members = _members(result.archive)
    manifest = json.loads(members["manifest.json"])
    assert manifest["version"] == "9.9"
    assert manifest["documents"] == 5
    paths = {f["path"] for f in manifest["files"]}
    assert "pages/Page(20)000/revisions/00000002" in paths
    assert "pages/Page(20)000/current" in paths
    assert "pages/edit-log" in paths
    assert not any(p.startswith(("index/", "derived/")) for p in paths)
    assert not any(".tmp-" in p or p.endswith(".lock") for p in paths)
    assert {n.removeprefix("data/") for n in members if n != "manifest.json"} == paths
    assert result.size == result.archive.stat().st_size
    assert result.archive.stat().st_mode & 0o077 == 0  # the backup is readable by its owner only
    assert not list(data.glob(".backup-*"))  # staging removed


def test_backup_leaves_out_a_revision_above_current(tmp_path):
    data = tmp_path / "data"
    _fill(data, pages=1)
    folder = data / "pages" / "Page(20)000"
    (folder / "revisions" / "00000003").write_text('{"author": "crash"}\nunacknowledged')
    members = _members(create_backup(data, tmp_path / "out", version="1").archive)
    assert "data/pages/Page(20)000/revisions/00000002" in members
    assert "data/pages/Page(20)000/revisions/00000003" not in members


def test_backup_into_the_data_folder_is_refused(tmp_path):
    data = tmp_path / "data"
    _fill(data, pages=1)
    with pytest.raises(BackupError, match="ne doit pas être dans"):
        create_backup(data, data / "backups", version="1")


def test_missing_data_folder_is_refused(tmp_path):
    with pytest.raises(BackupError, match="n'existe pas"):
        create_backup(tmp_path / "nope", tmp_path / "out", version="1")


def test_rotation_keeps_the_newest(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for day in range(1, 6):
        (out / f"reperes-backup-2026010{day}-030000.tar.gz").write_bytes(b"x")
    (out / "notes.txt").write_text("not a backup")
    removed = rotate(out, 2)
    assert [p.name for p in removed] == [f"reperes-backup-2026010{d}-030000.tar.gz" for d in (1, 2, 3)]
    assert [p.name for p in list_backups(out)] == ["reperes-backup-20260104-030000.tar.gz",
                                                   "reperes-backup-20260105-030000.tar.gz"]
    assert (out / "notes.txt").exists()
    with pytest.raises(BackupError):
        rotate(out, 0)


def test_relative_backup_dir_sits_next_to_the_data_folder(tmp_path):
    config = {"DATA_DIR": str(tmp_path / "srv" / "data"), "BACKUP_DIR": "backups"}
    assert backup_dir(config) == tmp_path / "srv" / "backups"
    assert backup_dir({**config, "BACKUP_DIR": "/var/backups/reperes"}) == Path("/var/backups/reperes")


def test_a_document_renamed_during_the_backup_is_not_lost(tmp_path):
    data = tmp_path / "data"
    store = _fill(data, pages=3)
    store.save("Zeta", "the text that moves", author="anne")

    def rename_midway(rel):
        if rel == "pages/Page(20)001":  # after "Page 001" is staged, before "Zeta" is
            store.rename("Zeta", "Alpha", author="bob")

    result = create_backup(data, tmp_path / "out", version="1", progress=rename_midway)
    restored = tmp_path / "restored"
    restore_archive(result.archive, restored)
    again = DocumentStore(restored / "pages")
    assert again.load("Alpha").text == "the text that moves"
    assert check(restored).ok


# ---------------------------------------------------------------- the consistency test


def _writer(data_dir: str, wid: int, stop, acks) -> None:
    """Save in a loop (own page and a shared one) and report each acknowledged revision."""
    store = DocumentStore(Path(data_dir) / "pages", fsync=False)
    i = 0
    while not stop.is_set():
        name = "Partagée" if i % 3 == 0 else f"Travail {wid}"
        text = f"écrit par {wid}, enregistrement {i}\n"
        revision = store.save(name, text, author=f"w{wid}", meta={"public": True})
        acks.put((name, revision.number, text))
        i += 1


def _take(acks, count: int) -> list[tuple[str, int, str]]:
    return [acks.get(timeout=60) for _ in range(count)]


def _drain_and_join(workers, acks) -> None:
    """Empty the queue while the writers stop: a process exits only once its puts are flushed."""
    deadline = time.monotonic() + 300
    while any(w.is_alive() for w in workers) and time.monotonic() < deadline:
        with contextlib.suppress(queue.Empty):
            acks.get(timeout=0.2)
    for w in workers:
        w.join(timeout=30)


@pytest.mark.slow
def test_backup_while_four_processes_save_restores_everything_acknowledged(app, runner, tmp_path):
    data = Path(app.config["DATA_DIR"])
    store = _fill(data, pages=150, revisions=2)  # stable pages: the restored app serves them alike
    store.save("Jardin partagé", "Le jardin partagé de Kerourien ouvre le mardi.", author="anne",
               meta={"public": True})
    store.save("Jardins", "Liste des jardins du quartier.", author="anne", meta={"public": True})
    ctx = multiprocessing.get_context("fork")
    stop, acks = ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=_writer, args=(str(data), w, stop, acks)) for w in range(4)]
    for w in workers:
        w.start()
    try:
        # Acknowledged before the backup starts, from every writer: a writer forked late on a
        # busy machine must have created its page, or the snapshot rightly lacks it.
        before = _take(acks, 40)
        names = {name for name, _n, _t in before}
        while not names >= {"Partagée", *(f"Travail {w}" for w in range(4))}:
            before.append(acks.get(timeout=60))
            names.add(before[-1][0])
        during = []
        staged = []

        def keep_saving(rel):  # members keep saving while documents are being staged
            staged.append(rel)
            if len(staged) in (20, 80, 140):
                during.extend(_take(acks, 10))

        result = create_backup(data, tmp_path / "backups", version="test", progress=keep_saving)
    finally:
        stop.set()
        _drain_and_join(workers, acks)
    assert all(w.exitcode == 0 for w in workers)
    assert len(during) == 30

    target = tmp_path / "restored"
    out = runner.invoke(args=["restore", str(result.archive), str(target)])
    assert out.exit_code == 0, out.output
    assert "Aucun problème trouvé." in out.output

    restored = DocumentStore(target / "pages")
    live = DocumentStore(data / "pages")
    for name, number, text in before:
        assert restored.load(name, number).text == text
    for name in ["Partagée"] + [f"Travail {w}" for w in range(4)]:
        current = restored.current_number(name)
        assert current is not None
        assert restored.load(name).text == live.load(name, current).text
        assert [e.number for e in restored.history(name)] == list(range(1, current + 1))
    assert check(target).ok

    restored_app = create_app({"DATA_DIR": str(target), "SECRET_KEY": "t", "TESTING": True})
    live_client, restored_client = app.test_client(), restored_app.test_client()
    for i in (0, 74, 149):
        url = f"/wiki/Page {i:03d}"
        a, b = live_client.get(url), restored_client.get(url)
        assert a.status_code == b.status_code == 200
        assert _main(a.get_data(as_text=True)) == _main(b.get_data(as_text=True))
    if "search.search" in app.view_functions:  # the search package is installed: same results
        app.extensions["reperes"]["search_index"].rebuild()  # the fill bypassed the live listeners
        for q in ("jardin", "Kerourien", "version"):
            a = live_client.get(f"/recherche?q={q}")
            b = restored_client.get(f"/recherche?q={q}")
            assert a.status_code == b.status_code == 200
            hits = re.findall(r'href="(/wiki/[^"?]*)"', _main(b.get_data(as_text=True)))
            assert hits
            assert hits == re.findall(r'href="(/wiki/[^"?]*)"', _main(a.get_data(as_text=True)))


# ---------------------------------------------------------------- verification and refusal


@pytest.fixture
def archive(tmp_path):
    """A good backup of a small data folder."""
    data = tmp_path / "data"
    _fill(data, pages=3)
    return create_backup(data, tmp_path / "out", version="1").archive


def test_verify_accepts_a_good_archive(archive):
    manifest = verify(archive)
    assert manifest["format"] == 1
    assert len(manifest["files"]) == len(_members(archive)) - 1


def _tampered(kind: str, archive: Path, out: Path) -> Path:
    members = _members(archive)
    target = "data/pages/Page(20)001/revisions/00000002"
    extra = []
    if kind == "modified":
        members[target] = members[target].replace(b"version 1", b"version X")
    elif kind == "missing":
        del members[target]
    elif kind == "extra":
        members["data/pages/Page(20)001/revisions/00000003"] = b"{}\nadded"
    elif kind == "no-manifest":
        del members["manifest.json"]
    elif kind == "bad-manifest":
        members["manifest.json"] = b"{not json"
    elif kind == "traversal":
        members["data/../../evil"] = b"x"
    elif kind == "absolute":
        members["/etc/evil"] = b"x"
    elif kind == "outside-data":
        members["evil.sh"] = b"x"
    elif kind == "symlink":
        link = tarfile.TarInfo("data/pages/link")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        extra.append(link)
    elif kind == "truncated":
        out.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
        return out
    elif kind == "not-an-archive":
        out.write_bytes(b"hello, this is not gzip")
        return out
    _rewrite(archive, out, members, extra)
    return out


TAMPERINGS = ["modified", "missing", "extra", "no-manifest", "bad-manifest", "traversal",
              "absolute", "outside-data", "symlink", "truncated", "not-an-archive"]


@pytest.mark.parametrize("kind", TAMPERINGS)
def test_tampered_archive_is_refused_before_anything_is_written(archive, tmp_path, kind):
    bad = _tampered(kind, archive, tmp_path / "bad.tar.gz")
    with pytest.raises(BackupError):
        verify(bad)
    target = tmp_path / "target"
    with pytest.raises(BackupError):
        restore_archive(bad, target)
    assert not target.exists() or not any(target.iterdir())
    assert not (tmp_path / "evil").exists()


def test_restore_command_refuses_a_tampered_archive(runner, archive, tmp_path):
    bad = _tampered("modified", archive, tmp_path / "bad.tar.gz")
    result = runner.invoke(args=["restore", str(bad), str(tmp_path / "target")])
    assert result.exit_code == 1
    assert "Archive altérée" in result.output
    assert "modifié" in result.output


def test_restore_refuses_a_non_empty_folder_without_force(archive, tmp_path, runner):
    target = tmp_path / "target"
    target.mkdir()
    (target / "precious.txt").write_text("keep me")
    result = runner.invoke(args=["restore", str(archive), str(target)])
    assert result.exit_code == 1
    assert "n'est pas vide" in result.output
    assert (target / "precious.txt").read_text() == "keep me"
    result = runner.invoke(args=["restore", "--force", str(archive), str(target)])
    assert result.exit_code == 0, result.output
    assert not (target / "precious.txt").exists()
    aside = next(tmp_path.glob("target.avant-restauration-*"))
    assert (aside / "precious.txt").read_text() == "keep me"
    assert DocumentStore(target / "pages").load("Page 002").text.endswith("version 1\n")


def test_missing_archive_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "none.tar.gz"), str(tmp_path / "t")])
    assert result.exit_code == 1
    assert "introuvable" in result.output


# ---------------------------------------------------------------- the CLI


def test_backup_command_prints_where_and_how_big_and_rotates(app, runner, tmp_path):
    dest = tmp_path / "nightly"
    for _ in range(3):
        result = runner.invoke(args=["backup", str(dest), "--keep", "2"])
        assert result.exit_code == 0, result.output
    assert "Sauvegarde écrite : " + str(dest) in result.output
    assert "octets" in result.output
    assert "Ancienne sauvegarde supprimée" in result.output
    assert len(list_backups(dest)) == 2
    entries, _ = audit.read(app.config["DATA_DIR"])
    assert [e.action for e in entries[:3]] == ["backup.create"] * 3


def test_backup_command_defaults_to_backup_dir(app, runner):
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    assert len(list_backups(Path(app.config["DATA_DIR"]).parent / "backups")) == 1


@pytest.mark.parametrize("keep", ["0", "-1", "deux"])
def test_backup_command_refuses_a_bad_keep(runner, tmp_path, keep):
    result = runner.invoke(args=["backup", str(tmp_path / "b"), "--keep", keep])
    assert result.exit_code == 2
    assert not list_backups(tmp_path / "b")


def test_cli_help_is_bilingual(runner):
    """French by default, English when the shell asks for it (LANG; see tests/test_i18n_cli.py)."""
    for command in ("backup", "restore", "check"):
        result = runner.invoke(args=[command, "--help"], env={"LC_ALL": None, "LANG": "fr_FR.UTF-8"})
        assert result.exit_code == 0
        text = " ".join(result.output.split())
        assert any(w in text for w in ("Sauvegarder", "Restaurer", "Vérifier"))
        english = runner.invoke(args=[command, "--help"], env={"LC_ALL": None, "LANG": "en_GB.UTF-8"})
        text = " ".join(english.output.split())
        assert any(w in text for w in ("Back up", "Restore", "Check"))


# ---------------------------------------------------------------- erasures


def _fake_eraser(app, entry):
    """Erase every page whose meta names the pseudonym (folders removed, as a purge would)."""
    import shutil

    store = app.extensions["reperes"]["pages"]
    for name in store.names(include_deleted=True):
        try:
            meta = store.load(name, store.current_number(name)).meta
        except Exception:
            continue
        if meta.get("pseudonym") == entry["target"]:
            shutil.rmtree(store.path(name))


def test_an_erasure_made_after_the_backup_is_applied_again_on_restore(app, runner, tmp_path):
    pages = app.extensions["reperes"]["pages"]
    pages.save("Parole de Soleil", "ma voix", author="mediateur", meta={"pseudonym": "Soleil"})
    pages.save("Parole de Lune", "mon avis", author="mediateur", meta={"pseudonym": "Lune"})
    register_eraser(app, _fake_eraser)
    made = runner.invoke(args=["backup", str(tmp_path / "b")])
    assert made.exit_code == 0, made.output
    archive = list_backups(tmp_path / "b")[-1]

    entry = record_erasure(app, "Soleil", actor="admin")  # after the backup
    with app.app_context():
        _fake_eraser(app, entry)
    assert pages.current_number("Parole de Soleil") is None

    target = tmp_path / "restored"
    result = runner.invoke(args=["restore", str(archive), str(target)])
    assert result.exit_code == 0, result.output
    assert "Effacements rejoués : 1." in result.output
    restored = DocumentStore(target / "pages")
    assert restored.current_number("Parole de Soleil") is None
    assert not restored.path("Parole de Soleil").exists()
    assert restored.load("Parole de Lune").text == "mon avis"
    assert [e["id"] for e in read_journal(journal_path(target))] == [entry["id"]]
    actions = [e.action for e in audit.read(target)[0]]
    assert "backup.restore" in actions


def test_the_erasure_journal_beside_the_backups_is_used_when_the_data_is_lost(app, runner, tmp_path):
    app.config["BACKUP_DIR"] = str(tmp_path / "b")
    pages = app.extensions["reperes"]["pages"]
    pages.save("Parole de Soleil", "ma voix", author="m", meta={"pseudonym": "Soleil"})
    register_eraser(app, _fake_eraser)
    assert runner.invoke(args=["backup"]).exit_code == 0
    record_erasure(app, "Soleil", actor="admin")
    assert (tmp_path / "b" / "erasures.jsonl").exists()  # the mirror, outside the data folder
    journal_path(app.config["DATA_DIR"]).unlink()  # the data folder is lost
    target = tmp_path / "restored"
    result = runner.invoke(args=["restore", str(list_backups(tmp_path / "b")[-1]), str(target)])
    assert result.exit_code == 0, result.output
    assert DocumentStore(target / "pages").current_number("Parole de Soleil") is None


def test_restore_says_so_when_no_package_can_erase(app, runner, tmp_path):
    app.extensions["reperes"]["erasers"] = []
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    record_erasure(app, "Soleil", actor="admin")
    result = runner.invoke(args=["restore", str(list_backups(tmp_path / "b")[-1]),
                                 str(tmp_path / "restored")])
    assert result.exit_code == 1
    assert "aucun module ne sait effacer" in result.output
    assert read_journal(journal_path(tmp_path / "restored")) == []  # not marked as done


def test_a_participant_erased_by_mediation_after_the_backup_stays_erased(app, runner, tmp_path):
    """The real eraser of the mediation package, through the journal, on restore."""
    from mediation.privacy import erase_participant

    store = app.extensions["reperes"]["mediation"]
    workshop = store.open_workshop("Atelier photo", "mia")
    soleil = store.add_participant("Soleil", "mia")
    lune = store.add_participant("Lune", "mia")
    gone = store.create("photo", soleil.id, workshop.id, "mia", "mia")
    info = store.add_media(gone.id, {"main": ("jpg", b"soleil's photo")}, {})
    store.update(gone.id, lambda c: setattr(c, "media", info), "mia")
    kept = store.create("texte", lune.id, workshop.id, "mia", "mia")
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0

    erase_participant(app, soleil.id, actor="admin")
    target = tmp_path / "restored"
    result = runner.invoke(args=["restore", str(list_backups(tmp_path / "b")[-1]), str(target)])
    assert result.exit_code == 0, result.output
    restored = create_app({"DATA_DIR": str(target), "SECRET_KEY": "t", "TESTING": True})
    again = restored.extensions["reperes"]["mediation"]
    assert again.get(gone.id) is None
    assert again.participant(soleil.id) is None
    assert not (target / "media" / info["id"]).exists()
    assert again.get(kept.id) is not None
    assert again.participant(lune.id) is not None


def test_attachments_are_backed_up_up_to_their_current_version(tmp_path):
    data = tmp_path / "data"
    _fill(data, pages=1)
    folder = data / "pages" / "Page(20)000" / "attachments" / "plan(2e)pdf"
    folder.mkdir(parents=True)
    for name, content in (("00000001.data", b"%PDF-1"), ("00000001.json", b"{}"),
                          ("00000002.data", b"%PDF-half-written")):
        (folder / name).write_bytes(content)
    (folder / "current").write_text("00000001\n")
    members = _members(create_backup(data, tmp_path / "out", version="1").archive)
    prefix = "data/pages/Page(20)000/attachments/plan(2e)pdf/"
    assert members[prefix + "00000001.data"] == b"%PDF-1"
    assert members[prefix + "current"] == b"00000001\n"
    assert prefix + "00000002.data" not in members


def test_restore_over_the_configured_data_folder_as_restore_md_says(app, runner, tmp_path):
    data = Path(app.config["DATA_DIR"])
    pages = app.extensions["reperes"]["pages"]
    pages.save("Compte rendu", "ordre du jour", author="anne")
    assert runner.invoke(args=["backup"]).exit_code == 0
    archive = list_backups(data.parent / "backups")[-1]
    import shutil

    shutil.rmtree(pages.path("Compte rendu"))  # the damage
    (data / "users" / "anne.json").write_text("{")
    result = runner.invoke(args=["restore", str(archive), str(data), "--force"])
    assert result.exit_code == 0, result.output
    assert DocumentStore(data / "pages").load("Compte rendu").text == "ordre du jour"
    assert json.loads((data / "users" / "anne.json").read_text())["username"] == "anne"
    aside = next(data.parent.glob("data.avant-restauration-*"))
    assert (aside / "users" / "anne.json").read_text() == "{"  # kept, not deleted

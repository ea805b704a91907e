"""The derived indexes of the wiki: backlinks, edit notices, readable diffs, feed keys (tmp_path only)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from wiki.diffs import readable_diff
from wiki.feeds import check_key, make_key
from wiki.links import LinkIndex
from wiki.markup import plain_links
from wiki.presence import EditNotices
from wiki.store import DocumentStore


def make_index(tmp_path):
    store = DocumentStore(tmp_path / "pages")
    index = LinkIndex(tmp_path / "derived" / "links.json", store, plain_links)
    store.listeners.append(index.update)
    return store, index


def test_backlinks_follow_saves_renames_and_deletes(tmp_path):
    store, index = make_index(tmp_path)
    store.save("Accueil", "voir [[Projets/Jardin]] et [[Agenda]]", author="anne", meta={"public": True})
    store.save("Compte rendu", "suite de [[Projets/Jardin]]", author="anne")
    assert index.backlinks("Projets/Jardin") == ["Accueil", "Compte rendu"]
    assert index.backlinks("Projets/Jardin", public_only=True) == ["Accueil"]
    store.save("Compte rendu", "plus de lien", author="anne")
    assert index.backlinks("Projets/Jardin") == ["Accueil"]
    store.rename("Accueil", "Bienvenue", author="anne")
    assert index.backlinks("Agenda") == ["Bienvenue"]
    store.delete("Bienvenue", author="anne")
    assert index.backlinks("Agenda") == []


def test_index_is_rebuilt_when_missing_or_damaged(tmp_path):
    store, index = make_index(tmp_path)
    store.save("A", "[[B]]", author="anne")
    index.path.unlink()
    assert index.backlinks("B") == ["A"]
    index.path.write_text("{pas du json")
    store.save("C", "[[B]]", author="anne")  # the listener repairs it
    assert index.backlinks("B") == ["A", "C"]
    assert json.loads(index.path.read_text())["version"] == 1


def test_another_process_update_is_seen(tmp_path):
    store, index = make_index(tmp_path)
    store.save("A", "[[B]]", author="anne")
    assert index.backlinks("B") == ["A"]
    # A second worker process has its own store and index objects over the same files.
    other_store, _other_index = make_index(tmp_path)
    other_store.save("C", "[[B]]", author="bob")
    assert index.backlinks("B") == ["A", "C"]


def test_self_links_are_not_backlinks(tmp_path):
    store, index = make_index(tmp_path)
    store.save("A", "[[A]] [[B]]", author="anne")
    assert index.backlinks("A") == []
    assert index.links("A") == ["A", "B"]


def test_edit_notices_expire_and_clear(tmp_path):
    notices = EditNotices(tmp_path, minutes=20)
    notices.touch("Compte rendu — 3 mars", "anne", now=1000.0)
    notices.touch("Compte rendu — 3 mars", "bob", now=1100.0)
    notices.touch("Compte rendu — 3 mars", "anne", now=1200.0)  # keeps her first "since"
    editors = notices.editors("Compte rendu — 3 mars", now=1300.0)
    assert [(e.username, e.since) for e in editors] == [("anne", 1000.0), ("bob", 1100.0)]
    assert [e.username for e in notices.editors("Compte rendu — 3 mars", exclude="anne", now=1300.0)] == ["bob"]
    assert [e.username for e in notices.editors("Compte rendu — 3 mars", now=1100.0 + 20 * 60 + 1)] == ["anne"]
    assert notices.editors("Compte rendu — 3 mars", now=1200.0 + 20 * 60 + 1) == []
    notices.clear("Compte rendu — 3 mars", "bob", now=1300.0)
    assert [e.username for e in notices.editors("Compte rendu — 3 mars", now=1300.0)] == ["anne"]


def test_edit_notices_ignore_bad_names_and_damaged_files(tmp_path):
    notices = EditNotices(tmp_path)
    notices.touch("../x", "anne")
    assert notices.editors("../x") == []
    assert list(tmp_path.iterdir()) == []
    notices.touch("Page", "anne")
    next(tmp_path.glob("*.json")).write_text("[1, 2")
    assert notices.editors("Page") == []
    notices.touch("Page", "bob")
    assert [e.username for e in notices.editors("Page")] == ["bob"]


def test_readable_diff_marks_words_inside_changed_lines():
    hunks = readable_diff("un\ndeux trois\nquatre\n", "un\ndeux 3\nquatre\ncinq\n")
    rows = hunks[0]
    assert [r.tag for r in rows] == [" ", "-", "+", " ", "+"]
    removed, added = rows[1], rows[2]
    assert (True, "trois") in removed.segments
    assert (False, "deux ") in removed.segments
    assert (True, "3") in added.segments
    assert rows[4].segments == ((True, "cinq"),)
    assert (removed.old_number, added.new_number) == (2, 2)
    assert readable_diff("même\n", "même\n") == []


def test_readable_diff_shows_unrelated_lines_whole():
    rows = readable_diff("tout autre chose\n", "rien à voir\n")[0]
    assert rows[0].segments == ((True, "tout autre chose"),)
    assert rows[1].segments == ((True, "rien à voir"),)


@dataclass
class _User:
    username: str
    password_hash: str = "scrypt:1"
    active: bool = True


def test_feed_keys_end_with_the_password():
    people = {"anne": _User("anne")}
    key = make_key("secret", people["anne"])
    assert check_key("secret", key, people.get) is people["anne"]
    assert check_key("autre-secret", key, people.get) is None
    assert check_key("secret", key + "x", people.get) is None
    assert check_key("secret", "", people.get) is None
    people["anne"].password_hash = "scrypt:2"  # password changed
    assert check_key("secret", key, people.get) is None
    people["anne"] = _User("anne", "scrypt:1", active=False)
    assert check_key("secret", key, people.get) is None


def test_saves_append_to_the_journal_and_compaction_keeps_every_link(tmp_path, monkeypatch):
    import wiki.links

    store, index = make_index(tmp_path)
    store.save("A", "[[B]]", author="anne")
    snapshot = index.path.read_bytes()
    store.save("C", "[[B]] [[D]]", author="anne")
    assert index.path.read_bytes() == snapshot  # a save does not rewrite the whole index
    assert index.journal.read_text().count("\n") == 1
    other_store, other = make_index(tmp_path)
    assert other.backlinks("B") == ["A", "C"]
    monkeypatch.setattr(wiki.links, "COMPACT_BYTES", 1)  # fold on the next save
    other_store.save("E", "[[D]]", author="bob")
    assert index.journal.read_bytes() == b""
    assert set(json.loads(index.path.read_text())["pages"]) == {"A", "C", "E"}
    assert index.backlinks("D") == ["C", "E"]  # the first process reloads the new snapshot
    store.save("C", "plus rien", author="anne")
    assert other.backlinks("B") == ["A"]
    assert other.backlinks("D") == ["E"]
    assert other.has("C")
    assert not other.has("Z")


def test_a_damaged_journal_line_is_skipped(tmp_path):
    store, index = make_index(tmp_path)
    store.save("A", "[[B]]", author="anne")
    store.save("C", "[[B]]", author="anne")
    with open(index.journal, "a", encoding="utf-8") as fh:
        fh.write('{"name": 3}\n{pas du json\n')
    store.save("D", "[[B]]", author="anne")
    assert make_index(tmp_path)[1].backlinks("B") == ["A", "C", "D"]


def test_rebuild_links_command_and_lost_derived_folder(app, runner, client):
    import shutil
    from pathlib import Path

    store = app.extensions["reperes"]["pages"]
    store.save("A", "[[B]]", author="anne", meta={"public": True})
    store.save("B", "cible", author="anne", meta={"public": True})
    shutil.rmtree(Path(app.config["DATA_DIR"]) / "derived")  # e.g. after a restore
    assert "/wiki/A" in client.get("/wiki/B").get_data(as_text=True)
    result = runner.invoke(args=["wiki", "rebuild-links"])
    assert result.exit_code == 0
    assert "2 pages" in result.output


def test_edit_notices_survive_a_removed_folder(tmp_path):
    notices = EditNotices(tmp_path / "editing")
    (tmp_path / "editing").rmdir()
    notices.touch("Page", "anne")
    assert [e.username for e in notices.editors("Page")] == ["anne"]


def test_names_lists_existing_pages_without_scanning(tmp_path):
    store, index = make_index(tmp_path)
    for name in ("b", "A", "Modèles/CR"):
        store.save(name, "x", author="anne")
    store.delete("b", author="anne")
    assert index.names() == ["A", "Modèles/CR"]


def test_warm_reads_an_existing_index_and_never_rebuilds(tmp_path):
    store, index = make_index(tmp_path)
    store.save("A", "[[B]]", author="anne")
    fresh = LinkIndex(index.path, store, plain_links)
    fresh.warm()
    assert fresh._pages == {"A": (("B",), False)}
    index.path.unlink()
    index.journal.unlink()
    cold = LinkIndex(index.path, store, plain_links)
    cold.warm()  # no file: nothing is read or rebuilt at start-up
    assert not index.path.exists()
    assert cold.backlinks("B") == ["A"]  # rebuilt at the first use instead
    assert index.path.exists()


def test_pages_named_like_the_snapshot_fields_survive_a_reload(tmp_path):
    store, index = make_index(tmp_path)
    store.save("links", "[[public]]", author="anne", meta={"public": True})
    store.save("public", "[[links]]", author="anne")
    index.rebuild()
    fresh = LinkIndex(index.path, store, plain_links)  # reads the snapshot written above
    assert fresh.names() == ["links", "public"]
    assert fresh.backlinks("public") == ["links"]
    assert fresh.backlinks("links", public_only=True) == []  # « public » is not a public page
    assert fresh.public_names() == {"links"}

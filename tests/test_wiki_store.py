"""Unit tests of the versioned document store: only tmp_path, no Flask."""

import multiprocessing
import os
import signal

import pytest

from wiki.names import InvalidName
from wiki.store import ConflictError, DocumentStore, NotFound, diff_lines


def test_second_save_adds_a_revision(tmp_path):
    store = DocumentStore(tmp_path)
    store.save("Accueil", "v1", author="anne")
    store.save("Accueil", "v2", author="anne")
    assert store.load("Accueil").text == "v2"
    assert [r.number for r in store.revisions("Accueil")] == [1, 2]
    assert store.load("Accueil", 1).text == "v1"


def test_unchanged_save_writes_nothing(tmp_path):
    store = DocumentStore(tmp_path)
    first = store.save("Accueil", "v1", author="anne")
    again = store.save("Accueil", "v1", author="bob")
    assert again.number == first.number == 1


def test_unicode_and_subpage_names_round_trip(tmp_path):
    store = DocumentStore(tmp_path)
    for name in ["Compte rendu — réunion du 3 mars", "Projets/Jardin partagé"]:
        store.save(name, f"texte de {name}", author="anne")
    assert store.names() == ["Compte rendu — réunion du 3 mars", "Projets/Jardin partagé"]
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 2  # one folder each


@pytest.mark.parametrize("name", ["../app.py", "a/../../b", "/etc/passwd", "a\x00b", "x" * 201, "", "."])
def test_bad_names_are_refused(tmp_path, name):
    store = DocumentStore(tmp_path)
    with pytest.raises(InvalidName):
        store.save(name, "x", author="anne")
    with pytest.raises(NotFound):
        store.load(name)
    assert list(tmp_path.iterdir()) == []


def test_edit_log_and_recent(tmp_path):
    store = DocumentStore(tmp_path)
    store.save("A", "a", author="anne", comment="premier\tjet\n")
    store.save("B", "b", author="bob")
    store.save("A", "aa", author="bob", comment="suite")
    log = store.history("A")
    assert [(e.number, e.action, e.author) for e in log] == [(1, "SAVENEW", "anne"), (2, "SAVE", "bob")]
    assert log[0].comment == "premier jet"
    assert [(e.name, e.number) for e in store.recent(2)] == [("A", 2), ("B", 1)]


def test_damaged_log_line_is_skipped(tmp_path):
    store = DocumentStore(tmp_path)
    store.save("A", "a", author="anne")
    with open(store.path("A") / "edit-log", "a") as fh:
        fh.write("garbage line\n")
    store.save("A", "b", author="anne")
    assert [e.number for e in store.history("A")] == [1, 2]
    assert store.load("A").text == "b"


def test_merge_of_edits_to_different_parts(tmp_path):
    store = DocumentStore(tmp_path)
    base = store.save("CR", "titre\n\nun\ndeux\ntrois\n", author="anne")
    store.save("CR", "titre modifié\n\nun\ndeux\ntrois\n", author="anne", base_rev=base.number)
    merged = store.save("CR", "titre\n\nun\ndeux\ntrois\nquatre\n", author="bob", base_rev=base.number)
    assert merged.merged
    assert store.load("CR").text == "titre modifié\n\nun\ndeux\ntrois\nquatre\n"


def test_overlapping_edits_raise_conflict_and_write_nothing(tmp_path):
    store = DocumentStore(tmp_path)
    base = store.save("CR", "ligne\n", author="anne")
    store.save("CR", "ligne d'anne\n", author="anne", base_rev=1)
    with pytest.raises(ConflictError) as info:
        store.save("CR", "ligne de bob\n", author="bob", base_rev=base.number)
    assert info.value.current.text == "ligne d'anne\n"
    assert info.value.mine == "ligne de bob\n"
    assert "ligne de bob" in info.value.merged
    assert "ligne d'anne" in info.value.merged
    assert store.current_number("CR") == 2


def test_revert_creates_a_new_revision(tmp_path):
    store = DocumentStore(tmp_path)
    store.save("A", "un", author="anne", meta={"public": True})
    store.save("A", "deux", author="anne", meta={})
    rev = store.revert("A", 1, author="bob")
    assert (rev.number, rev.text, rev.action, rev.meta) == (3, "un", "REVERT", {"public": True})


def test_delete_is_recoverable(tmp_path):
    store = DocumentStore(tmp_path)
    store.save("A", "un", author="anne")
    store.delete("A", author="admin")
    assert not store.exists("A")
    with pytest.raises(NotFound):
        store.load("A")
    assert store.names() == []
    assert store.load("A", 1).text == "un"
    store.revert("A", 1, author="admin")
    assert store.load("A").text == "un"


def test_listing_reads_headers_only_and_bulk_reads_keep_no_text(tmp_path):
    # Every worker keeps its own revision cache: listing a store of thousands of documents,
    # or reading them all once (the directory parses its sheets), must not fill it.
    store = DocumentStore(tmp_path)
    for name in ("A", "B", "C"):
        store.save(name, name * 1000, author="anne")
    store.delete("B", author="admin")
    fresh = DocumentStore(tmp_path)
    assert fresh.names() == ["A", "C"]
    assert fresh.load("C", cache=False).text == "C" * 1000
    assert len(fresh._cache) == 0  # nothing kept
    assert fresh.load("A").text == "A" * 1000
    assert len(fresh._cache) == 1


def test_header_only_load_has_everything_but_the_text(tmp_path):
    store = DocumentStore(tmp_path)
    store.save("A", "un", author="anne", meta={"public": True})
    store.save("A", "deux\nlignes", author="bob", comment="suite", meta={"public": False})
    fresh = DocumentStore(tmp_path)
    head = fresh.load("A", text=False)
    assert (head.number, head.author, head.comment, head.meta, head.text) == (2, "bob", "suite", {"public": False}, "")
    assert len(fresh._cache) == 0  # nothing kept: a later full load reads the text
    assert fresh.load("A").text == "deux\nlignes"
    assert fresh.load("A", 1, text=False).meta == {"public": True}
    store.delete("A", author="admin")
    with pytest.raises(NotFound):
        DocumentStore(tmp_path).load("A", text=False)


def test_a_damaged_header_line_does_not_hide_or_break_a_document(tmp_path):
    store = DocumentStore(tmp_path)
    store.save("A", "un", author="anne")
    rev = store.path("A") / "revisions" / "00000001"
    rev.write_bytes(b"\xff not json\nun")
    fresh = DocumentStore(tmp_path)
    assert fresh.names() == ["A"]
    assert fresh.load("A").text == "un"


def test_rename_keeps_history_and_redirects(tmp_path):
    store = DocumentStore(tmp_path)
    store.save("Ancien", "un", author="anne")
    store.save("Ancien", "deux", author="anne")
    store.rename("Ancien", "Nouveau", author="bob")
    assert [r.text for r in store.revisions("Nouveau")] == ["un", "deux", "deux"]
    assert store.redirect_target("Ancien") == "Nouveau"
    assert not store.exists("Ancien")
    assert store.names() == ["Nouveau"]
    store.save("Ancien", "recréée", author="anne")
    assert store.load("Ancien").text == "recréée"
    assert store.redirect_target("Ancien") is None


def test_rename_onto_existing_page_is_refused(tmp_path):
    store = DocumentStore(tmp_path)
    store.save("A", "a", author="anne")
    store.save("B", "b", author="anne")
    with pytest.raises(FileExistsError):
        store.rename("A", "B", author="anne")
    assert store.load("A").text == "a"
    assert store.load("B").text == "b"


def test_listener_failure_does_not_fail_the_save(tmp_path):
    store = DocumentStore(tmp_path)
    seen = []

    def broken(change):
        seen.append(change.name)
        raise RuntimeError("index busy")

    store.listeners.append(broken)
    assert store.save("A", "a", author="anne").number == 1
    assert seen == ["A"]


def test_diff_marks_additions_and_deletions():
    hunks = diff_lines("un\ndeux\ntrois\n", "un\n2\ntrois\nquatre\n")
    tags = [(line.tag, line.text) for hunk in hunks for line in hunk]
    assert ("-", "deux") in tags
    assert ("+", "2") in tags
    assert ("+", "quatre") in tags


def _saver(root, worker, count):
    store = DocumentStore(root)
    for i in range(count):
        store.save("Partagée", f"worker {worker} save {i}", author=f"w{worker}")


def test_four_processes_fifty_saves_each_give_contiguous_revisions(tmp_path):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_saver, args=(tmp_path, w, 50)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    store = DocumentStore(tmp_path)
    revisions = store.revisions("Partagée")
    assert [r.number for r in revisions] == list(range(1, 201))
    texts = {r.text for r in revisions}
    assert texts == {f"worker {w} save {i}" for w in range(4) for i in range(50)}
    assert [e.number for e in store.history("Partagée")] == list(range(1, 201))


def _save_and_die(root, ready):
    import wiki.store as store_module

    def die_after_revision(*args, **kwargs):
        ready.set()
        os.kill(os.getpid(), signal.SIGKILL)

    store = DocumentStore(root)
    store_module.atomic_write = die_after_revision  # dies between revision file and `current`
    store.save("A", "version partielle", author="anne")


def test_process_killed_mid_save_leaves_previous_revision_intact(tmp_path):
    store = DocumentStore(tmp_path)
    store.save("A", "version intacte", author="anne")
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()
    proc = ctx.Process(target=_save_and_die, args=(tmp_path, ready))
    proc.start()
    proc.join(30)
    assert proc.exitcode == -signal.SIGKILL
    assert ready.is_set()
    fresh = DocumentStore(tmp_path)
    assert fresh.load("A").text == "version intacte"
    assert [r.number for r in fresh.revisions("A")] == [1]
    # the next writer removes the unacknowledged revision and reuses its number
    assert fresh.save("A", "suite", author="bob").number == 2
    leftovers = [p.name for p in fresh.path("A").rglob(".tmp-*")]
    assert leftovers == []
    assert fresh.load("A", 2).text == "suite"


def test_revision_cache_stays_within_its_character_budget(tmp_path, monkeypatch):
    from wiki import store as store_mod

    monkeypatch.setattr(store_mod, "CACHE_CHARS", 10_000)
    store = DocumentStore(tmp_path, fsync=False)
    for i in range(30):
        store.save(f"Page {i}", "é" * 1_000, author="anne")
    for i in range(30):
        assert store.load(f"Page {i}").text == "é" * 1_000
    assert store._cache.weight <= 10_000
    assert len(store._cache) == 10  # the most recently read ones, not an emptied cache


def test_try_file_lock_says_whether_it_holds_the_lock(tmp_path):
    from wiki.store import try_file_lock

    lock = tmp_path / "x.lock"
    with try_file_lock(lock) as first:
        assert first is True
        with try_file_lock(lock) as second:  # another open file description: refused, not waited
            assert second is False
    with try_file_lock(lock) as again:  # released on exit
        assert again is True


def test_try_file_lock_is_released_even_if_a_forked_child_kept_the_descriptor(tmp_path):
    # A process forked while the lock is held shares the descriptor; the lock must still go
    # when the holder leaves the block, and the tracked descriptors say what to close.
    from wiki.store import try_file_lock

    lock, fds = tmp_path / "x.lock", set()
    go_r, go_w = os.pipe()
    with try_file_lock(lock, fds=fds) as held:
        assert held is True
        assert len(fds) == 1
        child = os.fork()
        if child == 0:  # keeps every inherited descriptor open until told to exit
            os.read(go_r, 1)
            os._exit(0)
    try:
        assert fds == set()
        with try_file_lock(lock) as again:
            assert again is True
    finally:
        os.write(go_w, b"x")
        os.waitpid(child, 0)


def test_reading_documents_interns_no_path_strings(tmp_path, monkeypatch):
    # pathlib interns every path component it parses: a worker reading thousands of documents
    # grew the interpreter's table of interned strings by ~2 MB. The read paths use strings.
    import pathlib
    import sys

    from wiki.attachments import AttachmentStore

    store = DocumentStore(tmp_path / "pages", fsync=False)
    files = AttachmentStore(store)
    for i in range(10):
        store.save(f"Page {i}", f"texte {i}", author="anne")
    interned = []

    class CountingSys:
        def __getattr__(self, name):
            return getattr(sys, name)

        @staticmethod
        def intern(text):
            interned.append(text)
            return sys.intern(text)

    def read_all(start):
        for i in range(start, start + 5):
            assert store.load(f"Page {i}").text == f"texte {i}"
            assert store.load(f"Page {i}", text=False).number == 1
            assert store.exists(f"Page {i}")
            assert files.list(f"Page {i}") == []
        assert store.current_number("Absente") is None
        assert store.clean_temp_files() == []

    read_all(0)  # first calls may import a module (its finder uses pathlib)
    monkeypatch.setattr(pathlib, "sys", CountingSys())
    read_all(5)
    assert interned == []


def test_listing_a_store_keeps_no_headers(tmp_path):
    # The header cache is for the pages being read; a listing of 1,000 sheets filled it
    # (~0.4 MB per worker) and pushed those out.
    store = DocumentStore(tmp_path, fsync=False)
    for i in range(5):
        store.save(f"Page {i}", "texte", author="anne")
    store.delete("Page 4", author="anne")
    store._heads.clear()
    assert store.names() == [f"Page {i}" for i in range(4)]
    assert len(store._heads) == 0
    assert store.exists("Page 1")
    assert len(store._heads) == 1  # a single check still uses it

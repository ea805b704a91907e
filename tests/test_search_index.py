"""The index: French analysis, relevance on a fixture with known answers, permissions,
updates from the store (save, rename, delete), several processes, rebuild of a broken index."""

from __future__ import annotations

import contextlib
import fcntl
import json
import multiprocessing
import os

import pytest
from search_fixture import PAGES, SHEETS, make_index

from search.index import analyze, normalize_word


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """One index over the whole fixture (read-only tests share it)."""
    index, _sheets, _pages = make_index(tmp_path_factory.mktemp("search"))
    return index


def top(index, q, n=3, member=True, kind=None):
    """Keys of the first n results."""
    return [h.key for h in index.search(q, member=member, kind=kind).hits[:n]]


# ---------------------------------------------------------------- analysis


@pytest.mark.parametrize("word", ["hébergement", "héberger", "hébergements", "hebergement", "HÉBERGÉ"])
def test_forms_of_a_word_share_one_term(word):
    assert normalize_word(word) == normalize_word("hébergement")


def test_plural_and_accents_fold_to_the_same_terms():
    assert analyze("Comptes rendus") == analyze("compte rendu")
    assert analyze("Œuvre sociale") == analyze("oeuvre SOCIALE")


def test_stop_words_and_elisions_are_dropped():
    assert analyze("l'accueil de la nuit et du jour") == analyze("accueil nuit jour")
    assert analyze("de la et") == []


# ---------------------------------------------------------------- relevance

KNOWN_ANSWERS = [
    ("hebergement urgence", "foyer-urgence"),
    ("douche", "point-h"),
    ("douches", "point-h"),
    ("coiffeur", "ciseaux-or"),
    ("sortant de prison", "passerelle"),
    ("alcolisme", "addictions-ouest"),
    ("accueil de jour week-end", "maison-solidarite"),
    ("compte rendu mars", "Comptes rendus/2026-03-10 Réunion du réseau"),
    ("hébergement", "foyer-urgence"),
    ("héberger", "chrs-ker-digemer"),
    ("hébergements", "foyer-urgence"),
    ("dormir", "halte-nuit"),
    ("manger", "fourneau"),
]


@pytest.mark.parametrize(("query", "expected"), KNOWN_ANSWERS)
def test_expected_document_is_in_the_top_three(filled, query, expected):
    assert expected in top(filled, query), top(filled, query, 10)


def test_titles_weigh_more_than_body_text(filled):
    # « Laverie » (title) before the long page that mentions a laverie once in its body.
    keys = top(filled, "laverie", 10)
    assert keys.index("laverie") < keys.index("Laverie du quartier")


def test_all_words_are_required_before_partial_matches(filled):
    results = filled.search("compte rendu mars", member=True)
    assert not results.partial
    assert "Modèles/Compte rendu de réunion" not in [h.key for h in results.hits]


def test_a_typo_gives_results_and_a_correction_from_visible_words(filled):
    results = filled.search("alcolisme", member=False)
    assert results.approximate
    assert results.suggestion == "alcoolisme"
    assert results.hits[0].key == "addictions-ouest"


def test_short_words_are_not_corrected(filled):
    assert filled.search("rpas", member=True).total == 0  # 4 letters: no fuzzy matching


def test_words_found_in_no_document_give_nothing(filled):
    results = filled.search("kwyjibo", member=True)
    assert results.total == 0
    assert results.hits == []
    assert results.suggestion is None


def test_only_stop_words_is_an_empty_search(filled):
    assert filled.search("de la", member=True).total == 0


def test_snippet_marks_the_matching_words(filled):
    hit = next(h for h in filled.search("douches laverie", member=False).hits if h.key == "point-h")
    marked = {text.lower() for text, mark in hit.snippet if mark}
    assert {"douches", "laverie"} <= marked


def test_counts_per_kind_and_pagination(filled):
    results = filled.search("accueil", member=True, page_size=2)
    assert results.counts["structures"] >= 3
    assert results.total == sum(results.counts.values())
    assert results.pages == -(-results.total // 2)
    second = filled.search("accueil", member=True, page=2, page_size=2)
    assert {h.key for h in second.hits}.isdisjoint({h.key for h in results.hits})
    beyond = filled.search("accueil", member=True, page=results.pages + 1, page_size=2)
    assert beyond.hits == []


def test_a_kind_tab_only_lists_that_kind(filled):
    results = filled.search("accueil", member=True, kind="pages")
    assert results.hits
    assert {h.kind for h in results.hits} == {"pages"}
    assert results.total == results.counts["pages"]


def test_search_ids_ranks_the_keys_of_one_kind(filled):
    keys = filled.search_ids("structures", "hebergement urgence", member=False)
    assert keys[0] == "foyer-urgence"
    assert all(k in SHEETS for k in keys)
    assert filled.search_ids("structures", "", member=False) == []


def test_name_suggestions(filled):
    titles = [s["title"] for s in filled.suggest_names("acc", member=False)]
    assert titles[0] == "Accueil de jour Le Point H"
    assert "Accueil de jour zorglub (brouillon)" not in titles  # a draft
    member_titles = [s["title"] for s in filled.suggest_names("acc", member=True)]
    assert "Accueil de jour zorglub (brouillon)" in member_titles
    assert filled.suggest_names("ciseaux", member=False) == [{"title": "Les Ciseaux d'Or",
                                                             "url": "/annuaire/ciseaux-or"}]
    assert filled.suggest_names("a", member=False) == []


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize("word", ["zorglub", "quintessence", "xylophone", "4512", "bilan hiver"])
def test_anonymous_search_never_sees_private_text(filled, word):
    results = filled.search(word, member=False)
    assert results.total == 0
    assert results.hits == []
    assert sum(results.counts.values()) == 0
    assert results.suggestion is None
    assert filled.search_ids("structures", word, member=False) == []


@pytest.mark.parametrize("word", ["zorglub", "xylophone", "bilan hiver"])
def test_members_find_private_text(filled, word):
    assert filled.search(word, member=True).total >= 1


def test_anonymous_snippets_never_show_pro_only_text(filled):
    hit = filled.search("jeunes travailleurs", member=False).hits[0]
    assert hit.key == "fjt"
    assert "xylophone" not in "".join(text for text, _ in hit.snippet)


def test_anonymous_typo_correction_never_reveals_a_private_word(filled):
    results = filled.search("zorglib", member=False)
    assert results.total == 0
    assert results.suggestion is None


def test_anonymous_counts_exclude_private_documents(filled):
    anonymous = filled.search("accueil", member=False).counts
    member = filled.search("accueil", member=True).counts
    assert anonymous["structures"] == member["structures"] - 1  # the draft
    public_pages = sum(1 for name, (text, public) in PAGES.items()
                       if public and "accueil" in (name + text).lower())
    assert anonymous["pages"] == public_pages


# ---------------------------------------------------------------- updates


def test_save_rename_delete_are_followed(tmp_path):
    index, _sheets, pages = make_index(tmp_path, filled=False)
    pages.save("Notes", "le mot frangipane", author="a", meta={"public": True})
    assert top(index, "frangipane", member=False) == ["Notes"]
    pages.save("Notes", "le mot clafoutis", author="a")
    assert top(index, "frangipane") == []
    assert top(index, "clafoutis") == ["Notes"]
    pages.rename("Notes", "Desserts", author="a")
    assert top(index, "clafoutis") == ["Desserts"]
    pages.delete("Desserts", author="a")
    assert top(index, "clafoutis") == []
    assert index.pending() == 0


def test_unpublishing_hides_a_document_from_anonymous_search(tmp_path):
    index, _sheets, pages = make_index(tmp_path, filled=False)
    pages.save("Annonce", "brocante solidaire", author="a", meta={"public": True})
    assert top(index, "brocante", member=False) == ["Annonce"]
    pages.save("Annonce", "brocante solidaire", author="a", meta={"public": False})
    assert top(index, "brocante", member=False) == []
    assert top(index, "brocante", member=True) == ["Annonce"]


@contextlib.contextmanager
def writer_lock_held(index):
    """Hold the index's writer lock as another process would."""
    fd = os.open(index.root / "writer.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def test_a_save_never_waits_for_a_busy_index(tmp_path):
    index, _sheets, pages = make_index(tmp_path, filled=False, sync=False)
    with writer_lock_held(index):
        pages.save("Pendant", "tartelette", author="a", meta={"public": True})  # returns at once
        assert index.drain(block=False) == -1
        assert index.pending() == 1
    assert index.drain(block=True) in (0, 1)  # 0: this process's drainer thread was first
    assert top(index, "tartelette") == ["Pendant"]
    assert index.pending() == 0


def test_the_background_indexer_frees_what_a_write_leaves_behind(tmp_path, monkeypatch):
    # Whoosh's writers and readers sit in reference cycles a web worker rarely collects:
    # after indexing in the background, the worker's memory must not keep them.
    import gc
    import threading

    from whoosh.writing import SegmentWriter

    from search import index as index_mod

    released = threading.Event()
    original = index_mod.release_memory

    def release():
        original()
        released.set()

    monkeypatch.setattr(index_mod, "release_memory", release)
    index, _sheets, pages = make_index(tmp_path, filled=False, sync=False)
    pages.save("Recette", "tartelette aux fraises " * 100, author="a", meta={"public": True})
    assert released.wait(30), "the background indexer did not release its memory"
    assert index.pending() == 0
    # (readers of other tests' indexes may be alive and in use; a writer never is)
    assert [o for o in gc.get_objects() if isinstance(o, SegmentWriter)] == []
    assert top(index, "fraises") == ["Recette"]


def test_a_spool_file_from_another_process_is_indexed(tmp_path):
    index, _sheets, pages = make_index(tmp_path, filled=False, sync=False)
    pages.listeners.clear()  # as if another process saved and died before indexing
    pages.save("Orpheline", "madeleine", author="a", meta={"public": True})
    (index.spool / "00000000000000000001-999-abcd.json").write_text(
        json.dumps({"kind": "pages", "key": "Orpheline"}))
    (index.spool / "00000000000000000002-999-dead.json").write_text("{not json")
    assert index.search("madeleine", member=True).total == 1  # the old spool file is drained first
    assert index.pending() == 0


def _writer_process(root, worker, count):
    from search_fixture import make_index

    _index, _sheets, pages = make_index(root, filled=False)
    for i in range(count):
        pages.save(f"P{worker}-{i}", f"texte commun ecrivain{worker} numero{i}", author="w",
                   meta={"public": True})


@pytest.mark.slow
def test_four_processes_saving_at_once_lose_no_update(tmp_path):
    make_index(tmp_path, filled=False)
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer_process, args=(tmp_path, w, 15)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    index, _sheets, _pages = make_index(tmp_path, filled=False)
    assert index.pending() == 0
    assert index.search("commun", member=True, page_size=100).total == 60
    for w in range(4):
        assert index.search(f"ecrivain{w}", member=True).total == 15


# ---------------------------------------------------------------- rebuild


def test_rebuild_reads_every_document_again(tmp_path):
    index, _sheets, _pages = make_index(tmp_path)
    before = index.search("accueil", member=True).counts
    assert index.rebuild() == len(SHEETS) + len(PAGES)
    assert index.search("accueil", member=True).counts == before


def test_a_missing_index_is_rebuilt_at_start(tmp_path):
    index, _sheets, _pages = make_index(tmp_path)
    (index.root / "CURRENT").unlink()
    assert not index.healthy()
    index.check_at_start()
    assert index.healthy()
    assert top(index, "douche")


def test_a_corrupt_index_is_rebuilt(tmp_path):
    index, _sheets, _pages = make_index(tmp_path)
    folder = index.root / json.loads((index.root / "CURRENT").read_text())["dir"]
    for f in folder.iterdir():
        f.write_bytes(b"garbage")
    assert not index.healthy()
    index.check_at_start()
    assert index.healthy()
    assert "point-h" in top(index, "douche")


def test_search_says_rebuilding_while_the_index_is_rebuilt(tmp_path):
    index, _sheets, _pages = make_index(tmp_path, sync=False)
    index.drain(block=True)  # nothing left for the drainer thread to do
    (index.root / "CURRENT").unlink()
    with writer_lock_held(index):  # the rebuild thread waits for the lock
        results = index.search("douche", member=True)
        assert results.rebuilding
        assert results.hits == []
        assert index.search_ids("structures", "douche", member=True) == []
    index.wait_for_rebuild()
    assert index.healthy()
    assert not index.search("douche", member=True).rebuilding


def test_a_forked_worker_does_not_keep_the_parents_writer_lock(tmp_path):
    index, _sheets, _pages = make_index(tmp_path, filled=False)
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    with index._writer_lock() as locked:
        assert locked
        pid = os.fork()  # as gunicorn forks workers after preload_app
        if pid == 0:  # the worker (fork handlers done): says it runs, stays alive until told
            os.write(ready_w, b"r")
            os.read(go_r, 1)
            os._exit(0)
        assert os.read(ready_r, 1) == b"r"
    try:
        assert index.drain(block=False) == 0  # released, although the worker still lives
    finally:
        os.write(go_w, b"x")
        os.waitpid(pid, 0)


def test_changes_the_index_never_heard_of_are_reconciled_at_start(tmp_path):
    index, _sheets, pages = make_index(tmp_path, filled=False)
    pages.save("Vue", "brioche", author="a", meta={"public": True})
    pages.save("Gone", "croissant", author="a", meta={"public": True})
    pages.listeners.clear()  # as if the process died between each save and its spool file
    pages.save("Vue", "fougasse", author="a")
    pages.save("Nouvelle", "kouign-amann", author="a", meta={"public": True})
    pages.delete("Gone", author="a")
    assert top(index, "fougasse") == []
    assert top(index, "croissant") == ["Gone"]
    assert index.reconcile() == 3
    assert top(index, "fougasse") == ["Vue"]
    assert top(index, "brioche") == []
    assert top(index, "kouign") == ["Nouvelle"]
    assert top(index, "croissant") == []
    assert index.reconcile() == 0  # nothing left to do
    index.check_at_start()  # what a new worker does: same answer
    assert index.pending() == 0


# ---------------------------------------------------------------- memory of a worker


def test_whoosh_is_imported_without_what_it_does_not_use():
    # whoosh.lang.snowball imports 14 languages (~2 MB per process), the `cached_property`
    # package imports asyncio (~1.5 MB): the index needs one stemmer and one decorator.
    import subprocess
    import sys
    from pathlib import Path

    script = ("import sys; from search.index import normalize_word as n;"
              "print(n('hébergements'), sorted(m for m in sys.modules if m.startswith('whoosh.lang.snowball')),"
              " 'asyncio' in sys.modules, 'cached_property' in sys.modules);"
              "from whoosh.lang import stemmer_for_language as s; print(s('de')('häuser'), s('fr')('maisons'));"
              "import cached_property; print(hasattr(cached_property, 'threaded_cached_property'))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout.splitlines()
    assert out[0] == "heberg ['whoosh.lang.snowball.bases', 'whoosh.lang.snowball.french'] False False"
    assert out[1] == "haus maison"  # the whole package still loads for whoever asks for it
    assert out[2] == "True"  # and so does the real cached_property


def test_a_stand_in_never_outlives_its_block():
    import sys

    from search.standin import stand_in

    with stand_in("reperes_fake_module", answer=42):
        import reperes_fake_module

        assert reperes_fake_module.answer == 42
    assert "reperes_fake_module" not in sys.modules
    with stand_in("json", answer=42):  # already loaded: left alone
        import json
    assert json.dumps is sys.modules["json"].dumps


def _mapped_segments() -> list[str]:
    with open("/proc/self/maps") as fh:
        return [line for line in fh if line.rstrip().endswith(".seg")]


def test_segments_are_read_without_mapping_them(filled):
    # A mapped segment keeps every page a search touched in the worker's memory (~12 MB per
    # worker at 10,000 pages); read with pread they stay in the kernel's page cache.
    assert filled.search("hebergement urgence", member=True).hits
    assert filled.search_ids("structures", "douche", member=False)
    assert filled.suggest_names("acc", member=False)
    assert _mapped_segments() == []


def test_searching_threads_read_the_same_segments_correctly(filled):
    import threading

    expected = {q: [h.key for h in filled.search(q, member=True).hits] for q, _k in KNOWN_ANSWERS}
    errors = []

    def search_all():
        try:
            for _round in range(5):
                for q, keys in expected.items():
                    got = [h.key for h in filled.search(q, member=True).hits]
                    if got != keys:
                        errors.append((q, got, keys))
        except Exception as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=search_all) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_a_closed_segment_is_never_read_again(filled):
    # Its descriptor number may belong to another file by then: reading must fail, not
    # return that file's bytes.
    from whoosh.filedb.structfile import BufferFile

    searcher = filled._searcher()
    reader = next(iter(searcher.reader().leaf_readers()))[0]
    storage = reader.storage()
    name = next(n for n in storage.list() if n.endswith(".trm"))
    part = storage.open_file(name)
    assert isinstance(part, BufferFile)
    assert part.get(0, 4)
    storage.close()
    with pytest.raises(ValueError, match="closed"):
        part.get(0, 4)

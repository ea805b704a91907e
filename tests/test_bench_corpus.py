"""The benchmark corpus: deterministic, French, valid, usable by `flask wiki import` (tiny sizes)."""

from __future__ import annotations

import re

from bench import corpus
from directory.sheet import validate
from search.index import analyze
from wiki.importer import import_folder
from wiki.markup import plain_links
from wiki.store import DocumentStore


def test_same_seed_same_corpus_other_seed_other_corpus():
    assert corpus.pages(20) == corpus.pages(20)
    assert corpus.pages(20, seed=1) != corpus.pages(20)
    assert corpus.sheets(5) == corpus.sheets(5)


def test_pages_are_2_to_8_kb_of_french_markdown_with_links():
    items = corpus.pages(30)
    names = [name for name, _text, _public in items]
    assert len(set(names)) == 30
    for _name, text, _public in items:
        assert 2000 <= len(text.encode("utf-8")) <= 8800
        assert text.startswith("# ")
    assert sum(bool(re.search(r"^## ", t, re.M)) for _n, t, _p in items) >= 15
    assert sum(bool(re.search(r"^- ", t, re.M)) for _n, t, _p in items) >= 15
    every = "".join(text for _n, text, _p in items)
    assert any(ch in every for ch in "éèàçê")
    links = [n for _n, text, _p in items for n in plain_links(text)]
    assert set(links) & set(names)  # links to other pages of the corpus
    assert any(n.startswith("Page absente") for n in links)  # and to missing ones
    assert {public for _n, _t, public in items} == {True, False}


def test_sheets_are_valid_with_hours_and_services():
    sheets = corpus.sheets(20)
    assert len({s.slug for s in sheets}) == 20
    for sheet in sheets:
        assert validate(sheet) == {}
        assert sheet.osm_hours
        assert 1 <= len(sheet.services) <= 4
    assert {s.status for s in corpus.sheets(60)} == {"publiee", "brouillon"}


def test_queries_cover_accents_typos_and_one_to_four_words():
    queries = corpus.QUERIES
    assert len(queries) >= 30
    assert any(q != q.encode("ascii", "ignore").decode() for q in queries)
    sizes = {len(analyze(q)) for q in queries}
    assert {1, 2, 3, 4} <= sizes
    assert "hebergment" in queries  # a typo of a word the corpus has


def test_markdown_files_import_as_pages(tmp_path):
    items = corpus.pages(5)
    folder = corpus.write_markdown(tmp_path / "md", items)
    store = DocumentStore(tmp_path / "pages")
    report = import_folder(store, folder)
    assert sorted(report.created) == sorted(n for n, _t, _p in items)
    name, text, _public = items[0]
    assert store.load(name).text == text

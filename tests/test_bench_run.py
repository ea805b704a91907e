"""`python -m bench` pieces on tiny sizes: loading through the stores, the table, the JSON keys."""

from __future__ import annotations

import json

import pytest

from bench import corpus, run

TOP_KEYS = {"hello_rps", "view_rps", "view_p50_ms", "view_p99_ms", "sheet_rps", "directory_filter_p95_ms",
            "search_p50_ms", "search_p95_ms", "save_p50_ms", "save_to_searchable_ms", "edit_form_p50_ms",
            "cold_start_s", "pss_mb", "reindex_s", "index_mb"}


def test_prepare_loads_the_corpus_through_the_stores_once(tmp_path, monkeypatch):
    monkeypatch.setenv("REPERES_CONFIG", "/nonexistent/reperes-bench.py")  # restored afterwards
    data = tmp_path / "data"
    figures = run.prepare(data, 6, 3, corpus.SEED)
    assert figures["load_s"] >= 0
    assert figures["reindex_s"] >= 0
    assert figures["index_mb"] > 0
    app = run._app(data)
    reperes = app.extensions["reperes"]
    names = corpus.page_names(6)
    assert reperes["pages"].names() == sorted(names, key=str.casefold)
    assert reperes["pages"].load(names[0]).meta["public"] is True
    assert reperes["pages"].load(names[1]).meta["public"] is False
    assert len(reperes["structures"].names()) == 3
    assert reperes["users"].get(run.MEMBER) is not None
    assert reperes["search_index"].stats()["documents"] >= 6
    again = run.prepare(data, 6, 3, corpus.SEED)  # the same corpus is not written twice
    assert "load_s" not in again
    assert reperes["pages"].load(names[0]).number == 1


def test_table_shows_each_figure_with_its_target_and_verdict():
    figures = {"hello_rps": 1000.0, "view_rps": 500.0, "view_p99_ms": 20.0, "pss_mb": 100.0}
    text = run.table(figures, 10_000)
    lines = text.splitlines()
    assert "10000 pages" in lines[0]
    view = next(line for line in lines if "[view_rps]" in line)
    assert ">= 0,4 x hello" in view
    assert view.endswith("ok")
    assert next(line for line in lines if "[view_p99_ms]" in line).endswith("MANQUÉ")
    assert "[search_p95_ms]" not in text  # only measured figures are shown


def test_every_interface_key_has_a_label():
    assert set(run.TARGETS) >= TOP_KEYS


def test_page_urls_are_quoted_like_the_wiki():
    from wiki.markup import default_link_url

    for name in corpus.page_names(20):
        assert run.page_url(name) == default_link_url(name)


def test_bad_arguments_are_refused(capsys):
    with pytest.raises(SystemExit):
        run.main(["--pages", "beaucoup"])
    assert "invalid int value" in capsys.readouterr().err


def test_json_of_a_run_has_the_interface_keys_at_the_top(tmp_path, monkeypatch):
    def fake_size(root, n, sheets, seed, tool, duration, opts):
        return {key: float(n) for key in TOP_KEYS}

    monkeypatch.setattr(run, "run_size", fake_size)
    monkeypatch.setattr(run, "ensure_wrk", lambda: None)
    out = tmp_path / "out.json"
    assert run.main(["--pages", "50", "--sheets", "5", "--compare-at", "10", "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) >= TOP_KEYS
    assert data["view_rps"] == 50.0
    assert data["at_10"]["view_rps"] == 10.0
    assert data["view_growth"] == 5.0
    assert data["meta"]["pages"] == 50
    assert data["meta"]["load_tool"] == "python"
    assert "cold_start_s" in data["misses"]  # 50 s is over the 1 s target

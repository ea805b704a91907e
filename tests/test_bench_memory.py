"""`python -m bench.memory` on a tiny corpus: forked workers, PSS per process, page sharing."""

from __future__ import annotations

import os

import pytest

from bench import corpus, memory, run


@pytest.mark.slow
def test_memory_profile_of_a_master_and_two_forked_workers(tmp_path, monkeypatch):
    monkeypatch.setenv("REPERES_CONFIG", "/nonexistent/reperes-bench.py")
    data = tmp_path / "data"
    run.prepare(data, 40, 12, corpus.SEED)
    result = memory.measure(data, 40, 12, corpus.SEED)
    assert len(result["workers"]) == 2
    assert result["total_pss_mb"] == pytest.approx(
        result["master"]["pss_mb"] + sum(w["pss_mb"] for w in result["workers"]))
    for worker in result["workers"]:
        assert worker["pss_mb"] > 5
        assert worker["top"]
        if os.geteuid() == 0:  # frame numbers are only shown to root
            pages = worker["pages_mb"]
            assert pages["shared"] > 1  # the app built before the fork is still shared
            assert pages["copied"] > 0  # and written into: reference counts
    text = memory.report(result)
    assert text.startswith("PSS total")
    assert text.count("\n  worker ") == 2
    # The workers saved pages through the edit form: the folder given was written to.
    pages = run._app(data).extensions["reperes"]["pages"]
    assert any("banc d'essai" in pages.load(name).text for name in corpus.page_names(40))

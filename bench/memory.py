"""`python -m bench.memory`: where the memory of the server processes goes (issue 9's pss_mb).

    .venv/bin/python -m bench.memory --pages 10000 --sheets 1000 --data-dir /tmp/bench-data

Like gunicorn with `preload_app` (deploy/gunicorn.conf.py), this process builds the app, runs
`gc.freeze()` and forks two "workers"; each serves the same fixed requests through Flask's
test client (page views as a visitor and as a member over 200 pages, 100 sheets, the
directory filters, the benchmark's queries, edit forms and saves). No sockets and no load
generator, so the figures repeat within a megabyte or two (heavier than `python -m bench`: both
workers run every request), unlike the PSS at the end of
`python -m bench`: use it to compare two versions of the code. It prints, per process, the
PSS and its biggest mappings, and for each worker the pages it still shares with the master,
the master's pages it had to copy (a write into a shared page: Python's reference counts
and its specialising interpreter write into every object and code object they use) and its
own new pages (caches, parsed data, what the allocator keeps). Reading page frame numbers
needs root (/proc/<pid>/pagemap); without it only the PSS lines are printed.

The data folder is the one `python -m bench --data-dir DIR` writes (DIR/data-<pages>-
<sheets>-<seed>, made here when missing); the workers save pages, so they run on a copy.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from bench import corpus, run
from bench.procmem import mappings_pss, pss_kb, sharing


def workload(app, n_pages: int, n_sheets: int, seed: int, worker: int) -> None:
    """The same requests in every worker (the saves go to different pages)."""
    member, visitor = app.test_client(), app.test_client()
    html = member.get("/login").get_data(as_text=True)
    member.post("/login", data={"username": run.MEMBER, "password": run.MEMBER_PASSWORD,
                                "csrf_token": run._TOKEN.search(html).group(1)})
    names = corpus.page_names(n_pages, seed)
    chosen = names[:: max(1, n_pages // run.VIEW_PAGES)][: run.VIEW_PAGES]
    for _round in range(3):
        for i, name in enumerate(chosen):
            (member if i % 2 else visitor).get(run.page_url(name))
    for i in range(0, n_sheets, max(1, n_sheets // 100)):
        member.get(f"/annuaire/structure-{i:05d}")
    for params in run.FILTERS * 2:
        visitor.get("/annuaire/?" + urlencode(params))
        member.get("/annuaire/?" + urlencode(params))
    for q in corpus.QUERIES * 2:
        visitor.get("/recherche?" + urlencode({"q": q}))
        member.get("/recherche?" + urlencode({"q": q}))
    for k, name in enumerate(chosen[worker * 20: worker * 20 + 15]):
        html = member.get(run.page_url(name) + "?action=edit").get_data(as_text=True)
        token, base = run._TOKEN.search(html), run._BASE_REV.search(html)
        if token and base:
            member.post(run.page_url(name), data={
                "csrf_token": token.group(1), "base_rev": base.group(1), "save": "1",
                "text": f"Texte modifié par le banc d'essai ({worker}, {k}).\n\nHébergement, douche."})
    for i, name in enumerate(chosen):
        (member if i % 2 else visitor).get(run.page_url(name))


def measure(data_dir: Path, n_pages: int, n_sheets: int, seed: int, workers: int = 2) -> dict:
    """Build the app here, fork the workers, run the workload; the figures (see module doc)."""
    os.environ["REPERES_CONFIG"] = "/nonexistent/reperes-bench.py"  # never the instance config
    os.environ["REPERES_DATA_DIR"] = str(data_dir)
    from app import create_app

    app = create_app()  # as gunicorn builds it: start-up tasks in a worker, indexing in the background
    gc.freeze()
    children = []
    for worker in range(workers):
        ready_r, ready_w = os.pipe()
        done_r, done_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # a worker: serve, say so, then wait to be measured
            os.close(ready_r)
            os.close(done_w)
            try:
                workload(app, n_pages, n_sheets, seed, worker)
            finally:
                os.write(ready_w, b"x")
                os.read(done_r, 1)
                os._exit(0)
        os.close(ready_w)
        os.close(done_r)
        children.append((pid, ready_r, done_w))
    for _pid, ready_r, _w in children:
        os.read(ready_r, 1)
    master = os.getpid()
    result = {"master": {"pss_mb": pss_kb(master) / 1024, "top": mappings_pss(master)}, "workers": []}
    for pid, _r, _w in children:
        result["workers"].append({"pss_mb": pss_kb(pid) / 1024, "top": mappings_pss(pid),
                                  "pages_mb": sharing(master, pid)})
    for pid, _r, done_w in children:
        os.write(done_w, b"x")
        os.waitpid(pid, 0)
    result["total_pss_mb"] = result["master"]["pss_mb"] + sum(w["pss_mb"] for w in result["workers"])
    return result


def report(result: dict) -> str:
    """The figures as a few lines of text."""
    def top(entries):
        return ", ".join(f"{name} {mb:.0f}" for name, mb in entries)

    lines = [f"PSS total {result['total_pss_mb']:.1f} MB (master + {len(result['workers'])} workers)",
             f"  master   {result['master']['pss_mb']:5.1f} MB: {top(result['master']['top'])}"]
    for i, worker in enumerate(result["workers"]):
        lines.append(f"  worker {i} {worker['pss_mb']:5.1f} MB: {top(worker['top'])}")
        pages = worker["pages_mb"]
        if pages:
            lines.append(f"           anonymous pages: {pages['shared']:.0f} MB shared with the master, "
                         f"{pages['copied']:.0f} MB copied from it, {pages['new']:.0f} MB new")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--sheets", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=20260301)
    parser.add_argument("--data-dir", type=Path, help="the folder given to python -m bench --data-dir")
    args = parser.parse_args(argv)
    root = args.data_dir or Path(tempfile.mkdtemp(prefix="reperes-bench-"))
    source = root / f"data-{args.pages}-{args.sheets}-{args.seed}"  # as python -m bench names it
    marker = source / "bench-corpus.json"
    wanted = {"pages": args.pages, "sheets": args.sheets, "seed": args.seed}
    if not (marker.exists() and json.loads(marker.read_text()) == wanted):
        source.mkdir(parents=True, exist_ok=True)
        run.prepare(source, args.pages, args.sheets, args.seed)
    with tempfile.TemporaryDirectory(prefix="reperes-memory-") as scratch:
        copy = Path(scratch) / "data"
        shutil.copytree(source, copy, symlinks=True)
        print(report(measure(copy, args.pages, args.sheets, args.seed)), flush=True)
    return 0

if __name__ == "__main__":
    sys.exit(main())

"""Search benchmark (a script, not a test): `python -m bench.search [--pages 10000 --sheets 1000]`.

Loads the deterministic corpus of bench/corpus.py through the document stores, then prints:
full reindex time, index size, query latency (median / p95) over the corpus's French
queries, time from a save to the page being searchable, and query latency while
4 writer processes save pages.

Targets on the 2-core machine: p95 <= 30 ms, save-to-searchable <= 1 s,
full reindex <= 3 min, p95 <= 100 ms with 4 writers.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def make_app(data: Path):
    """The real application on the benchmark's data folder (background indexing, as in production)."""
    from app import create_app

    return create_app({"DATA_DIR": str(data), "SECRET_KEY": "bench", "DEMO": False})


def load(data: Path, n_pages: int, n_sheets: int) -> float:
    """Write the corpus through plain DocumentStores (no index listeners); returns seconds."""
    from bench import corpus
    from directory.sheet import to_json
    from wiki.store import DocumentStore

    marker = data / f"loaded-{n_pages}-{n_sheets}"
    if marker.exists():
        return 0.0
    shutil.rmtree(data, ignore_errors=True)
    started = time.perf_counter()
    pages = DocumentStore(data / "pages", fsync=False)
    for name, text, public in corpus.pages(n_pages):
        pages.save(name, text, author="bench", meta={"public": public})
    sheets = DocumentStore(data / "structures", fsync=False)
    for sheet in corpus.sheets(n_sheets):
        sheets.save(sheet.slug, to_json(sheet), author="bench",
                    meta={"status": sheet.status, "name": sheet.name})
    marker.write_text("ok\n")
    return time.perf_counter() - started


def run_queries(index, queries: list[str], runs: int) -> list[tuple[str, float, float]]:
    """Time every query `runs` times, anonymous and member in turn (page 1, snippets, counts).

    Returns (query, wall-clock ms, CPU ms of this process): on a shared machine the CPU time
    shows what the query costs, the wall-clock time what a visitor waits.
    """
    timings = []
    for r in range(runs):
        for q in queries:
            started, cpu = time.perf_counter(), time.process_time()
            index.search(q, member=bool(r % 2), page_size=20)
            timings.append((q, (time.perf_counter() - started) * 1000,
                            (time.process_time() - cpu) * 1000))
    return timings


def report(label: str, timings: list[tuple[str, float, float]]) -> None:
    wall = [t[1] for t in timings]
    cpu = [t[2] for t in timings]
    print(f"{label}: {len(wall)} queries, median {statistics.median(wall):.1f} ms, "
          f"p95 {percentile(wall, 95):.1f} ms, max {max(wall):.1f} ms "
          f"(CPU: median {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 95):.1f} ms); "
          f"load average {os.getloadavg()[0]:.1f}")


def save_to_searchable(app, reader, rounds: int = 10) -> list[float]:
    """Seconds from a save (in this process) to a hit in another SearchIndex (another worker)."""
    pages = app.extensions["reperes"]["pages"]
    out = []
    for i in range(rounds):
        word = f"repere{os.getpid()}x{i}x{int(time.time())}"
        started = time.perf_counter()
        pages.save(f"Bench/Nouvelle page {word}", f"Une page toute neuve : {word}.", author="bench",
                   meta={"public": True})
        saved = time.perf_counter()
        while not reader.search(word, member=False).hits:
            if time.perf_counter() - started > 30:
                break
            time.sleep(0.005)
        out.append((time.perf_counter() - started, saved - started))
    return out


def writer(data: str, seconds: float, pause: float, seed: int, names: list[str], queue) -> None:
    """One writer process: edit existing pages as fast as `pause` allows, for `seconds`."""
    app = make_app(Path(data))
    pages = app.extensions["reperes"]["pages"]
    rng = random.Random(seed)
    saves = errors = 0
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        name = rng.choice(names)
        try:
            current = pages.load(name)
            pages.save(name, current.text + f"\nAjout ecrit{seed}n{saves} : écriture concurrente.\n",
                       author=f"writer{seed}", base_rev=current.number)
            saves += 1
        except Exception as exc:  # reported, never hidden
            errors += 1
            print(f"writer {seed}: {type(exc).__name__}: {exc}", file=sys.stderr)
        time.sleep(pause)
    index = app.extensions["reperes"]["search_index"]
    index.drain(block=True)
    queue.put((seed, saves, errors, f"ecrit{seed}n{saves - 1}" if saves else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--sheets", type=int, default=1_000)
    parser.add_argument("--data", type=Path, default=None, help="data folder (default: /tmp/reperes-bench-search-N)")
    parser.add_argument("--runs", type=int, default=6, help="passes over the query list")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--writer-seconds", type=float, default=20.0)
    parser.add_argument("--writer-pause", type=float, default=0.05, help="seconds between two saves of a writer")
    args = parser.parse_args(argv)
    data = args.data or Path(f"/tmp/reperes-bench-search-{args.pages}-{args.sheets}")

    from bench.corpus import QUERIES, page_names

    print(f"corpus: {args.pages} pages, {args.sheets} sheets in {data}; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    seconds = load(data, args.pages, args.sheets)
    if seconds:
        print(f"loaded through the stores in {seconds:.1f} s")
    app = make_app(data)
    index = app.extensions["reperes"]["search_index"]
    index.wait_for_rebuild()

    started, cpu = time.perf_counter(), time.process_time()
    count = index.rebuild()
    rebuild = time.perf_counter() - started
    stats = index.stats()
    print(f"full reindex: {count} documents in {rebuild:.1f} s (CPU {time.process_time() - cpu:.1f} s, "
          f"{count / rebuild:.0f} docs/s); index size {stats['bytes'] / 1e6:.1f} MB; "
          f"load average {os.getloadavg()[0]:.1f}")

    cold = run_queries(index, QUERIES, 1)
    report("queries, first pass", cold)
    warm = run_queries(index, QUERIES, args.runs)
    report(f"queries, {args.runs} passes", warm)
    slowest = sorted(warm, key=lambda t: -t[1])[:5]
    print("  slowest: " + ", ".join(f"{q!r} {t:.0f} ms" for q, t, _cpu in slowest))
    sample = index.search("hebergement urgence", member=False)
    print(f"  « hebergement urgence »: {sample.total} results {sample.counts}")

    from search.index import SearchIndex

    other = SearchIndex(index.root, index._sources, synonyms_path=index.synonyms_path)
    other.search("accueil", member=False)  # a worker that has served before
    delays = save_to_searchable(app, other)
    total = [d[0] * 1000 for d in delays]
    save = [d[1] * 1000 for d in delays]
    print(f"save-to-searchable: median {statistics.median(total):.0f} ms, max {max(total):.0f} ms "
          f"over {len(delays)} saves (the save itself: median {statistics.median(save):.0f} ms, "
          f"max {max(save):.0f} ms)")

    if args.writers:
        names = page_names(args.pages)[: min(args.pages, 3000)]
        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        procs = [ctx.Process(target=writer, args=(str(data), args.writer_seconds, args.writer_pause,
                                                  w, names, queue)) for w in range(args.writers)]
        for p in procs:
            p.start()
        time.sleep(3.0)  # let the writers start their apps
        loaded = []
        stop = time.monotonic() + args.writer_seconds - 4.0
        while time.monotonic() < stop:
            loaded += run_queries(index, QUERIES, 1)
        results = [queue.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(60)
        saves = sum(r[1] for r in results)
        errors = sum(r[2] for r in results)
        report(f"queries while {args.writers} writers save", loaded)
        print(f"  writers: {saves} saves in {args.writer_seconds:.0f} s "
              f"({saves / args.writer_seconds:.0f}/s), {errors} failed saves, "
              f"exit codes {[p.exitcode for p in procs]}")
        index.drain(block=True)
        found = sum(1 for r in results if r[3] and index.search(r[3], member=True).total)
        print(f"  after the writers: {index.pending()} changes pending, last save of "
              f"{found}/{len(results)} writers searchable")
    final = index.stats()
    print(f"index size at the end: {final['bytes'] / 1e6:.1f} MB, {final['documents']} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m bench`: load a French corpus through the store, serve it with gunicorn, measure.

    python -m bench --pages 10000 --sheets 1000 --json out.json   (also runs 1,000 pages)
    python -m bench --quick                                         (small and short: a check)

Each size gets its own data folder (kept with --data-dir, reused when the corpus matches).
Figures are printed with their target and written as JSON: the largest size at the top
level, the 1,000-page run under "at_1000".
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import shutil
import string
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

from bench import corpus
from bench.load import Client, ensure_wrk, percentile, run_python, run_wrk
from bench.server import ROOT, Server

MEMBER, MEMBER_PASSWORD = "bench", "bench-password-2026"
VIEW_PAGES = 200
SHEET_TARGETS = 200
FILTERS = [
    {"ouvert": "maintenant"}, {"ouvert": "aujourdhui"}, {"ouvert": "weekend"},
    {"besoin": "se-laver"}, {"besoin": "manger", "gratuit": "1"}, {"quartier": "Recouvrance"},
    {"sans_rdv": "1", "ouvert": "maintenant"}, {"q": "douche"}, {"q": "hebergement", "ouvert": "maintenant"},
    {"public": "jeunes"}, {"langue": "ar"}, {"accessible": "1", "ouvert": "maintenant"},
]

# name: (label, target description, check(value, figures) -> bool | None)
TARGETS = {
    "hello_rps": ("Flask hello, requêtes/s", "plafond de la machine", None),
    "view_rps": ("Pages du wiki, requêtes/s", ">= 0,4 x hello",
                 lambda v, f: v >= 0.4 * f["hello_rps"]),
    "view_p50_ms": ("Page du wiki, médiane (ms)", "", None),
    "view_p99_ms": ("Page du wiki, p99 (ms)", "<= 15", lambda v, f: v <= 15),
    "view_growth": ("Pages/s à N / pages/s à 1 000", ">= 0,9", lambda v, f: v >= 0.9),
    "sheet_rps": ("Fiches de l'annuaire, requêtes/s", "", None),
    "directory_filter_p95_ms": ("Filtres de l'annuaire, p95 (ms)", "<= 50", lambda v, f: v <= 50),
    "search_p50_ms": ("Recherche, médiane (ms)", "", None),
    "search_p95_ms": ("Recherche, p95 (ms)", "<= 30", lambda v, f: v <= 30),
    "save_p50_ms": ("Enregistrement, médiane (ms)", "<= 30", lambda v, f: v <= 30),
    "save_to_searchable_ms": ("Enregistré -> trouvable (ms)", "<= 1000", lambda v, f: v <= 1000),
    "edit_form_p50_ms": ("Formulaire d'édition, médiane (ms)", "<= 20", lambda v, f: v <= 20),
    "cold_start_s": ("Démarrage -> première page (s)", "<= 1,0", lambda v, f: v <= 1.0),
    "pss_mb": ("Mémoire PSS, 2 workers (Mo)", "<= 150", lambda v, f: v <= 150),
    "reindex_s": ("Réindexation complète (s)", "<= 180", lambda v, f: v <= 180),
    "index_mb": ("Taille de l'index (Mo)", "", None),
    # CPU time of the server per request: what the machine's other jobs do not change
    "hello_cpu_ms": ("CPU par requête, hello (ms)", "", None),
    "view_cpu_ms": ("CPU par page du wiki (ms)", "", None),
    "cpu_hello_over_view": ("CPU hello / CPU page", "(>= 0,4 si seul)", None),
    "search_cpu_ms": ("CPU par recherche (ms)", "", None),
    "directory_filter_cpu_ms": ("CPU par filtre de l'annuaire (ms)", "", None),
    "loadavg_1min": ("Charge de la machine (1 min)", "autres tâches", None),
}


def log(message: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def page_url(name: str) -> str:
    """URL of a wiki page (same quoting as wiki.markup.default_link_url)."""
    return "/wiki/" + quote(name, safe="/")


# ---------------------------------------------------------------- loading


@contextlib.contextmanager
def _no_fsync():
    """Bulk loading only: skip fsync (the data is flushed once with sync at the end)."""
    real = os.fsync
    os.fsync = lambda fd: None
    try:
        yield
    finally:
        os.fsync = real
        os.sync()


def _app(data_dir: Path):
    os.environ["REPERES_CONFIG"] = "/nonexistent/reperes-bench.py"  # never the instance config
    from app import create_app

    # TESTING: the search index works synchronously here, so this process leaves no indexing
    # thread behind to compete with the server it measures.
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True})


def prepare(data_dir: Path, n_pages: int, n_sheets: int, seed: int) -> dict:
    """Write the corpus through the stores (once per folder), then rebuild the derived indexes."""
    from directory.sheet import to_json

    marker = data_dir / "bench-corpus.json"
    wanted = {"pages": n_pages, "sheets": n_sheets, "seed": seed}
    figures: dict = {}
    app = _app(data_dir)
    reperes = app.extensions["reperes"]
    index = reperes["search_index"]
    index.wait_for_rebuild()
    loaded = marker.exists() and json.loads(marker.read_text()) == wanted
    if not loaded:
        log(f"écriture de {n_pages} pages et {n_sheets} fiches dans {data_dir}")
        users = reperes["users"]
        if users.get(MEMBER) is None:
            users.add(MEMBER, ["member"], MEMBER_PASSWORD, display_name="Banc d'essai")
        started = time.perf_counter()
        with _no_fsync():
            for store, items in ((reperes["pages"], corpus.pages(n_pages, seed)),
                                 (reperes["structures"], corpus.sheets(n_sheets, seed))):
                listeners, store.listeners[:] = list(store.listeners), []
                try:
                    for item in items:
                        if isinstance(item, tuple):
                            name, text, public = item
                            store.save(name, text, author=MEMBER, meta={"public": public})
                        else:
                            store.save(item.slug, to_json(item), author=MEMBER,
                                       meta={"status": item.status, "name": item.name})
                finally:
                    store.listeners[:] = listeners
        figures["load_s"] = time.perf_counter() - started
        started = time.perf_counter()
        reperes["page_links"].rebuild()
        figures["links_rebuild_s"] = time.perf_counter() - started
    log("réindexation complète (recherche)")
    started = time.perf_counter()
    index.rebuild()
    figures["reindex_s"] = time.perf_counter() - started
    figures["index_mb"] = index.stats()["bytes"] / 1e6
    if not loaded:
        marker.write_text(json.dumps(wanted))
    return figures


# ---------------------------------------------------------------- measuring

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_BASE_REV = re.compile(r'name="base_rev" value="(\d+)"')


def _cookie(headers: dict, old: str = "") -> str:
    raw = headers.get("set-cookie", "")
    m = re.search(r"session=([^;]*)", raw)
    return f"session={m.group(1)}" if m else old


def login(base: str) -> str:
    """Log the bench member in through the form; returns the Cookie header value."""
    client = Client(base)
    status, headers, body = client.request("GET", "/login")
    cookie = _cookie(headers)
    token = _TOKEN.search(body.decode()).group(1)
    form = urlencode({"username": MEMBER, "password": MEMBER_PASSWORD, "csrf_token": token}).encode()
    status, headers, _b = client.request(
        "POST", "/login", body=form, cookie=cookie,
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise RuntimeError(f"login failed ({status})")
    cookie = _cookie(headers, cookie)
    # A page with a form puts the CSRF token in the session: keep that version of the cookie.
    _status, headers, _b = client.request("GET", "/recherche", cookie=cookie)
    client.close()
    return _cookie(headers, cookie)


def _load(tool: str | None, base: str, targets, duration: float):
    if tool:
        return run_wrk(tool, base, targets, duration=duration)
    return run_python(base, targets, duration=duration)


def _check_all_ok(base: str, targets) -> None:
    client = Client(base)
    for path, cookie in targets:
        status, _h, _b = client.request("GET", path, cookie=cookie)
        if status != 200:
            raise RuntimeError(f"GET {path} -> {status} (member={bool(cookie)})")
    client.close()


def _cpu_ms(server: Server, started: float, count: int) -> float:
    """Server CPU milliseconds per request since `started` (robust to other jobs on the machine)."""
    return (server.cpu_s() - started) * 1000 / max(1, count)


def measure_hello(tool, duration: float, server_opts: dict) -> tuple[float, float]:
    """Requests/s of a minimal Flask route under the same gunicorn settings, and its CPU ms."""
    with Server("bench.hello:app", **server_opts) as server:
        _load(tool, server.base, [("/", "")], min(2.0, duration))
        cpu = server.cpu_s()
        result = _load(tool, server.base, [("/", "")], duration)
        return result.rps, _cpu_ms(server, cpu, result.requests)


def measure_app(data_dir: Path, n_pages: int, n_sheets: int, seed: int, tool, duration: float,
                server_opts: dict) -> dict:
    """Every HTTP figure of one data folder."""
    names = corpus.page_names(n_pages, seed)
    step = max(1, n_pages // VIEW_PAGES)
    chosen = [names[i] for i in range(0, n_pages, step)][:VIEW_PAGES]
    public = [names[i] for i in range(0, n_pages, 2)]  # corpus: even pages are public
    public_views = [public[(i * step) // 2 % len(public)] for i in range(VIEW_PAGES // 2)]
    f: dict = {}
    with Server("app:create_app()", data_dir=data_dir, probe=page_url(public[0]), **server_opts) as server:
        f["cold_start_s"] = server.cold_start_s
        base = server.base
        cookie = login(base)
        views = []
        for i in range(VIEW_PAGES // 2):
            views.append((page_url(public_views[i]), ""))
            views.append((page_url(chosen[(i * 2 + 1) % len(chosen)]), cookie))
        _check_all_ok(base, views)
        log("pages vues (charge)")
        _load(tool, base, views, min(3.0, duration))  # warm-up: every worker renders the pages once
        cpu = server.cpu_s()
        result = _load(tool, base, views, duration)
        f["view_cpu_ms"] = _cpu_ms(server, cpu, result.requests)
        if result.errors:
            raise RuntimeError(f"{result.errors} errors during the page views")
        f.update(view_rps=result.rps, view_p50_ms=result.p50_ms, view_p99_ms=result.p99_ms)

        slugs = [f"structure-{i:05d}" for i in range(0, n_sheets, max(1, n_sheets // SHEET_TARGETS))]
        sheet_targets = [(f"/annuaire/{s}", cookie) for s in slugs[:SHEET_TARGETS]]
        _check_all_ok(base, sheet_targets)
        log("fiches (charge)")
        _load(tool, base, sheet_targets, min(2.0, duration))
        cpu = server.cpu_s()
        result = _load(tool, base, sheet_targets, duration)
        f["sheet_rps"], f["sheet_cpu_ms"] = result.rps, _cpu_ms(server, cpu, result.requests)

        log("filtres de l'annuaire")
        anon, member = Client(base), Client(base, cookie)
        for params in FILTERS * 2:  # each worker reads the sheets once (then only when they change)
            Client(base).request("GET", "/annuaire/?" + urlencode(params))
        times = []
        cpu = server.cpu_s()
        for _round in range(3):
            for params in FILTERS:
                ms, status, _h, _b = anon.timed("GET", "/annuaire/?" + urlencode(params))
                if status != 200:
                    raise RuntimeError(f"filter {params} -> {status}")
                times.append(ms)
        for params in FILTERS:
            times.append(member.timed("GET", "/annuaire/?" + urlencode(params))[0])
        f["directory_filter_cpu_ms"] = _cpu_ms(server, cpu, len(times))
        f["directory_filter_p50_ms"] = percentile(times, 50)
        f["directory_filter_p95_ms"] = percentile(times, 95)

        log("recherche")
        for q in corpus.QUERIES[:5]:
            anon.request("GET", "/recherche?" + urlencode({"q": q}))
            member.request("GET", "/recherche?" + urlencode({"q": q}))
        times = []
        cpu = server.cpu_s()
        for _round in range(2):
            for i, q in enumerate(corpus.QUERIES):
                client = member if i % 2 else anon
                ms, status, _h, _b = client.timed("GET", "/recherche?" + urlencode({"q": q}))
                if status != 200:
                    raise RuntimeError(f"search {q!r} -> {status}")
                times.append(ms)
        f["search_cpu_ms"] = _cpu_ms(server, cpu, len(times))
        f["search_p50_ms"], f["search_p95_ms"] = percentile(times, 50), percentile(times, 95)

        log("formulaire d'édition et enregistrements")
        edit_times, save_times = [], []
        texts = {n: t for n, t, _p in corpus.pages(min(n_pages, 400), seed)[:40]}
        edited = list(texts)[:30]
        stamp = "".join(random.Random().choices(string.ascii_lowercase, k=6))
        for k, name in enumerate(edited):
            ms, status, _h, body = member.timed("GET", page_url(name) + "?action=edit")
            if status != 200:
                raise RuntimeError(f"edit form {name} -> {status}")
            edit_times.append(ms)
            html = body.decode()
            form = {"csrf_token": _TOKEN.search(html).group(1), "base_rev": _BASE_REV.search(html).group(1),
                    "text": texts[name] + f"\nModification {stamp} {k}.\n", "comment": "banc d'essai",
                    "public": "1" if names.index(name) % 2 == 0 else "", "save": "1"}
            ms, status, _h, _b = member.timed(
                "POST", page_url(name), body=urlencode(form).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"})
            if status != 302:
                raise RuntimeError(f"save {name} -> {status}: {_b.decode()[-1500:]}")
            save_times.append(ms)
        f["edit_form_p50_ms"], f["save_p50_ms"] = percentile(edit_times, 50), percentile(save_times, 50)
        f["save_p95_ms"] = percentile(save_times, 95)

        log("délai enregistrement -> trouvable")
        delays = []
        for k, name in enumerate(edited[:5]):
            word = "zq" + "".join(random.Random().choices("bcdfghjklmnprstvw", k=9))
            html = member.request("GET", page_url(name) + "?action=edit")[2].decode()
            form = {"csrf_token": _TOKEN.search(html).group(1), "base_rev": _BASE_REV.search(html).group(1),
                    "text": texts[name] + f"\nMot témoin {word} ({k}).\n", "save": "1",
                    "public": "1" if names.index(name) % 2 == 0 else ""}
            started = time.perf_counter()
            member.request("POST", page_url(name), body=urlencode(form).encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
            while True:
                body = member.request("GET", "/recherche?" + urlencode({"q": word}))[2].decode()
                if page_url(name).replace("'", "%27") in body:
                    break
                if time.perf_counter() - started > 30:
                    log(f"« {word} » toujours introuvable après 30 s (compté 30 s)")
                    break
                time.sleep(0.01)
            delays.append((time.perf_counter() - started) * 1000)
        f["save_to_searchable_ms"] = percentile(delays, 50)
        f["save_to_searchable_max_ms"] = max(delays)
        f["pss_mb"] = server.pss_mb()
        for line in server.memory_lines():
            log("mémoire PSS, " + line)
        anon.close()
        member.close()
    return f


# ---------------------------------------------------------------- one size, the table, main


def run_size(root: Path, n_pages: int, n_sheets: int, seed: int, tool, duration: float,
             server_opts: dict) -> dict:
    """Load (or reuse) the folder for one size and measure everything."""
    data_dir = root / f"data-{n_pages}-{n_sheets}-{seed}"
    data_dir.mkdir(parents=True, exist_ok=True)
    log(f"=== {n_pages} pages, {n_sheets} fiches ===")
    figures = prepare(data_dir, n_pages, n_sheets, seed)
    log("hello (plafond)")
    figures["hello_rps"], figures["hello_cpu_ms"] = measure_hello(tool, duration, server_opts)
    figures.update(measure_app(data_dir, n_pages, n_sheets, seed, tool, duration, server_opts))
    figures["cpu_hello_over_view"] = figures["hello_cpu_ms"] / figures["view_cpu_ms"]
    figures["loadavg_1min"] = os.getloadavg()[0]
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}


def table(figures: dict, pages: int) -> str:
    """The figures with their targets, as a text table."""
    rows = [("", f"{pages} pages", "objectif", "")]
    for key, (label, target, check) in TARGETS.items():
        if key not in figures:
            continue
        value = figures[key]
        verdict = "" if check is None else ("ok" if check(value, figures) else "MANQUÉ")
        rows.append((f"{label} [{key}]", f"{value:,.1f}".replace(",", " "), target, verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(c.ljust(w) if i != 1 else c.rjust(w) for i, (c, w) in
                               enumerate(zip(row, widths, strict=True))).rstrip() for row in rows)


def machine() -> dict:
    """Where the figures were measured."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True, check=False).stdout.strip()
    return {"date": datetime.now(UTC).isoformat(timespec="seconds"), "cores": os.cpu_count(),
            "python": platform.python_version(), "commit": commit, "machine": platform.machine()}


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000, help="wiki pages (default 10000)")
    parser.add_argument("--sheets", type=int, default=1_000, help="structure sheets (default 1000)")
    parser.add_argument("--compare-at", type=int, default=1_000,
                        help="also measure this many pages, to show growth (0: no; default 1000)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per load run (default 10)")
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    parser.add_argument("--quick", action="store_true", help="300 pages, 100 sheets, 2 s runs, no comparison")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--data-dir", type=Path, help="keep the data folders here (reused when they match)")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator, not wrk")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--preload", action=argparse.BooleanOptionalAction, default=True,
                        help="gunicorn preload_app, as deploy/gunicorn.conf.py (default: yes)")
    args = parser.parse_args(argv)
    if args.quick:
        args.pages, args.sheets, args.duration, args.compare_at = 300, 100, 2.0, 0
    tool = None if args.python_load else ensure_wrk()
    log(f"générateur de charge : {tool or 'Python (wrk absent)'}")
    server_opts = {"workers": args.workers, "worker_class": args.worker_class, "preload": args.preload}
    root = args.data_dir or Path(tempfile.mkdtemp(prefix="reperes-bench-"))
    try:
        result: dict = {}
        sizes = [args.pages]
        if args.compare_at and args.compare_at != args.pages:
            sizes.insert(0, args.compare_at)
        for n in sizes:
            figures = run_size(root, n, args.sheets, args.seed, tool, args.duration, server_opts)
            if n == args.pages:
                result.update(figures)
            else:
                result[f"at_{n}"] = figures
            if n != args.pages:
                print(table(figures, n) + "\n", flush=True)
        small = result.get(f"at_{args.compare_at}")
        if small:
            result["view_growth"] = round(result["view_rps"] / small["view_rps"], 3)
        result["meta"] = {**machine(), "pages": args.pages, "sheets": args.sheets,
                          "duration_s": args.duration, "load_tool": "wrk" if tool else "python",
                          "workers": args.workers, "worker_class": args.worker_class,
                          "preload": args.preload,
                          "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])}
        misses = [k for k, (_l, _t, check) in TARGETS.items()
                  if check and k in result and not check(result[k], result)]
        result["misses"] = misses
        print(table(result, args.pages))
        print("Objectifs manqués : " + (", ".join(misses) if misses else "aucun"))
        if args.json:
            args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            log(f"écrit : {args.json}")
    finally:
        if args.data_dir is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0

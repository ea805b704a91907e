"""Backup figures: time and size for N documents, and save latency while a backup runs.

    .venv/bin/python bench/admin_backup.py [PAGES] [REVISIONS]

Prints figures, asserts nothing (not a test).
"""

from __future__ import annotations

import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from admin.backup import create_backup, restore_archive
from admin.check import check
from wiki.store import DocumentStore

TEXT = ("Compte rendu de la réunion du réseau. " * 40 + "\n") * 5  # about 8 KB


def _saver(root: str, stop, out) -> None:
    store = DocumentStore(Path(root) / "pages")  # fsync on, as in production
    latencies = []
    i = 0
    while not stop.is_set():
        started = time.perf_counter()
        store.save(f"Page {i % 500:05d}", f"{TEXT}{i}", author="bench")
        latencies.append(time.perf_counter() - started)
        i += 1
    out.put(latencies)


def _percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else 0.0


def main(pages: int = 2000, revisions: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        store = DocumentStore(data / "pages", fsync=False)
        started = time.perf_counter()
        for p in range(pages):
            for r in range(revisions):
                store.save(f"Page {p:05d}", f"{TEXT}{r}", author="bench")
        print(f"{pages} pages x {revisions} revisions written in {time.perf_counter() - started:.1f} s")

        ctx = multiprocessing.get_context("fork")
        for label, with_backup in (("without backup", False), ("during backup", True)):
            stop, out = ctx.Event(), ctx.Queue()
            saver = ctx.Process(target=_saver, args=(str(data), stop, out))
            saver.start()
            time.sleep(0.5)
            if with_backup:
                started = time.perf_counter()
                result = create_backup(data, Path(tmp) / "backups", version="bench")
                elapsed = time.perf_counter() - started
            else:
                time.sleep(3)
            stop.set()
            latencies = out.get()
            saver.join()
            print(f"save latency {label}: {len(latencies)} saves, median "
                  f"{_percentile(latencies, 0.5) * 1000:.1f} ms, p99 {_percentile(latencies, 0.99) * 1000:.1f} ms, "
                  f"max {max(latencies) * 1000:.1f} ms")
        print(f"backup: {elapsed:.1f} s, {result.files} files, {result.documents} documents, "
              f"{result.size / 1e6:.1f} MB")
        started = time.perf_counter()
        restore_archive(result.archive, Path(tmp) / "restored")
        print(f"restore (verify + unpack): {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        report = check(Path(tmp) / "restored")
        print(f"check: {time.perf_counter() - started:.1f} s, {len(report.problems)} problems")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))

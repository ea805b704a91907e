"""Housekeeping done once per server start, off the request path and out of the gunicorn master.

Some work must follow a start but must not delay it: removing the temp files of writers
killed half-way, comparing the search index with the stores. Done in `create_app`, it would
run in every worker (and again each time gunicorn recycles one), before the first page, and
in the master under `preload_app`, where a thread or a lock taken before the fork is a hazard.

So packages register tasks here, and the first request a worker serves starts one thread
that runs them, after a short pause that lets the first pages go out first. Across the
workers of one server they run once: a non-blocking lock elects one worker, and a stamp
records the server start (the gunicorn master, or this process without one) they ran for.
Under TESTING they run at once, at the end of create_app. CLI commands serve no request and
skip them (`flask check --repair` removes stray temp files on demand).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask

log = logging.getLogger(__name__)

DELAY_SECONDS = 1.0  # the first pages of a fresh worker go out before the housekeeping


def register(app: Flask, task: Callable[[Flask], None]) -> None:
    """Run task(app) once per server start (at once under TESTING)."""
    app.extensions.setdefault("reperes", {}).setdefault("start_tasks", []).append(task)


def init_app(app: Flask) -> None:
    """Arm the first-request trigger (in each worker: a forked one has another pid)."""
    started = {"pid": 0}
    guard = threading.Lock()

    @app.before_request
    def _start_housekeeping():
        if started["pid"] == os.getpid() or app.testing:
            return
        with guard:
            if started["pid"] == os.getpid():
                return
            started["pid"] = os.getpid()
            timer = threading.Timer(DELAY_SECONDS, run_once_per_start, args=(app,))
            timer.name, timer.daemon = "reperes-start-tasks", True
            timer.start()


def run_now(app: Flask) -> None:
    """Run every registered task in this thread (create_app under TESTING, the elected worker)."""
    for task in app.extensions.get("reperes", {}).get("start_tasks", []):
        try:
            task(app)
        except Exception:
            log.exception("start-up task %s failed", getattr(task, "__name__", task))


def run_once_per_start(app: Flask) -> bool:
    """Run the tasks unless another worker of this server runs or ran them; True when run here."""
    folder = Path(app.config["DATA_DIR"]) / "derived"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "start-tasks.stamp"
    token = server_start_token()
    from wiki.store import atomic_write, try_file_lock

    with try_file_lock(folder / "start-tasks.lock") as held:
        if not held:
            return False  # another worker is at it
        with contextlib.suppress(OSError):
            if stamp.read_text(encoding="ascii") == token:
                return False
        run_now(app)
        with contextlib.suppress(OSError):
            atomic_write(stamp, token)
        return True


def server_start_token() -> str:
    """Who started this server: boot id + the parent process (gunicorn master) and its start time.

    Every worker of one gunicorn master shares it, a restart or a reboot changes it. Outside
    gunicorn the parent is a shell: the token then changes with this process instead.
    """
    parent = os.getppid()
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        stat = Path(f"/proc/{parent}/stat").read_text()
        started = stat.rsplit(")", 1)[1].split()[19]  # field 22: start time, in clock ticks after boot
        cmdline = Path(f"/proc/{parent}/cmdline").read_bytes()
    except (OSError, IndexError):
        return f"pid-{os.getpid()}-{time.time_ns()}"
    if b"gunicorn" not in cmdline:
        return f"{boot}-{os.getpid()}-{_own_start()}"
    return f"{boot}-{parent}-{started}"


def _own_start() -> str:
    try:
        return Path(f"/proc/{os.getpid()}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return str(time.time_ns())

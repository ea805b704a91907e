"""Start Repères (or the hello app) under gunicorn on a loopback port; memory of its processes.

    with Server(app="app:create_app()", data_dir=...) as server:
        server.cold_start_s, server.base, server.pss_mb()
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.procmem import mappings_pss, pss_kb, sharing

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_command(app: str, port: int, workers: int, worker_class: str, threads: int,
                     preload: bool = False) -> list[str]:
    """The gunicorn command line shared by the hello app and Repères (preload and hooks as deploy/)."""
    cmd = [sys.executable, "-m", "gunicorn", app, "--config", str(ROOT / "bench" / "gunicorn_conf.py"),
           "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--worker-class", worker_class, "--chdir", str(ROOT),
           "--log-level", "warning", "--keep-alive", "5"]
    if preload:
        cmd.append("--preload")
    if worker_class == "gthread":
        cmd += ["--threads", str(threads)]
    return cmd


def children(pid: int) -> list[int]:
    """Direct children of a process (from /proc)."""
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            raw = Path(f"/proc/{pid}/task/{task}/children").read_text()
            out += [int(x) for x in raw.split()]
    except OSError:
        pass
    return out


class Server:
    """gunicorn in a subprocess; `cold_start_s` is the time from spawn to the first 200 on probe."""

    def __init__(self, app: str, *, data_dir: Path | None = None, probe: str = "/",
                 workers: int = 2, worker_class: str = "sync", threads: int = 2,
                 preload: bool = False, timeout: float = 120.0, env: dict | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.cmd = gunicorn_command(app, self.port, workers, worker_class, threads, preload)
        self.env = {**os.environ, **(env or {})}
        if data_dir is not None:
            self.env["REPERES_DATA_DIR"] = str(data_dir)
        self.env.setdefault("REPERES_CONFIG", "/nonexistent/reperes-bench.py")
        self.probe, self.timeout, self.workers = probe, timeout, workers
        self.proc: subprocess.Popen | None = None
        self.cold_start_s = 0.0
        # The server's log goes to a file: a pipe nobody reads fills up and blocks the workers.
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in __exit__)
            "w+b", prefix="reperes-bench-gunicorn-", suffix=".log")

    def __enter__(self) -> Server:
        started = time.perf_counter()
        self.proc = subprocess.Popen(self.cmd, env=self.env, cwd=ROOT, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = started + self.timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn stopped (code {self.proc.returncode}):\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("GET", self.probe)
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(f"no 200 on {self.probe} after {self.timeout} s")
            time.sleep(0.005)
        self.cold_start_s = time.perf_counter() - started
        self.wait_workers()
        return self

    def wait_workers(self, timeout: float = 30.0) -> None:
        """Wait until every worker process has been forked."""
        deadline = time.perf_counter() + timeout
        while len(children(self.proc.pid)) < self.workers and time.perf_counter() < deadline:
            time.sleep(0.05)

    def log_tail(self, size: int = 3000) -> str:
        """The end of the server's log (errors and warnings)."""
        with open(self.log.name, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - size))
            return fh.read().decode(errors="replace")

    def pids(self) -> list[int]:
        """The master and its workers."""
        return [self.proc.pid, *children(self.proc.pid)] if self.proc else []

    def cpu_s(self) -> float:
        """CPU time (user + system) used so far by the master and its workers, in seconds."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / ticks

    def pss_mb(self) -> float:
        """Sum of the PSS of every server process, in MB."""
        return sum(pss_kb(p) for p in self.pids()) / 1024

    def memory_lines(self) -> list[str]:
        """Per process: its PSS and biggest mappings (where pss_mb goes)."""
        lines = []
        for k, pid in enumerate(self.pids()):
            role = f"worker {k - 1}" if k else "master"
            top = ", ".join(f"{name} {mb:.0f}" for name, mb in mappings_pss(pid))
            line = f"{role}: {pss_kb(pid) / 1024:.1f} Mo ({top})"
            pages = sharing(self.proc.pid, pid) if k else None  # root only (page frame numbers)
            if pages:
                line += (f"; pages anonymes : {pages['shared']:.0f} Mo partagées avec le maître, "
                         f"{pages['copied']:.0f} Mo copiées, {pages['new']:.0f} Mo nouvelles")
            lines.append(line)
        return lines

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        tail = self.log_tail()
        if "Traceback" in tail or "ERROR" in tail:
            print(f"[bench] erreurs dans le journal du serveur :\n{tail}", file=sys.stderr)
        self.log.close()

"""Housekeeping once per server start: off create_app, once across workers, again after a restart."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path

from app import create_app
from web import startup
from wiki.store import DocumentStore


def _app(tmp_path, **extra):
    return create_app({"DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "t", **extra})


def test_outside_tests_create_app_leaves_the_scan_to_the_first_request(tmp_path, monkeypatch):
    data = tmp_path / "data"
    store = DocumentStore(data / "pages", fsync=False)
    store.save("Accueil", "Bienvenue", author="anne", meta={"public": True})
    leftover = data / "pages" / "Accueil" / "revisions" / ".tmp-crash"
    leftover.write_text("half a revision")
    monkeypatch.setattr(startup, "DELAY_SECONDS", 0)
    app = _app(tmp_path)
    assert leftover.exists()  # create_app (the gunicorn master under preload) did not scan
    done = threading.Event()
    startup.register(app, lambda app: done.set())
    assert app.test_client().get("/").status_code in (200, 302)
    assert done.wait(30)
    for thread in threading.enumerate():
        if thread.name == "reperes-start-tasks":
            thread.join(30)
    assert not leftover.exists()
    stamp = data / "derived" / "start-tasks.stamp"
    assert stamp.read_text() == startup.server_start_token()


def test_under_testing_the_tasks_run_in_create_app(tmp_path):
    data = tmp_path / "data"
    DocumentStore(data / "pages", fsync=False).save("A", "texte", author="anne")
    leftover = data / "pages" / "A" / ".tmp-crash"
    leftover.write_text("x")
    _app(tmp_path, TESTING=True)
    assert not leftover.exists()


def test_tasks_run_once_per_server_start(tmp_path, monkeypatch):
    app = _app(tmp_path)
    runs = []
    app.extensions["reperes"]["start_tasks"] = [lambda app: runs.append(1)]
    monkeypatch.setattr(startup, "server_start_token", lambda: "master-1")
    assert startup.run_once_per_start(app) is True
    assert startup.run_once_per_start(app) is False  # a recycled worker of the same master
    monkeypatch.setattr(startup, "server_start_token", lambda: "master-2")
    assert startup.run_once_per_start(app) is True  # the server was restarted
    assert runs == [1, 1]


def test_a_worker_finding_the_lock_taken_leaves_the_work_to_its_holder(tmp_path):
    app = _app(tmp_path)
    runs = []
    app.extensions["reperes"]["start_tasks"] = [lambda app: runs.append(1)]
    lock = Path(app.config["DATA_DIR"]) / "derived" / "start-tasks.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another worker is at it
        assert startup.run_once_per_start(app) is False
    finally:
        os.close(fd)
    assert runs == []


def test_a_failing_task_does_not_stop_the_others(tmp_path, caplog):
    app = _app(tmp_path)
    runs = []

    def broken(app):
        raise RuntimeError("boom")

    app.extensions["reperes"]["start_tasks"] = [broken, lambda app: runs.append(1)]
    startup.run_now(app)
    assert runs == [1]
    assert "broken" in caplog.text


WORKERS = """
import os, sys
from pathlib import Path
from app import create_app
from web import startup

app = create_app({"DATA_DIR": sys.argv[1], "SECRET_KEY": "t"})
log = Path(sys.argv[1]) / "runs.log"
app.extensions["reperes"]["start_tasks"] = [
    lambda app: log.open("a").write(startup.server_start_token() + "\\n")]
pids = []
for _ in range(3):  # three workers forked from one master, as gunicorn does
    pid = os.fork()
    if pid == 0:
        startup.run_once_per_start(app)
        os._exit(0)
    pids.append(pid)
for pid in pids:
    os.waitpid(pid, 0)
"""


def test_three_workers_of_one_master_run_the_tasks_once(tmp_path):
    data = tmp_path / "data"
    root = Path(__file__).resolve().parent.parent
    for _restart in range(2):
        # "gunicorn" in the parent's command line: the workers recognise their master
        subprocess.run([sys.executable, "-c", WORKERS, str(data), "gunicorn"], cwd=root,
                       check=True, timeout=120)
    lines = (data / "runs.log").read_text().splitlines()
    assert len(lines) == 2  # once per master, not once per worker
    assert lines[0] != lines[1]  # a restarted master is another start


def test_libraries_for_rare_features_load_only_when_used(tmp_path):
    # Imported with the application they would sit in every server process (~5 MB with two
    # workers): icalendar for .ics feeds, Pillow for uploads.
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import sys; from app import create_app;"
        f"app = create_app({{'DATA_DIR': {str(tmp_path)!r}, 'SECRET_KEY': 't', 'TESTING': True}});"
        "c = app.test_client(); c.get('/'); c.get('/annuaire/'); c.get('/agenda/');"
        "print(sorted(m for m in ('icalendar', 'PIL') if m in sys.modules));"
        "assert c.get('/agenda.ics').data.startswith(b'BEGIN:VCALENDAR');"
        "print(sorted(m for m in ('icalendar', 'PIL') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout.splitlines()
    assert out == ["[]", "['icalendar']"]

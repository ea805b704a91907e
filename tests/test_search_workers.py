"""Search under a real gunicorn (preload_app, several gthread workers): concurrent saves
through the web never fail because of the index, and every saved page becomes searchable
from every worker."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
COUNT = 16
WRITERS = 4


class Session:
    """A tiny HTTP client keeping its session cookie."""

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for value in response.headers.get_all("Set-Cookie") or []:
            if value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        text = response.read().decode("utf-8", errors="replace")
        conn.close()
        return response.status, text

    def token(self, path: str) -> str:
        _status, html = self.request("GET", path)
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def login(self, username: str, password: str) -> None:
        status, _ = self.request("POST", "/login", {"username": username, "password": password,
                                                    "csrf_token": self.token("/login")})
        assert status == 302


@pytest.fixture
def server(tmp_path):
    """gunicorn with 3 preloaded gthread workers on a fresh data folder; yields (port, data)."""
    data = tmp_path / "data"
    env = {**os.environ, "REPERES_DATA_DIR": str(data), "REPERES_SECRET_KEY": "workers-test",
           "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", "from app import create_app; app = create_app(); "
                    "app.extensions['reperes']['users'].add('anne', ['member'], 'anne-password')"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    proc = subprocess.Popen(
        [str(GUNICORN), "--preload", "-w", "3", "-k", "gthread", "--threads", "2",
         "-b", "127.0.0.1:0", "app:create_app()"],
        cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    port = None
    for line in proc.stderr:  # gunicorn says where it listens once the app is loaded
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
        if found:
            port = int(found.group(1))
            break
    assert port, "gunicorn did not start"
    threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep its pipe flowing
    try:
        yield port, data
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.mark.slow
def test_concurrent_web_saves_are_all_searchable(server):
    port, data = server

    def writer(w: int) -> list[int]:  # one member per thread, saving in turn
        session = Session(port)
        session.login("anne", "anne-password")
        statuses = []
        for i in range(w, COUNT, WRITERS):
            path = "/wiki/" + quote(f"Concurrente {i}")
            form = {"csrf_token": session.token(path + "?action=edit"), "text": f"Texte motunique{i}x.",
                    "comment": "", "public": "1", "base_rev": "0", "was_new": "1", "save": "1"}
            statuses.append(session.request("POST", path, form)[0])
        return statuses

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        statuses = [s for part in pool.map(writer, range(WRITERS)) for s in part]
    assert statuses == [302] * COUNT  # no save failed, whatever the index was doing

    # Index what may still wait, as any worker's drainer thread does, then ask the workers.
    from app import create_app

    app = create_app({"DATA_DIR": str(data), "SECRET_KEY": "workers-test"})
    app.extensions["reperes"]["search_index"].drain(block=True)
    assert app.extensions["reperes"]["search_index"].pending() == 0
    anonymous = Session(port)
    for i in range(COUNT):
        status, html = anonymous.request("GET", f"/recherche?q=motunique{i}x")
        assert status == 200
        assert f'href="/wiki/Concurrente%20{i}"' in html, i

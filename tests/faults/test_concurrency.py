"""Suite 4 — concurrency under a real server: gunicorn with 4 workers (deploy/gunicorn.conf.py), 8 members saving 50 times
each (half on one shared page, half on their own pages), one uploading, one searching, and a
`flask backup` in the middle. Revisions stay contiguous, every acknowledged save is there exactly
once, every merge or conflict is told to the member, nothing answers 500 or LockError, and the
search index finally agrees with the files (`flask check` passes, every page is found)."""

from __future__ import annotations

import html
import http.client
import os
import re
import subprocess
import sys
import textwrap
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from app import create_app
from tests.security.world import NOW, build_world, png

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
CLIENTS = 8
SAVES = 50
SHARED = "Page commune"
USERS = ["anne", "medi", "modo", "admin"]


class Browser:
    """A member's browser: one cookie jar, CSRF tokens read from the forms."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                content_type: str = "application/x-www-form-urlencoded") -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = content_type
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", errors="replace")
        conn.close()
        return response.status, dict(response.headers), text

    def form(self, path: str, fields: dict) -> tuple[int, dict, str]:
        return self.request("POST", path, urlencode(fields).encode())

    def token(self, page: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def login(self, username: str) -> None:
        _s, _h, page = self.request("GET", "/login")
        status, _h, _t = self.form("/login", {"username": username, "password": f"{username}-password",
                                              "csrf_token": self.token(page)})
        assert status == 302


@pytest.fixture
def server(tmp_path):
    """gunicorn as deployed, 4 workers on a loopback port, on a copy of the security world."""
    world = build_world(tmp_path / "data")
    data = world.data
    env = {**os.environ, "REPERES_DATA_DIR": str(data), "REPERES_SECRET_KEY": "security-tests",
           "REPERES_AGENDA_NOW": NOW, "PYTHONPATH": str(ROOT)}
    pages = world.app.extensions["reperes"]["pages"]
    pages.save(SHARED, "\n\n".join(f"ligne {i}: départ" for i in range(CLIENTS)) + "\n", author="admin",
               meta={"public": True})
    log = tmp_path / "gunicorn.log"
    # The production settings (deploy/gunicorn.conf.py: gthread, no preload), 4 workers, a free port.
    env.update(REPERES_WORKERS="4", REPERES_BIND="127.0.0.1:0")
    proc = subprocess.Popen([str(GUNICORN), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--access-logfile", "/dev/null"],
                            cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    port, lines = None, []
    for line in proc.stderr:
        lines.append(line)
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
        if found:
            port = int(found.group(1))
            break
    assert port, "".join(lines)

    def keep_reading():
        with log.open("a") as out:
            for line in proc.stderr:
                out.write(line)
    reader = threading.Thread(target=keep_reading, daemon=True)
    reader.start()
    try:
        yield port, data, env, log
    finally:
        proc.terminate()
        proc.wait(60)
        reader.join(10)


def _edit(browser: Browser, name: str) -> tuple[str, str, str]:
    status, _h, page = browser.request("GET", "/wiki/" + quote(name) + "?action=edit")
    assert status == 200, status
    text = html.unescape(re.search(r'<textarea[^>]*name="text"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1))
    base = re.search(r'name="base_rev" value="(\d+)"', page).group(1)
    return browser.token(page), base, text


def shared_writer(port: int, client: int) -> list[tuple[str, int, str]]:
    """Change my own line of the shared page, SAVES times; returns (save id, status, what I was told)."""
    browser = Browser(port)
    browser.login(USERS[client % len(USERS)])
    answers = []
    for j in range(SAVES):
        token, base, text = _edit(browser, SHARED)
        mine = re.sub(rf"^ligne {client}: .*$", f"ligne {client}: c{client}s{j}", text, flags=re.M)
        save_id = f"c{client}s{j}"
        status, headers, page = browser.form("/wiki/" + quote(SHARED), {
            "csrf_token": token, "text": mine, "comment": save_id, "base_rev": base, "public": "1"})
        told = ""
        if status == 302:
            _s, _h, shown = browser.request("GET", headers["Location"])
            told = "merged" if "fusionnés" in shown else "saved"
        elif status == 409:
            told = "conflict" if "conflit" in page.lower() or "les deux versions" in page.lower() else ""
        answers.append((save_id, status, told))
    return answers


def own_writer(port: int, client: int) -> list[tuple[str, int, str]]:
    browser = Browser(port)
    browser.login(USERS[client % len(USERS)])
    answers, name = [], f"Page de {client}"
    for j in range(SAVES):
        token, base, _text = _edit(browser, name)
        save_id = f"c{client}s{j}"
        fields = {"csrf_token": token, "text": f"Texte {save_id} mot{client}fin{j}x", "comment": save_id,
                  "base_rev": base, "public": "1"}
        if base == "0":
            fields["was_new"] = "1"
        status, _h, _page = browser.form("/wiki/" + quote(name), fields)
        answers.append((save_id, status, "saved" if status == 302 else ""))
    return answers


def uploader(port: int) -> list[int]:
    browser = Browser(port)
    browser.login("anne")
    statuses = []
    for k in range(10):
        _s, _h, page = browser.request("GET", "/wiki/" + quote(SHARED) + "?action=attachments")
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
                f"{browser.token(page)}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"photo{k % 3}.png\"\r\nContent-Type: image/png\r\n\r\n").encode() \
            + png(40 + k, 30, "teal") + f"\r\n--{boundary}--\r\n".encode()
        status, _h, _t = browser.request("POST", "/wiki/" + quote(SHARED) + "?action=upload", body,
                                         f"multipart/form-data; boundary={boundary}")
        statuses.append(status)
    return statuses


def searcher(port: int, stop: threading.Event) -> list[int]:
    browser, statuses = Browser(port), []
    while not stop.is_set() or len(statuses) < 20:
        for q in ("ligne", "texte", "mouettebleue", "Page commune", "mot1fin"):
            statuses.append(browser.request("GET", "/recherche?q=" + quote(q))[0])
    return statuses


@pytest.mark.slow
def test_eight_members_saving_under_gunicorn_lose_nothing(server, tmp_path):
    port, data, env, log = server
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=CLIENTS + 2) as pool:
        search_job = pool.submit(searcher, port, stop)
        upload_job = pool.submit(uploader, port)
        jobs = {i: pool.submit(shared_writer if i < CLIENTS // 2 else own_writer, port, i)
                for i in range(CLIENTS)}
        backup = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "backup", str(tmp_path / "b")],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        answers = {i: job.result() for i, job in jobs.items()}
        stop.set()
        uploads, searches = upload_job.result(), search_job.result()
    assert backup.returncode == 0, backup.stdout + backup.stderr
    assert uploads == [303] * 10
    assert set(searches) == {200}
    server_log = log.read_text()
    assert "Traceback" not in server_log
    assert "LockError" not in server_log

    pages = create_app({"DATA_DIR": str(data), "SECRET_KEY": "security-tests"}).extensions["reperes"]["pages"]
    for i, told in answers.items():
        assert all(status in (302, 409) for _id, status, _t in told), told  # never 500
        assert all(t for _id, _s, t in told), told  # every answer says what happened (none silent)
        if i >= CLIENTS // 2:
            assert [s for _id, s, _t in told] == [302] * SAVES  # nobody else writes my page
            revisions = pages.revisions(f"Page de {i}")
            assert [r.number for r in revisions] == list(range(1, SAVES + 1))
            assert [r.comment for r in revisions] == [f"c{i}s{j}" for j in range(SAVES)]
    revisions = pages.revisions(SHARED)
    numbers = [r.number for r in revisions]
    assert numbers == list(range(1, len(numbers) + 1))  # contiguous
    assert [e.number for e in pages.history(SHARED)] == numbers  # the edit-log agrees
    by_comment = {}
    for revision in revisions:
        by_comment.setdefault(revision.comment, []).append(revision)
    acknowledged = [save_id for i in range(CLIENTS // 2) for save_id, status, _t in answers[i] if status == 302]
    refused = [save_id for i in range(CLIENTS // 2) for save_id, status, _t in answers[i] if status == 409]
    assert len(acknowledged) + len(refused) == CLIENTS // 2 * SAVES
    for save_id in acknowledged:  # exactly once, with its change in it
        assert len(by_comment.get(save_id, [])) == 1, save_id
        client, j = re.match(r"c(\d+)s(\d+)", save_id).groups()
        assert f"ligne {client}: c{client}s{j}" in by_comment[save_id][0].text
    for save_id in refused:  # a conflict saved nothing
        assert save_id not in by_comment
    final = pages.load(SHARED).text
    for i in range(CLIENTS // 2):
        last = [save_id for save_id, status, _t in answers[i] if status == 302][-1]
        assert f"ligne {i}: {last}\n" in final + "\n"

    # the index catches up with the files, and check agrees
    app = create_app({"DATA_DIR": str(data), "SECRET_KEY": "security-tests", "TESTING": True})
    app.extensions["reperes"]["search_index"].drain(block=True)
    import search

    for i in range(CLIENTS // 2, CLIENTS):
        assert search.search_ids(app, "pages", f"mot{i}fin{SAVES - 1}x", member=False) == [f"Page de {i}"]
        assert search.search_ids(app, "pages", f"mot{i}fin0x", member=False) == []
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output


def test_a_forked_copy_of_the_index_lock_does_not_keep_it(tmp_path, monkeypatch):
    """A worker forked between the open() of writer.lock and its bookkeeping inherits the
    descriptor; once the parent is done, the lock must be free (it hung every worker's indexing)."""
    import fcntl

    import search.index as index_module

    index = index_module.SearchIndex(tmp_path / "index", dict, sync=True)
    copies = []
    real_open = os.open

    def open_and_copy(path, *args, **kw):
        fd = real_open(path, *args, **kw)
        if str(path).endswith("writer.lock"):
            copies.append(os.dup(fd))  # what the forked worker would hold
        return fd

    monkeypatch.setattr(index_module.os, "open", open_and_copy)
    with index._writer_lock(block=True) as locked:
        assert locked
    monkeypatch.setattr(index_module.os, "open", real_open)
    fd = os.open(tmp_path / "index" / "writer.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError if the copy kept it
    finally:
        os.close(fd)
        for copy in copies:
            os.close(copy)


_LAZY = textwrap.dedent("""
    import sys
    from app import create_app
    app = create_app({"DATA_DIR": sys.argv[1], "SECRET_KEY": "security-tests"})
    loaded = {m for m in sys.modules if m.startswith("whoosh")}
    index = app.extensions["reperes"]["search_index"]
    index.search("mouettebleue", member=True)
    index.search("mouetebleu", member=False, kind="pages")
    app.extensions["reperes"]["pages"].save("Z", "zzz", author="anne")
    index.drain(block=True)
    print(sorted({m for m in sys.modules if m.startswith("whoosh")} - loaded))
""")


def test_no_whoosh_module_is_imported_after_the_app_is_built(tmp_path):
    """gunicorn preloads the app then forks: a module Whoosh imports lazily is imported by two
    threads of a worker at once, which failed ("partially initialized module") and hung one."""
    world = build_world(tmp_path / "data")
    result = subprocess.run([sys.executable, "-c", _LAZY, str(world.data)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"

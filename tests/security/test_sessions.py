"""Suite 6 — sessions and authentication: CSRF, login throttling across processes, one message
for every failed login, sessions that end for good, cookie flags and security headers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from unittest import mock

import pytest
from itsdangerous import URLSafeTimedSerializer

from tests.security.test_route_matrix import TABLE
from tests.security.world import Device, build_world

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(tmp_path):
    return build_world(tmp_path / "data")


def _session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


# ---------------------------------------------------------------- CSRF


def _edit_form(token: str | None) -> dict:
    form = {"text": "Texte long tapé pendant une heure <b>gras</b>", "comment": "mon résumé",
            "base_rev": "0", "was_new": "1"}
    if token is not None:
        form["csrf_token"] = token
    return form


def _assert_refused_and_kept(response) -> None:
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Texte long tapé pendant une heure &lt;b&gt;gras&lt;/b&gt;" in html  # kept, escaped
    assert "mon résumé" in html


def test_csrf_missing_is_refused_and_the_text_kept(world):
    member = Device(world, "member")
    _assert_refused_and_kept(member.client.post("/wiki/Brouillon", data=_edit_form(None)))
    assert not world.app.extensions["reperes"]["pages"].exists("Brouillon")


def test_csrf_from_another_session_is_refused(world):
    member, admin = Device(world, "member"), Device(world, "admin")
    _assert_refused_and_kept(member.client.post("/wiki/Brouillon", data=_edit_form(admin.token())))
    assert not world.app.extensions["reperes"]["pages"].exists("Brouillon")


def test_csrf_expired_is_refused(world):
    member = Device(world, "member")
    member.token()
    with member.client.session_transaction() as session:
        raw = session["csrf_token"]
    signer = URLSafeTimedSerializer(world.app.secret_key, salt="wtf-csrf-token")
    limit = world.app.config["WTF_CSRF_TIME_LIMIT"]
    real_time = __import__("time").time
    with mock.patch("itsdangerous.timed.time.time", return_value=real_time() - limit - 60):
        old = signer.dumps(raw)
    assert member.client.post("/wiki/Brouillon", data=_edit_form(signer.dumps(raw))).status_code == 302
    _assert_refused_and_kept(member.client.post("/wiki/Brouillon2", data=_edit_form(old)))


def test_every_post_route_checks_csrf(world):
    """No POST route is exempt: without a token, each answers 400 and changes nothing."""
    admin = Device(world, "admin")
    before = _tree(world.data)
    for url, _endpoint, _cells in TABLE:
        response = admin.client.post(url.format(**world.ids), data={"text": "x"})
        assert response.status_code in (400, 405), url
    assert _tree(world.data) == before


def _tree(data: Path) -> dict:
    """Every document file (the audit log and derived files may change)."""
    return {str(p.relative_to(data)): p.stat().st_size for p in data.rglob("*")
            if p.is_file() and "revisions" in p.parts}


# ---------------------------------------------------------------- login


_WORKER = textwrap.dedent("""
    import re, sys
    from app import create_app
    app = create_app({"DATA_DIR": sys.argv[1], "SECRET_KEY": "security-tests", "TESTING": True})
    client = app.test_client()
    for i in range(int(sys.argv[2])):
        html = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        r = client.post("/login", data={"username": "anne", "password": f"wrong-{i}-password",
                                        "csrf_token": token})
        assert r.status_code == 401, r.status_code
""")


@pytest.mark.slow
def test_wrong_passwords_from_several_processes_are_throttled_as_one(world):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, str(world.data), "5"], cwd=ROOT, env=env)
             for _ in range(4)]
    assert [p.wait(120) for p in procs] == [0, 0, 0, 0]
    failures = json.loads((world.data / "users" / ".throttle" / "anne").read_text())
    assert len(failures) == world.app.config["LOGIN_MAX_FAILURES"]  # the rest were not even tried
    device = Device(world, "anonymous")
    response = device.client.post("/login", data={"username": "anne", "password": "anne-password",
                                                   "csrf_token": device.token()})
    assert response.status_code == 401  # the right password waits too


def _login_answer(world, username: str, password: str) -> str:
    device = Device(world, "anonymous")
    response = device.client.post("/login", data={"username": username, "password": password,
                                                  "csrf_token": device.token()})
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    html = re.sub(r'name="csrf_token" value="[^"]+"', "", html)
    return re.sub(r'name="username" type="text" value="[^"]*"', "", html)


def test_same_answer_for_unknown_account_wrong_password_and_disabled_account(world):
    known = _login_answer(world, "anne", "not-her-password")
    assert known == _login_answer(world, "nobody", "not-her-password")
    assert known == _login_answer(world, "gone", "gone-password")
    assert known == _login_answer(world, "X" * 200, "x")


# ---------------------------------------------------------------- sessions that end


def _replayed(world, cookie: str, url: str = "/compte") -> int:
    thief = world.app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get(url).status_code


def test_cookie_replayed_after_logout_is_refused(world):
    member = Device(world, "member")
    stolen = _session_cookie(member.client)
    assert _replayed(world, stolen) == 200
    assert member.post("/logout").status_code == 302
    assert _replayed(world, stolen) == 302
    assert _replayed(world, stolen, "/wiki/Secret") == 302


def test_cookie_replayed_after_password_change_is_refused(world):
    member = Device(world, "member")
    stolen = _session_cookie(member.client)
    response = member.post("/compte", {"current": "anne-password", "new": "a-new-long-password",
                                       "confirm": "a-new-long-password"}, )
    assert response.status_code == 302
    assert member.client.get("/compte").status_code == 200  # the device that changed it stays in
    assert _replayed(world, stolen) == 302


def test_cookie_of_a_disabled_account_is_refused(world):
    assert Device(world, "deactivated").client.get("/compte").status_code == 302


def test_participant_cookie_stops_when_the_workshop_closes(world):
    device = Device(world, "participant")
    assert device.client.get("/atelier/moi").status_code == 200
    world.app.extensions["reperes"]["mediation"].update_workshop(
        world.ids["wid"], lambda w: setattr(w, "closed", __import__("time").time()), "medi", "fermé")
    assert device.client.get("/atelier/moi").status_code == 403


# ---------------------------------------------------------------- cookies and headers


def _set_cookies(response) -> dict[str, str]:
    return {value.split("=", 1)[0]: value for value in response.headers.getlist("Set-Cookie")}


def test_cookies_are_httponly_samesite_and_secure_over_https(tmp_path):
    world = build_world(tmp_path / "data", SECURE_COOKIES=True)
    device = Device(world, "anonymous")
    response = device.client.post("/login", data={"username": "medi", "password": "medi-password",
                                                  "csrf_token": device.token()})
    cookie = _set_cookies(response)["session"]
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in cookie
    hand = device.post(f"/atelier/{world.ids['wid']}/main/{world.ids['pid']}")
    assert hand.status_code == 302
    participant = _set_cookies(hand)["reperes_atelier"]
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in participant


def _check_headers(url: str, response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, url
    assert "unsafe-inline" not in csp, url
    assert "unsafe-eval" not in csp, url
    assert "frame-ancestors 'none'" in csp, url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy"), url


@pytest.mark.parametrize("role", ["anonymous", "member", "admin"])
def test_security_headers_on_every_response(world, role):
    """Pages, errors, feeds, files and redirects alike."""
    device = Device(world, role)
    for url, _endpoint, _cells in TABLE:
        _check_headers(url, device.client.get(url.format(**world.ids)))
    _check_headers("/fichiers/Secret/photo.png", Device(world, "member").client.get("/fichiers/Secret/photo.png"))
    _check_headers("404", device.client.get("/nulle-part"))
    _check_headers("csrf", device.client.post("/wiki/Accueil", data={}))


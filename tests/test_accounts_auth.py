"""Accounts: throttling across processes, one message for every login failure, sessions that end."""

from __future__ import annotations

import json
import multiprocessing
import re

import pytest

from accounts.users import UserStore
from tests.conftest import AuthActions, csrf_token


def _fail_logins(root: str, attempts: int) -> None:
    """In a separate process (a gunicorn worker): wrong passwords against the shared folder."""
    store = UserStore(root)
    for _ in range(attempts):
        assert store.authenticate("anne", "mauvais-mot-de-passe", max_failures=5, lock_minutes=15) is None


def test_throttling_holds_across_processes(tmp_path):
    store = UserStore(tmp_path)
    store.add("anne", ["member"], "anne-password")
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_fail_logins, args=(str(tmp_path), 3)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    # 12 failures from 4 processes: exactly the limit was counted (no lost update), then the lock held.
    failures = json.loads((tmp_path / ".throttle" / "anne").read_text())
    assert len(failures) == 5
    assert store.is_locked("anne")
    assert store.authenticate("anne", "anne-password") is None  # even the right password waits
    assert store.authenticate("bob", "x") is None  # another name is not locked by anne's failures
    assert not store.is_locked("bob")


def test_a_success_before_the_limit_clears_the_failures(tmp_path):
    store = UserStore(tmp_path)
    store.add("anne", ["member"], "anne-password")
    for _ in range(4):
        store.authenticate("anne", "faux")
    assert store.authenticate("anne", "anne-password") is not None
    assert not (tmp_path / ".throttle" / "anne").exists()


def _login_error(client, username, password):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    match = re.search(r'id="login-error">([^<]+)<', response.get_data(as_text=True))
    return response.status_code, match.group(1) if match else None


def test_same_message_for_unknown_wrong_locked_and_disabled(app, client):
    answers = {
        "unknown": _login_error(client, "personne", "anne-password"),
        "bad name": _login_error(client, "../etc", "x"),
        "wrong password": _login_error(client, "anne", "mauvais"),
    }
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _login_error(client, "bob", "mauvais")
    answers["locked"] = _login_error(client, "bob", "bob-password")
    app.extensions["reperes"]["users"].set_active("anne", False)
    answers["disabled"] = _login_error(client, "anne", "anne-password")
    assert len(set(answers.values())) == 1, answers
    status, message = answers["unknown"]
    assert status == 401
    assert message


def test_login_only_follows_local_next(client):
    token = csrf_token(client, "/login")
    for target, expected in [("/wiki/", "/wiki/"), ("https://evil.example/", "/"), ("//evil.example", "/"),
                             ("/\\evil.example", "/")]:
        client.post("/logout", data={"csrf_token": csrf_token(client, "/login")})
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"username": "anne", "password": "anne-password",
                                               "next": target, "csrf_token": token})
        assert response.status_code == 302
        assert response.headers["Location"] == expected, target


def _session_cookie(client):
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_session_cookie_is_refused_after_logout(app, client, auth):
    auth.login()
    stolen = _session_cookie(client)
    assert client.get("/recent").status_code == 200
    auth.logout()
    assert client.get("/recent").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/recent")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_session_cookie_is_refused_after_a_password_change(app, client, auth):
    auth.login()
    other_device = app.test_client()
    AuthActions(other_device).login()
    assert other_device.get("/recent").status_code == 200
    token = auth.token("/compte")
    response = client.post("/compte", data={"current": "anne-password", "new": "nouveau-mot-de-passe",
                                            "confirm": "nouveau-mot-de-passe", "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/recent").status_code == 200  # the device that changed it stays logged in
    assert other_device.get("/recent").status_code == 302


def test_disabled_account_session_ends(app, client, auth):
    auth.login()
    assert client.get("/recent").status_code == 200
    app.extensions["reperes"]["users"].set_active("anne", False)
    assert client.get("/recent").status_code == 302


@pytest.mark.parametrize(("who", "status"), [(None, 302), ("anne", 403), ("admin", 200)])
def test_admin_pages_need_the_admin_role(client, who, status):
    if who:
        AuthActions(client).login(who)
    assert client.get("/admin/comptes").status_code == status


def test_admin_creates_and_disables_an_account(app, client, auth):
    auth.login("admin")
    token = auth.token("/admin/comptes")
    response = client.post("/admin/comptes", data={"username": "Zoe", "display_name": "Zoé",
                                                   "roles": ["member"], "csrf_token": token})
    assert response.status_code == 200
    assert app.extensions["reperes"]["users"].get("zoe") is not None
    response = client.post("/admin/comptes", data={"username": "../x", "csrf_token": token})
    assert response.status_code == 400
    client.post("/admin/comptes/zoe", data={"action": "disable", "csrf_token": token})
    assert app.extensions["reperes"]["users"].get("zoe").active is False


def test_member_cannot_use_admin_actions(app, client, auth):
    auth.login("bob")
    token = auth.token("/wiki/")
    response = client.post("/admin/comptes/anne", data={"action": "disable", "csrf_token": token})
    assert response.status_code == 403
    assert app.extensions["reperes"]["users"].get("anne").active is True


def test_user_cli(runner, app):
    result = runner.invoke(args=["user", "add", "claire", "--role", "member", "--password-stdin"],
                           input="claire-password\n")
    assert result.exit_code == 0, result.output
    assert app.extensions["reperes"]["users"].authenticate("claire", "claire-password") is not None
    result = runner.invoke(args=["user", "add", "claire"])
    assert result.exit_code != 0
    assert "existe déjà" in result.output
    assert "claire\tmember\tactif" in runner.invoke(args=["user", "list"]).output
    assert runner.invoke(args=["user", "disable", "claire"]).exit_code == 0
    assert app.extensions["reperes"]["users"].authenticate("claire", "claire-password") is None
    assert runner.invoke(args=["user", "enable", "claire"]).exit_code == 0
    result = runner.invoke(args=["user", "reset-password", "claire"])
    assert "Mot de passe :" in result.output
    assert app.extensions["reperes"]["users"].authenticate("claire", "claire-password") is None
    assert runner.invoke(args=["user", "add", "x", "--password-stdin"], input="court\n").exit_code != 0


def test_an_account_changed_by_another_process_is_read_again(tmp_path):
    store = UserStore(tmp_path)
    store.add("anne", ["member"], "anne-password")
    first = store.get("anne")
    first.roles.append("admin")  # a caller changing its copy changes nothing kept
    assert store.get("anne").roles == ["member"]
    other = UserStore(tmp_path)  # another worker disables the account
    user = other.get("anne")
    user.active = False
    other.save(user)
    assert store.get("anne").active is False
    (tmp_path / "anne.json").unlink()
    assert store.get("anne") is None


def _session_cookie_set(response) -> bool:
    return any(h.startswith("session=") for h in response.headers.getlist("Set-Cookie"))


def test_member_session_is_re_signed_at_most_once_a_minute(app, client, auth, monkeypatch):
    from accounts.auth import ThrottledRefreshSession

    auth.login()
    client.get("/wiki/")  # the CSRF token is in the session now
    assert not _session_cookie_set(client.get("/wiki/"))  # unchanged, signed seconds ago: not re-sent
    monkeypatch.setattr(ThrottledRefreshSession, "REFRESH_SECONDS", 0)
    assert _session_cookie_set(client.get("/wiki/"))  # a minute later it is: inactivity counts from now
    assert client.get("/wiki/").status_code == 200


def test_an_expired_session_still_ends(app, client, auth):
    auth.login()
    assert client.get("/recent").status_code == 200  # members only
    app.config["PERMANENT_SESSION_LIFETIME"] = -1  # every cookie signed up to now is too old
    response = client.get("/recent")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]

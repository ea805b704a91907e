"""Shared fixtures: an app on a fresh data folder, a client, a CLI runner and an auth helper."""

from __future__ import annotations

import os
import re

import pytest

# scrypt costs ~0.5 s per hash on a busy 2-core machine: every app the tests create (and the
# servers they start, which inherit the environment) uses a fast method instead.
os.environ.setdefault("REPERES_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")

from app import create_app


@pytest.fixture
def app(tmp_path):
    """An application on an empty data folder, CSRF on (as in production)."""
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "test", "TESTING": True})
    users = app.extensions["reperes"]["users"]
    users.add("admin", ["admin"], "admin-password")
    users.add("anne", ["member"], "anne-password", display_name="Anne")
    users.add("bob", ["member"], "bob-password")
    return app


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for `flask` commands."""
    return app.test_cli_runner()


_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, url: str = "/login") -> str:
    """Fetch a page and return the CSRF token its forms carry."""
    html = client.get(url, follow_redirects=True).get_data(as_text=True)
    match = _TOKEN.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


class AuthActions:
    """Log in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, username: str = "anne", password: str | None = None):
        """Log in (password defaults to '<username>-password')."""
        token = csrf_token(self._client)
        return self._client.post(
            "/login",
            data={"username": username, "password": password or f"{username}-password", "csrf_token": token},
        )

    def logout(self):
        """Log out."""
        return self._client.post("/logout", data={"csrf_token": csrf_token(self._client, "/")})

    def token(self, url: str = "/") -> str:
        """A CSRF token for the current session."""
        return csrf_token(self._client, url)


@pytest.fixture
def auth(client):
    """Login helper bound to the test client."""
    return AuthActions(client)


# `flask` commands speak the shell's language (LC_ALL / LC_MESSAGES / LANG, i18n.cli_language) and the
# tests expect their French: an English shell must not turn them English (tests/test_i18n_cli.py sets it).
for _name in ("LC_ALL", "LC_MESSAGES", "LANG"):
    if os.environ.get(_name, "").lower().startswith("en"):
        os.environ[_name] = "C.UTF-8"

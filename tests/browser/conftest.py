"""Browser tests: a live Repères on a free loopback port, driven by Debian's chromium via Playwright.

Recipe: ../shared/recipes/browser-a11y.md. Never `playwright install`: /usr/bin/chromium is used.
"""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from app import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    """Every test under tests/browser is a browser test."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """One app for the browser session, on a fresh data folder with demo content and known users."""
    data = tmp_path_factory.mktemp("browser-data")
    app = create_app({"DATA_DIR": str(data), "SECRET_KEY": "browser-tests", "DEMO": True})
    users = app.extensions["reperes"]["users"]
    for name, roles in [("anne", ["member"]), ("bob", ["member"]), ("medi", ["mediateur"]),
                        ("modo", ["moderateur"])]:
        if users.get(name) is None:
            users.add(name, roles, f"{name}-password")
    users.set_password("admin", "admin-password")
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    """Serve the app in a thread on 127.0.0.1:<free port>."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-playwright then accepts page.goto('/path')."""
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, with fake camera and microphone for recording tests."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A French phone-sized screen; CSP bypass only so that axe can be injected."""
    return {
        **browser_context_args,
        "locale": "fr-FR",
        "viewport": {"width": 360, "height": 740},
        "bypass_csp": True,
    }


def login(page, username: str, password: str | None = None) -> None:
    """Log in through the real form."""
    page.goto("/login")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password or f"{username}-password")
    page.get_by_role("button", name="Se connecter").last.click()

"""Repères: the application factory (`flask --app app run`, `gunicorn 'app:create_app()'`)."""

from __future__ import annotations

import contextlib
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import load_config

__version__ = "0.1.0"


def _secret_key(data_dir: Path) -> str:
    """The configured key, else one generated once and kept in the data folder."""
    from wiki.store import atomic_write

    path = data_dir / "config" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            atomic_write(path, secrets.token_hex(32))
    return path.read_text().strip()


def create_app(config: dict | None = None) -> Flask:
    """Build the application: defaults -> instance config / environment -> test config."""
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(load_config(config))
    data_dir = Path(app.config["DATA_DIR"]).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    app.config["DATA_DIR"] = str(data_dir)
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or _secret_key(data_dir)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    app.config["MAX_FORM_MEMORY_SIZE"] = 4 * 1024 * 1024  # a text field of a multipart form (1,000,000 characters max.)
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["SESSION_HOURS"])
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = app.config["SECURE_COOKIES"]
    app.config["WTF_CSRF_TIME_LIMIT"] = app.config["SESSION_HOURS"] * 3600
    app.config["VERSION"] = __version__
    if app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"],
                                x_proto=app.config["PROXY_COUNT"], x_host=app.config["PROXY_COUNT"])

    import accounts
    import admin
    import agenda
    import aide
    import directory
    import mediation
    import search
    import web
    import wiki

    # Order matters: admin audits the stores the packages before it created, and search
    # comes last because it follows every store registered as a search source.
    for package in (web, accounts, wiki, agenda, mediation, directory, aide, admin, search):
        package.init_app(app)

    from web import demo, startup

    if app.config["DEMO"]:
        demo.create_if_missing(app)
    startup.init_app(app)
    if app.testing:  # tests see a cleaned, reconciled folder as soon as the app exists
        startup.run_now(app)
    return app

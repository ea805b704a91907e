"""What every page shares: locale, CSRF, security headers, error pages, template helpers."""

from __future__ import annotations

import errno
import os
from datetime import UTC, datetime

from flask import g, render_template, request
from flask_babel import Babel, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from werkzeug.exceptions import HTTPException

from accounts.auth import has_role, is_member
from i18n import N_, cli_language, set_translator, translate_commands

csrf = CSRFProtect()
babel = Babel()
LOCALES = ("fr", "en")

# No inline script or style anywhere: everything comes from /static.
# OpenStreetMap tiles are the only third-party resource, loaded by the reader's browser for maps.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob: https://tile.openstreetmap.org; media-src 'self' blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def select_locale() -> str:
    """The visitor's chosen language (?lang= or cookie), else French."""
    import click
    from flask import current_app, has_request_context

    if not has_request_context():  # a `flask` command speaks the shell's language (LANG), French by default
        return cli_language() if click.get_current_context(silent=True) else current_app.config.get("DEFAULT_LOCALE", "fr")
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in LOCALES:
        return chosen
    return current_app.config.get("DEFAULT_LOCALE", "fr")


def _load_locale_data(code: str) -> None:
    """Read Babel's data for the default language now: under gunicorn preload_app the workers
    share it. Other languages (English: ~1 MB) load in the worker that first serves them."""
    from babel import Locale

    locale = Locale.parse(code)
    locale.datetime_formats, locale.date_formats, locale.days  # noqa: B018 (loads them)


def init_app(app):
    """Attach Babel, CSRF protection, headers, error pages and template globals."""
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Paris")  # before Babel reads it
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    # Messages from modules without Flask (i18n.N_) are translated when shown, dates follow the language
    set_translator(_, lambda: str(get_locale() or "fr"))
    _load_locale_data(app.config.get("DEFAULT_LOCALE", "fr"))
    _commands_in_the_shell_language(app)
    csrf.init_app(app)
    app.jinja_env.globals.update(is_member=is_member, has_role=has_role, csrf_token=generate_csrf)
    app.jinja_env.filters["frdatetime"] = format_timestamp
    app.jinja_env.filters["isodatetime"] = iso_timestamp
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OSError, _disk_error)
    app.url_defaults(_static_version(app))

    @app.before_request
    def _remember_language():
        g.lang_choice = request.args.get("lang") if request.args.get("lang") in LOCALES else None

    @app.context_processor
    def _site():
        from flask_babel import get_locale

        return {
            "site_name": app.config["SITE_NAME"],
            "lang": str(get_locale() or "fr"),
            "main_menu": lambda: _menu(app, "main"),
            "footer_menu": lambda: _menu(app, "footer"),
            "search_url": "/recherche" if "search.search" in app.view_functions else None,
        }


def _commands_in_the_shell_language(app) -> None:
    """`flask <command> --help` in French or English (LANG / LC_ALL): helps are translated when looked up."""
    from flask import has_app_context

    look_up = app.cli.get_command

    def get_command(ctx, name):
        command = look_up(ctx, name)
        if command is not None:
            if has_app_context():
                translate_commands(command)
            else:
                with app.app_context():
                    translate_commands(command)
        return command

    app.cli.get_command = get_command


def add_menu(app, endpoint: str, label, *, order: int = 50, place: str = "main",
             role: str | None = None) -> None:
    """Add a link to the main menu or the footer (label: a lazy_gettext string)."""
    app.extensions.setdefault("reperes", {}).setdefault("menu", []).append(
        (order, place, endpoint, label, role)
    )


def _menu(app, place: str) -> list[tuple[str, str]]:
    entries = sorted(app.extensions.get("reperes", {}).get("menu", []), key=lambda e: e[0])
    return [
        (endpoint, str(label))
        for _order, where, endpoint, label, role in entries
        if where == place and endpoint in app.view_functions and (role is None or has_role(role))
    ]


def format_timestamp(ts: float, fmt: str | None = None) -> str:
    """A Unix time as a readable local date in the visitor's language (Europe/Paris)."""
    from flask_babel import format_datetime

    # The default pattern is in the catalogue: "d MMMM y, HH:mm" in English.
    return format_datetime(datetime.fromtimestamp(ts or 0, UTC), fmt or _("d MMMM y 'à' HH:mm"))


def iso_timestamp(ts: float) -> str:
    """A Unix time in ISO 8601 (UTC), for <time datetime> and feeds."""
    return datetime.fromtimestamp(ts or 0, UTC).isoformat(timespec="seconds")


def _static_version(app):
    """Static URLs carry ?v=<file mtime>, so a year of `immutable` caching never serves old CSS after an update."""
    versions: dict[str, str] = {}

    def add_version(endpoint, values):
        if endpoint != "static" or "filename" not in values or "v" in values:
            return
        filename = values["filename"]
        if filename not in versions:
            try:
                versions[filename] = str(int(os.stat(os.path.join(app.static_folder, filename)).st_mtime))
            except OSError:
                versions[filename] = app.config.get("VERSION", "0")
        values["v"] = versions[filename]

    return add_version


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(self), microphone=(self), geolocation=()")
    if request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    elif "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store" if is_member() else "no-cache"
    if getattr(g, "lang_choice", None):
        response.set_cookie("lang", g.lang_choice, max_age=365 * 86400, samesite="Lax")
    return response


def _csrf_error(error):
    """Expired or missing token: 400, and the text typed is given back, not lost."""
    kept = {
        key: value
        for key, value in request.form.items(multi=True)
        if key not in ("csrf_token", "password", "current", "new", "confirm") and value.strip()
    }
    return render_template("errors/csrf.html", kept=kept, target=request.path), 400


_TITLES = {
    0: N_("Erreur"),
    400: N_("Demande incorrecte"),
    401: N_("Connexion nécessaire"),
    403: N_("Accès refusé"),
    404: N_("Page introuvable"),
    405: N_("Méthode non permise"),
    409: N_("Conflit"),
    413: N_("Fichier trop gros"),
    415: N_("Type de fichier refusé"),
    429: N_("Trop de demandes"),
}


def _http_error(error: HTTPException):
    """Every HTTP error as a French page with the right status (never a traceback)."""
    if error.code is None or error.code < 400:
        return error
    title = _(_TITLES.get(error.code, _TITLES[0]))
    description = error.description if error.description and not error.description.startswith(
        ("The ", "Bad Request", "You ", "Method ", "The server")) else ""
    if error.code == 413:
        description = _("Le fichier envoyé dépasse la taille permise. Essayez un fichier plus petit.")
    response = render_template("errors/error.html", code=error.code, title=title, description=description)
    return response, error.code


def _disk_error(error: OSError):
    """A full or failing disk in any view: a French page saying nothing was saved (507)."""
    if error.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO):
        raise error
    description = _("Le disque du serveur est plein ou en panne : rien n'a été enregistré. "
                    "Gardez votre texte ou votre fichier, réessayez plus tard et prévenez "
                    "l'administrateur du site.")
    return render_template("errors/error.html", code=507, title=_("Espace disque insuffisant"),
                           description=description), 507

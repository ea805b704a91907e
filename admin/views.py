"""HTTP only: /healthz, the admin home, the audit journal, the site's look and its stylesheet."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from accounts.auth import current_username, role_required
from admin import audit, theme
from admin.backup import backup_dir, human_size, list_backups

bp = Blueprint("admin", __name__)
JOURNAL_PAGE = 50
BACKUP_WARN_HOURS = 36


@bp.route("/healthz")
def healthz():
    """200 {"status": "ok"} when the data folder is writable, else 503 (nothing else disclosed)."""
    probe = Path(current_app.config["DATA_DIR"]) / f".tmp-healthz-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        probe.unlink()
    except OSError:
        with contextlib.suppress(OSError):
            probe.unlink()
        response = jsonify(status="error")
        response.status_code = 503
    else:
        response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/admin/")
@role_required("admin")
def index():
    """The administrator's page: links, the last backups, the latest journal lines."""
    backups = list_backups(backup_dir(current_app.config))
    last = backups[-1] if backups else None
    last_info = None
    if last is not None:
        stat = last.stat()
        age_hours = (time.time() - stat.st_mtime) / 3600
        last_info = {"name": last.name, "size": human_size(stat.st_size), "time": stat.st_mtime,
                     "old": age_hours > BACKUP_WARN_HOURS}
    entries, _more = audit.read(current_app.config["DATA_DIR"], 0, 10)
    recent, _more = audit.read(current_app.config["DATA_DIR"], 0, 1000)
    last_check = next((e for e in recent if e.action == "data.check"), None)
    return render_template("admin/index.html", last_backup=last_info, backup_count=len(backups),
                           entries=entries, last_check=last_check,
                           check_summary=_check_summary(last_check.detail) if last_check else "")


# The journal keeps `flask check`'s summary in French (admin.cli._summary); the page says it in its language.
_CHECK_OK = re.compile(r"aucun problème \((\d+) documents, (\d+) versions\)")
_CHECK_PROBLEMS = re.compile(r"(\d+) problème\(s\) : (.*)")


def _check_summary(detail: str) -> str:
    if found := _CHECK_OK.fullmatch(detail):
        return _("aucun problème (%(documents)s documents, %(revisions)s versions)",
                 documents=found[1], revisions=found[2])
    if found := _CHECK_PROBLEMS.fullmatch(detail):
        return _("%(n)s problème(s) : %(kinds)s", n=found[1], kinds=found[2])
    return detail


@bp.route("/admin/journal")
@role_required("admin")
def journal():
    """The audit log, newest first, paged."""
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        abort(400, description=_("Numéro de page invalide."))
    entries, more = audit.read(current_app.config["DATA_DIR"], (page - 1) * JOURNAL_PAGE, JOURNAL_PAGE)
    if page > 1 and not entries:
        abort(404)
    return render_template("admin/journal.html", entries=entries, page=page, more=more)


@bp.route("/admin/apparence", methods=["GET", "POST"])
@role_required("admin")
def appearance():
    """Site name, logo, colours (contrast checked), home and footer text."""
    data_dir = current_app.config["DATA_DIR"]
    saved = theme.load(data_dir)
    errors: dict[str, str] = {}
    current = saved
    if request.method == "POST":
        current, errors = theme.validate(request.form, saved)
        upload = request.files.get("logo")
        if request.form.get("remove_logo"):
            current.logo = ""
        elif upload is not None and upload.filename:
            from media.images import ImageError, process_image

            try:
                image = process_image(upload.read(), max_pixels=current_app.config["MAX_IMAGE_PIXELS"],
                                      thumb_sizes=(), max_side=512)
            except ImageError as exc:
                errors["logo"] = str(exc)
            else:
                if not errors:
                    current.logo = theme.save_logo(data_dir, image.data, image.ext)
        if not errors:
            theme.save(data_dir, current)
            changed = [k for k, v in current.__dict__.items() if getattr(saved, k) != v]
            audit.record(current_app, current_username(), "theme.change", "apparence",
                         detail=", ".join(changed) or "aucun changement")
            flash(_("Apparence enregistrée."), "success")
            return redirect(url_for("admin.appearance"))
    return (
        render_template("admin/appearance.html", theme=current, errors=errors,
                        contrast={"brand": theme.format_ratio(theme.worst_contrast(saved.brand)),
                                  "accent": theme.format_ratio(theme.worst_contrast(saved.accent))},
                        default_name=current_app.config["SITE_NAME"]),
        400 if errors else 200,
    )


@bp.route("/apparence.css")
def theme_css():
    """The chosen colours as CSS variables (the CSP forbids inline styles)."""
    response = Response(theme.css(theme.current(current_app)), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable" \
        if request.args.get("v") == theme.current(current_app).version else "no-cache"
    return response


@bp.route("/apparence/<name>")
def theme_logo(name: str):
    """The logo (a content-derived name, so it is cached for long)."""
    path = theme.logo_path(current_app.config["DATA_DIR"], name)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/png" if name.endswith(".png") else "image/jpeg",
                         max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response

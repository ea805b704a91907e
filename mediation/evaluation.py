"""/evaluation/: the figures for members, the CSV export and « Votre avis sur Repères »."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from accounts.auth import current_username, login_required
from mediation.access import store
from mediation.model import ModelError, clean_text
from mediation.stats import LABELS, to_csv

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")


def _render(errors=None, form=None, status=200):
    from media import av
    from mediation.cli import figures

    return render_template("mediation/evaluation.html", figures=figures(), labels=LABELS,
                           feedback=store().all_feedback(), errors=errors or {},
                           form=form or {"text": "", "useful": ""}, ffmpeg=av.available()), status


@bp.route("/")
@login_required
def index():
    """The evaluation page."""
    return _render()


@bp.route("/avis", methods=["POST"])
@login_required
def feedback():
    """Record one answer to « Votre avis sur Repères »."""
    form = {"text": request.form.get("text", ""), "useful": request.form.get("useful", "")}
    errors = {}
    try:
        text = clean_text(form["text"], 3000)
    except ModelError as exc:
        errors["text"] = str(exc)
        text = ""
    if not errors and not text:
        errors["text"] = _("Écrivez votre avis en quelques mots.")
    if form["useful"] not in ("", "1", "2", "3", "4", "5"):
        errors["useful"] = _("Choisissez une note de 1 à 5.")
    if errors:
        return _render(errors, form, 400)
    store().add_feedback(current_username(), int(form["useful"]) if form["useful"] else None, text)
    flash(_("Merci pour votre avis."), "success")
    return redirect(url_for("evaluation.index"))


@bp.route("/export.csv")
@login_required
def export_csv():
    """The figures and the feedback answers as CSV."""
    from mediation.cli import figures

    response = current_app.response_class(to_csv(figures(), store().all_feedback()),
                                          mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="evaluation-reperes.csv"'
    return response

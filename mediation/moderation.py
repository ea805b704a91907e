"""/moderation/: the queue (oldest first), review with preview and consent, publish / refuse / withdraw."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from accounts.auth import current_username, role_required
from mediation import places
from mediation.access import store
from mediation.model import STATUS_LABELS, STATUSES, Contribution, ModelError, clean_text

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.before_request
def _no_participants():
    """A workshop participant never reaches moderation, whatever the page."""
    from accounts.auth import is_member
    from mediation.access import current_participant

    if not is_member() and current_participant():
        abort(403)


def _audit(action: str, target: str, detail: str = "") -> None:
    from admin import audit

    audit.record(current_app, current_username(), action, target, detail)


@bp.route("/")
@role_required("moderateur")
def queue():
    """Contributions waiting for a moderator, oldest first; other statuses by tab."""
    from media import av

    status = request.args.get("statut", "propose")
    if status not in STATUSES:
        abort(404)
    items = [c for c in store().all() if c.status == status]
    key = (lambda c: c.proposed or c.created) if status == "propose" else (lambda c: -(c.published or c.created))
    items.sort(key=key)
    counts = dict.fromkeys(STATUSES, 0)
    for c in store().all():
        counts[c.status] += 1
    people = {p.id: p for p in store().all_participants()}
    return render_template("mediation/queue.html", items=items, status=status, counts=counts,
                           labels=STATUS_LABELS, people=people, ffmpeg=av.available(),
                           places={p.slug: p for p in places.all_places()})


def _render_review(item: Contribution, errors=None, status: int = 200, form=None):
    errors = {k: _(v) for k, v in (errors or {}).items()}
    person = store().participant(item.participant)
    workshop = store().workshop(item.workshop)
    return render_template("mediation/review.html", item=item, person=person, workshop=workshop,
                           place=places.place(item.structure), errors=errors or {},
                           form=form or {"text": item.text, "alt": item.alt, "transcript": item.transcript,
                                         "reason": ""},
                           labels=STATUS_LABELS,
                           revisions=store().contributions.revisions(item.id)), status


@bp.route("/<cid>", methods=["GET", "POST"])
@role_required("moderateur")
def review(cid: str):
    """Fix typos, add alt text and transcript, then publish, refuse or withdraw."""
    item = store().get(cid)
    if item is None:
        abort(404)
    if request.method == "GET":
        return _render_review(item)
    action = request.form.get("action", "save")
    form = {k: request.form.get(k, "") for k in ("text", "alt", "transcript", "reason")}
    errors = {}
    try:
        text = clean_text(form["text"])
    except ModelError as exc:
        errors["text"] = str(exc)
    try:
        alt = clean_text(form["alt"], 300)
    except ModelError as exc:
        errors["alt"] = str(exc)
    try:
        transcript = clean_text(form["transcript"], 20000)
    except ModelError as exc:
        errors["transcript"] = str(exc)
    if action not in ("save", "publish", "refuse", "withdraw"):
        abort(400, description=_("Action inconnue."))
    if errors:
        return _render_review(item, errors, 400, form)

    def edit(c: Contribution) -> None:
        c.text, c.alt, c.transcript = text, alt, transcript

    preview = Contribution(**{**item.__dict__})
    edit(preview)
    if action == "save" and item.status == "publie":
        problems = preview.publication_problems()  # what is public stays complete
        if problems:
            return _render_review(item, problems, 400, form)
    if action == "publish":
        problems = preview.publication_problems()
        if item.status != "propose":
            problems["status"] = _("Seule une contribution proposée peut être publiée.")
        if problems:
            return _render_review(item, problems, 400, form)
    if action == "refuse" and not form["reason"].strip():
        return _render_review(item, {"reason": _("Écrivez la raison du refus : la personne qui anime l'atelier la verra.")},
                              400, form)
    target = {"publish": "publie", "refuse": "refuse", "withdraw": "retire"}.get(action)

    def change(c: Contribution) -> None:
        edit(c)
        if target:
            c.move_to(target, form["reason"])

    try:
        store().update(cid, change, current_username(), {"save": "relecture", "publish": "publication",
                                                         "refuse": "refus", "withdraw": "retrait"}[action])
    except ModelError as exc:
        return _render_review(item, {"status": str(exc)}, 409, form)
    if target:
        _audit(f"contribution.{ {'publie': 'publish', 'refuse': 'refuse', 'retire': 'withdraw'}[target] }",
               cid, form["reason"][:200])
        flash({"publie": _("Publiée."), "refuse": _("Refusée : la raison est transmise."),
               "retire": _("Retirée : elle n'est plus visible.")}[target], "success")
        return redirect(url_for("moderation.queue"))
    flash(_("Modifications enregistrées."), "success")
    return redirect(url_for("moderation.review", cid=cid))

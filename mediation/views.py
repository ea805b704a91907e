"""/atelier/: mediators run workshops; participants contribute one step at a time (HTTP only)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import logout_user
from werkzeug.exceptions import RequestEntityTooLarge

from accounts.auth import current_username, has_role, is_member, login_manager, role_required
from i18n import translate
from mediation import access, places
from mediation.access import can_edit, current_participant, is_mediator, store
from mediation.model import (
    KINDS,
    LINKS,
    SCOPES,
    STEPS,
    Contribution,
    ModelError,
    clean_text,
    new_id,
)
from mediation.uploads import EXPECTED, UploadError, read_upload, start_processing, store_media
from wiki.store import NotFound

bp = Blueprint("mediation", __name__, url_prefix="/atelier")


def _audit(action: str, target: str, detail: str = "") -> None:
    from admin import audit

    audit.record(current_app, current_username() or "participant", action, target, detail)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    """A file above the upload limit: a kind message, on the participant's screen too."""
    message = _("Ce fichier est trop lourd. Essayez un fichier plus petit ou plus court.")
    if _wants_json():
        return jsonify(ok=False, message=message), 413
    return render_template("mediation/message.html", title=_("Fichier trop lourd"), message=message,
                           back=request.path), 413


@bp.after_request
def _refresh_participant(response):
    """Keep the participant's turn alive while they work (no expiry during a workshop)."""
    if is_member() and access.COOKIE in request.cookies:
        access.clear_participant_cookie(response)  # a member took the device back
        return response
    found = current_participant()
    if found and not getattr(response, "_participant_cleared", False):
        access.set_participant_cookie(response, found[0].id, found[1].id)
    return response


# ---------------------------------------------------------------- mediators: workshops


@bp.route("/", methods=["GET", "POST"])
def index():
    """Mediators: the workshops and a form to open one. Participants: their screen."""
    if not is_mediator():
        if current_participant():
            return redirect(url_for("mediation.me"))
        if not has_role("member"):
            return login_manager.unauthorized()
        abort(403, description=_("Cette page est réservée aux comptes « mediateur »."))
    errors, form = {}, {"title": "", "place": "", "place_label": ""}
    if request.method == "POST":
        form = {k: request.form.get(k, "").strip()[:200] for k in form}
        if form["place"] and places.place(form["place"]) is None:
            errors["place"] = _("Ce lieu n'existe pas dans l'annuaire.")
        if not form["title"]:
            errors["title"] = _("Donnez un titre à l'atelier.")
        if not errors:
            workshop = store().open_workshop(form["title"], current_username(), form["place"],
                                             form["place_label"])
            _audit("workshop.open", workshop.id, workshop.title)
            return redirect(url_for("mediation.workshop", wid=workshop.id))
    return render_template("mediation/index.html", workshops=store().all_workshops(),
                           places=places.all_places(), errors=errors, form=form,
                           participants={p.id: p for p in store().all_participants()}), \
        (400 if errors else 200)


def _or_404(found):
    """`found`, or a 404 page when it is None (no such workshop, person or contribution)."""
    if found is None:
        abort(404)
    return found


def _workshop_or_404(wid: str):
    return _or_404(store().workshop(wid))


@bp.route("/<wid>", methods=["GET"])
@role_required("mediateur")
def workshop(wid: str):
    """A workshop: its participants, their contributions, hand the device over."""
    work = _workshop_or_404(wid)
    people = [p for p in (store().participant(pid) for pid in work.participants) if p]
    items = {p.id: store().by_participant(p.id) for p in people}
    return render_template("mediation/workshop.html", workshop=work, people=people, items=items,
                           all_people=store().all_participants(), place=places.place(work.place),
                           kinds=KINDS, error=request.args.get("erreur"))


@bp.route("/<wid>/personnes", methods=["POST"])
@role_required("mediateur")
def add_person(wid: str):
    """Add a participant: a new pseudonym, or one that comes back."""
    work = _workshop_or_404(wid)
    if not work.is_open:
        abort(409, description=_("Cet atelier est fermé."))
    existing = request.form.get("existing", "")
    try:
        if existing:
            person = store().participant(existing)
            if person is None:
                raise ModelError(_("Cette personne n'existe pas."))
        else:
            person = store().add_participant(request.form.get("pseudonym", ""), current_username())
    except ModelError as exc:
        people = [p for p in (store().participant(pid) for pid in work.participants) if p]
        return render_template("mediation/workshop.html", workshop=work, people=people,
                               items={p.id: store().by_participant(p.id) for p in people},
                               all_people=store().all_participants(), place=places.place(work.place),
                               kinds=KINDS, person_error=translate(str(exc)),
                               pseudonym=request.form.get("pseudonym", "")[:60]), 400
    store().join(wid, person.id, current_username())
    flash(_("%(p)s participe à l'atelier.", p=person.pseudonym), "success")
    return redirect(url_for("mediation.workshop", wid=wid))


@bp.route("/<wid>/main/<pid>", methods=["POST"])
@role_required("mediateur")
def hand_over(wid: str, pid: str):
    """Give the device to a participant: the member session ends on this device."""
    work = _workshop_or_404(wid)
    person = store().participant(pid)
    if person is None or pid not in work.participants:
        abort(404)
    if not work.is_open:
        abort(409, description=_("Cet atelier est fermé."))
    _audit("workshop.hand_over", wid, pid)
    logout_user()
    session.clear()
    response = make_response(redirect(url_for("mediation.me")))
    access.set_participant_cookie(response, wid, pid)
    return response


@bp.route("/<wid>/fermer", methods=["POST"])
@role_required("mediateur")
def close(wid: str):
    """Close a workshop: participants' turns on every device end."""
    import time

    _workshop_or_404(wid)
    store().update_workshop(wid, lambda w: setattr(w, "closed", time.time()), current_username(),
                            "fermeture")
    _audit("workshop.close", wid)
    flash(_("Atelier fermé. Les brouillons restent gardés."), "success")
    return redirect(url_for("mediation.index"))


@bp.route("/personnes")
@role_required("mediateur")
def people():
    """Every pseudonym, with their contributions (admins: export and erase)."""
    everyone = store().all_participants()
    counts = {p.id: len(store().by_participant(p.id)) for p in everyone}
    return render_template("mediation/people.html", people=everyone, counts=counts)


@bp.route("/personnes/<pid>")
@role_required("mediateur")
def person(pid: str):
    """One participant's contributions, to continue their drafts."""
    found = _or_404(store().participant(pid))
    workshops = [w for w in (store().workshop(wid) for wid in found.workshops) if w]
    return render_template("mediation/person.html", person=found, items=store().by_participant(pid),
                           workshops=workshops, kinds=KINDS)


@bp.route("/personnes/<pid>/export.zip")
@role_required("admin")
def export_person(pid: str):
    """Everything linked to a pseudonym, as a zip (admins)."""
    try:
        data = store().export_participant(pid)
    except NotFound:
        abort(404)
    _audit("person.export", pid)
    response = make_response(data)
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = f'attachment; filename="export-{pid}.zip"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/personnes/<pid>/effacer", methods=["POST"])
@role_required("admin")
def erase_person(pid: str):
    """Erase a participant entirely (admins), after typing the pseudonym to confirm."""
    from mediation.privacy import erase_participant

    found = _or_404(store().participant(pid))
    if " ".join(request.form.get("confirm", "").split()).casefold() != found.pseudonym.casefold():
        flash(_("Pour effacer, recopiez exactement le pseudonyme."), "error")
        return redirect(url_for("mediation.person", pid=pid)), 303
    erase_participant(current_app, pid, actor=current_username())
    flash(_("La personne et toutes ses contributions sont effacées."), "success")
    return redirect(url_for("mediation.people"))


# ---------------------------------------------------------------- participants


@bp.route("/moi")
def me():
    """The participant's home: big buttons, and what they already made."""
    found = current_participant()
    if found is None:
        if is_mediator():
            return redirect(url_for("mediation.index"))
        return render_template("mediation/message.html", title=_("Atelier"),
                               message=_("Demandez à la personne qui anime l'atelier de vous donner la main.")), 403
    workshop, person = found
    return render_template("mediation/me.html", workshop=workshop, person=person,
                           items=store().by_participant(person.id), place=places.place(workshop.place))


@bp.route("/moi/fin", methods=["POST"])
def finish():
    """The participant gives the device back."""
    response = make_response(render_template(
        "mediation/message.html", title=_("Merci !"),
        message=_("Merci. Rendez l'appareil à la personne qui anime l'atelier."),
        login_again=True))
    access.clear_participant_cookie(response)
    response._participant_cleared = True
    return response


@bp.route("/moi/nouveau/<kind>", methods=["GET", "POST"])
def new_mine(kind: str):
    """A participant starts a contribution (nothing is stored before the first answer)."""
    found = current_participant()
    if found is None:
        abort(403, description=_("Demandez à la personne qui anime l'atelier de vous donner la main."))
    return _new(kind, found[0], found[1].id)


@bp.route("/<wid>/p/<pid>/nouveau/<kind>", methods=["GET", "POST"])
@role_required("mediateur")
def new_for(wid: str, pid: str, kind: str):
    """A mediator starts a contribution with or for a participant."""
    work = _workshop_or_404(wid)
    if store().participant(pid) is None or pid not in work.participants:
        abort(404)
    return _new(kind, work, pid)


def _new(kind: str, work, pid: str):
    if kind not in KINDS:
        abort(404)
    first = STEPS[kind][0]
    draft = Contribution("nouveau", kind, pid, work.id, work.mediator, structure=work.place,
                         link="structure" if work.place else "aucun")
    if request.method == "GET":
        return _render_step(draft, first, action=request.path)
    # The first valid answer creates the draft, kept on the server from then on;
    # a refused file leaves nothing behind.
    draft.id = new_id("c")
    return _apply_step(draft, first)


def _item_or_404(cid: str) -> Contribution:
    item = store().get(cid)
    if item is None or not access.can_view(item) or not (is_mediator() or access.owns(item)):
        abort(404)
    return item


@bp.route("/c/<cid>/<step>", methods=["GET", "POST"])
def step(cid: str, step: str):
    """One screen of a contribution (participant's own drafts, or a mediator)."""
    item = _item_or_404(cid)
    if step not in item.steps:
        abort(404)
    if not can_edit(item):
        if request.method == "POST":
            abort(403, description=_("Cette contribution est déjà envoyée : elle ne peut plus changer."))
        return redirect(url_for("mediation.view", cid=cid))
    if request.method == "GET":
        return _render_step(item, step, action=request.path)
    return _apply_step(item, step)


@bp.route("/c/<cid>")
def view(cid: str):
    """A contribution as sent (its status; the refusal reason for the mediator)."""
    item = _item_or_404(cid)
    return render_template("mediation/contribution.html", item=item,
                           person=store().participant(item.participant),
                           place=places.place(item.structure), can_edit=can_edit(item))


@bp.route("/c/<cid>/retirer", methods=["POST"])
@role_required("mediateur")
def withdraw(cid: str):
    """Withdraw a contribution at the person's request: unpublished at once, everywhere."""
    _or_404(store().get(cid))
    reason = request.form.get("reason", "").strip()[:500] or _("à la demande de la personne")
    try:
        store().update(cid, lambda c: c.move_to("retire", reason), current_username(), "retrait")
    except ModelError as exc:
        flash(translate(str(exc)), "error")
        return redirect(url_for("mediation.view", cid=cid)), 303
    _audit("contribution.withdraw", cid, reason)
    flash(_("La contribution est retirée : elle n'est plus visible nulle part."), "success")
    return redirect(request.form.get("back") if (request.form.get("back") or "").startswith("/atelier/")
                    else url_for("mediation.view", cid=cid))


@bp.route("/c/<cid>/purger", methods=["POST"])
@role_required("admin")
def purge(cid: str):
    """Erase one withdrawn or refused contribution for good (admins)."""
    item = _or_404(store().get(cid))
    if item.status not in ("retire", "refuse", "brouillon"):
        abort(409, description=_("Retirez d'abord la contribution."))
    store().purge_contribution(cid, current_username())
    _audit("contribution.purge", cid)
    flash(_("Contribution effacée pour de bon."), "success")
    return redirect(url_for("mediation.people"))


# ---------------------------------------------------------------- the steps


def _render_step(item: Contribution, step_name: str, action: str, errors=None, status: int = 200):
    steps = item.steps
    number = steps.index(step_name) + 1
    previous = item.previous_step(step_name)
    back = url_for("mediation.step", cid=item.id, step=previous) if previous and item.id != "nouveau" \
        else (url_for("mediation.me") if current_participant() and not is_mediator()
              else url_for("mediation.workshop", wid=item.workshop))
    upload_url = action
    return render_template(
        "mediation/step.html", item=item, step=step_name, number=number, total=len(steps),
        action=action, back=back, errors=errors or {}, places=places.all_places(),
        place=places.place(item.structure), upload_url=upload_url, links=LINKS, scopes=SCOPES,
        expected=EXPECTED.get(item.kind, ""),
    ), status


def _fail(item: Contribution, step_name: str, field: str, message: str, status: int = 400):
    message = translate(message)  # messages of the model and media modules are N_ Messages
    if _wants_json():
        return jsonify(ok=False, message=message, field=field), status
    action = request.path
    return _render_step(item, step_name, action, errors={field: message}, status=status)


def _next_url(item: Contribution, step_name: str) -> str:
    nxt = item.next_step(step_name)
    return url_for("mediation.step", cid=item.id, step=nxt)


def _apply_step(item: Contribution, step_name: str):
    """Validate and save one step's answer; go to the next step."""
    author = current_username() or f"participant:{item.participant}"
    form = request.form
    changes = {}
    upload = request.files.get("fichier") if step_name in ("media", "parole") else None
    data = read_upload(upload)
    if data or (upload is not None and _wants_json()):
        try:
            media = store_media(item.id, item.kind, data)
        except UploadError as exc:
            return _fail(item, step_name, "fichier", str(exc))
        old = item.media
        changes["media"] = media
        if old and old.get("id"):
            store().remove_media(old["id"])
        if step_name == "parole" and not form.get("texte", "").strip():
            item = _save(item, step_name, author, changes, done=False)
            message = _("C'est enregistré. Vous pouvez écouter, recommencer ou continuer.")
            if _wants_json():
                return jsonify(ok=True, message=message, next=_next_url(item, step_name))
            flash(message, "success")
            return redirect(url_for("mediation.step", cid=item.id, step=step_name))
    if step_name == "media":
        if "media" not in changes and not item.media:
            return _fail(item, step_name, "fichier", _("Aucun fichier n'est arrivé. Choisissez un fichier et essayez encore."))
    elif step_name in ("texte", "parole"):
        try:
            text = clean_text(form.get("texte", ""))
        except ModelError as exc:
            return _fail(item, step_name, "texte", str(exc))
        if not text and form.get("passer") != "1":
            if item.kind == "texte":
                return _fail(item, step_name, "texte", _("Écrivez quelques mots, puis appuyez sur « Continuer »."))
            if step_name == "parole" and not (item.media or changes.get("media")):
                return _fail(item, step_name, "texte", _("Dites ou écrivez votre avis, puis appuyez sur « Continuer »."))
        if text or form.get("passer") != "1":
            changes["text"] = text
    elif step_name == "note":
        raw = form.get("note", "")
        if raw not in ("1", "2", "3", ""):
            return _fail(item, step_name, "note", _("Choisissez un visage, ou « Je ne veux pas répondre »."))
        changes["rating"] = int(raw) if raw else None
    elif step_name == "lieu":
        link = form.get("lien", "")
        if link not in LINKS or (item.kind == "avis" and link in ("parcours", "aucun")):
            return _fail(item, step_name, "lien", _("Choisissez une réponse."))
        changes.update(link=link, structure="", activity="")
        if link in ("structure", "activite"):
            value = form.get("lieu", "")
            slug, _sep, activity = value.partition("::")
            found = places.place(slug)
            if found is None:
                return _fail(item, step_name, "lieu", _("Choisissez un lieu dans la liste."))
            if activity and activity not in found.activities:
                return _fail(item, step_name, "lieu", _("Choisissez une activité dans la liste."))
            changes.update(structure=slug, activity=activity,
                           link="activite" if activity else "structure")
    elif step_name == "accord":
        scope = form.get("portee", "")
        if scope not in SCOPES:
            return _fail(item, step_name, "portee", _("Choisissez qui peut voir."))
        consent = item.consent
        people = None
        rights = False
        if item.kind in ("photo", "video"):
            answer = form.get("personnes", "")
            if answer not in ("oui", "non"):
                return _fail(item, step_name, "personnes", _("Dites s'il y a des personnes sur l'image."))
            people = answer == "oui"
            rights = people and form.get("droit_image") == "1"
            if people and not rights:
                return _fail(item, step_name, "droit_image", _(
                    "Il faut l'accord des personnes sur l'image. Sinon, prenez une autre image."))
        import time

        consent.given, consent.scope, consent.people, consent.image_rights = True, scope, people, rights
        consent.mediator = current_username() if is_mediator() else item.mediator
        consent.date = time.time()
        changes["consent"] = consent
    elif step_name == "envoi":
        if form.get("action") == "plus_tard":
            flash(_("C'est gardé. Vous pourrez continuer plus tard."), "success")
            return redirect(_home_url(item))
        try:
            store().update(item.id, lambda c: c.move_to("propose"), author, "proposé")
        except ModelError:
            missing = item.missing_for_submission()
            return redirect(url_for("mediation.step", cid=item.id, step=missing[0] if missing else "envoi"))
        _audit("contribution.propose", item.id, item.kind)
        flash(_("Merci ! C'est envoyé. Une personne va relire avant de le montrer."), "success")
        return redirect(_home_url(item))
    item = _save(item, step_name, author, changes)
    if start_processing(changes.get("media")) and not _wants_json():  # made in the background
        flash(_("Votre vidéo est bien reçue. Elle sera visible dans quelques minutes."), "success")
    if _wants_json():
        return jsonify(ok=True, message=_("C'est enregistré."), next=_next_url(item, step_name))
    return redirect(_next_url(item, step_name))


def _save(item: Contribution, step_name: str, author: str, changes: dict, done: bool = True) -> Contribution:
    def apply(c: Contribution) -> None:
        for key, value in changes.items():
            setattr(c, key, value)
        if done and step_name not in c.done:
            c.done.append(step_name)

    if store().get(item.id) is None:
        apply(item)
        return store().add(item, author)
    return store().update(item.id, apply, author, f"étape {step_name}")


def _home_url(item: Contribution) -> str:
    if is_mediator():
        return url_for("mediation.workshop", wid=item.workshop) if store().workshop(item.workshop) \
            else url_for("mediation.person", pid=item.participant)
    return url_for("mediation.me")

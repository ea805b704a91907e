"""HTTP only: the agenda pages, the event form, history, feeds. Logic lives in the pure modules."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.auth import current_username, has_role, is_member, login_manager, login_required
from agenda import atom, ics, pictures, sheets
from agenda import calendar as cal
from agenda import recurrence as rec
from agenda.event import (
    CANCELLED,
    DRAFT,
    KINDS,
    PLACE_OTHER,
    PRICES,
    PUBLISHED,
    REPEAT_LABELS,
    STATUSES,
    EventError,
    form_values,
    new_name,
    validate,
)
from i18n import language, translate
from wiki import markup
from wiki.diffs import readable_diff
from wiki.store import ConflictError, DocumentStore, NotFound, StoreError

bp = Blueprint("agenda", __name__)
# Labels written in the pure modules, listed here so that the catalogue extractor finds them.
_LABELS = (
    _l("Portes ouvertes"), _l("Atelier"), _l("Réunion du réseau"), _l("Permanence"),
    _l("Autre rendez-vous"), _l("Une seule fois"), _l("Chaque semaine"),
    _l("Chaque mois, le même jour du mois"),
    _l("Chaque mois, le même jour de la semaine (ex. : 2e mardi)"), _l("Gratuit"),
    _l("Participation libre ou modique"), _l("Payant"), _l("en cours de rédaction"),
    _l("publié"), _l("annulé"),
)
MINUTES_TEMPLATE = "Modèles/Compte rendu de réunion"
MINUTES_PREFIX = "Comptes rendus"


# ---------------------------------------------------------------- helpers


def events() -> DocumentStore:
    """The event store."""
    return current_app.extensions["reperes"]["events"]


def now() -> datetime:
    """The current time in Europe/Paris (tests may set AGENDA_NOW, an ISO string)."""
    fixed = current_app.config.get("AGENDA_NOW")
    if fixed:
        return datetime.fromisoformat(fixed).replace(tzinfo=rec.PARIS)
    return datetime.now(rec.PARIS)


def sheet_status():
    """slug -> sheet status, cached for one request."""
    return sheets.status_reader(current_app)


def visible_entries() -> list[cal.Entry]:
    """Events the current visitor may see."""
    return cal.visible(cal.entries(events()), is_member(), sheet_status())


def public_entries() -> list[cal.Entry]:
    """Events any public output may show (whoever asks)."""
    status = sheet_status()
    return [e for e in cal.entries(events()) if cal.is_public(e.event, status)]


def sheet_info(slug: str) -> sheets.SheetInfo | None:
    """A sheet's facts, read once per request."""
    cache = g.setdefault("agenda_sheets", {})
    if slug not in cache:
        cache[slug] = sheets.info(current_app, slug)
    return cache[slug]


def location(entry: cal.Entry) -> str:
    """Where an event takes place, in words."""
    event = entry.event
    if event.place == PLACE_OTHER:
        return ", ".join(x for x in (event.place_name, event.address) if x)
    found = sheet_info(event.structure)
    if found is None:
        return event.place_name
    return ", ".join(x for x in (found.name, found.address) if x)


def event_url(name: str, external: bool = False) -> str:
    """URL of an event page."""
    return url_for("agenda.show", name=name, _external=external)


def choices() -> dict[str, dict[str, str]]:
    """Accepted values of the filters and the form: needs (plain words) and publics."""
    from agenda import vocab

    return {"besoins": vocab.needs(), "publics": vocab.publics()}


def load_visible(name: str, rev: int | None = None) -> cal.Entry:
    """An event the visitor may see (404 if missing; anonymous visitors are sent to log in)."""
    try:
        entry = cal.load(events(), name, rev)
        current = entry if rev is None else cal.load(events(), name)
    except NotFound:
        abort(404)
    if not is_member() and not cal.is_public(current.event, sheet_status()):
        abort(login_manager.unauthorized())
    return entry


def load_or_404(name: str) -> cal.Entry:
    """The current version of an event, for members' actions (404 if missing)."""
    try:
        return cal.load(events(), name)
    except NotFound:
        abort(404)


def _parse_day(raw: str | None, today: date) -> tuple[date, str | None]:
    if not raw:
        return today, None
    with contextlib.suppress(ValueError):
        day = date.fromisoformat(raw + "-01" if len(raw) == 7 else raw)
        if 1900 <= day.year <= 2200:
            return day, None
    return today, _("La date « %(d)s » n'est pas comprise : voici la semaine en cours.", d=raw[:20])


def _filters(args) -> tuple[dict, dict[str, str]]:
    allowed = choices()
    filters = {
        "besoin": args.get("besoin", "") if args.get("besoin", "") in allowed["besoins"] else "",
        "public": args.get("public", "") if args.get("public", "") in allowed["publics"] else "",
        "gratuit": args.get("gratuit") == "1",
        "structure": args.get("structure", "")[:100],
        "kind": args.get("type", "") if args.get("type", "") in KINDS else "",
    }
    return filters, allowed


# ---------------------------------------------------------------- public pages


@bp.route("/agenda/")
def index():
    """The agenda by week (default) or month, with the directory's filters."""
    today = now().date()
    view = "mois" if request.args.get("vue") == "mois" else "semaine"
    day, problem = _parse_day(request.args.get("date") or request.args.get("mois"), today)
    if view == "mois":
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        previous, following = (first - timedelta(days=1)).replace(day=1), last + timedelta(days=1)
        title = f"{rec.month_name(first.month)} {first.year}".capitalize()
    else:
        first = rec.week_start(day)
        last = first + timedelta(days=6)
        previous, following = first - timedelta(days=7), first + timedelta(days=7)
        title = _("Semaine %(range)s", range=rec.format_range(first, last))
    filters, allowed = _filters(request.args)
    items = cal.items_between(visible_entries(), first, last, **filters)
    days: dict[date, list[cal.Item]] = {}
    for item in items:
        days.setdefault(item.occurrence.day if item.occurrence.day >= first else first, []).append(item)
    this_week = first <= today <= last and view == "semaine"
    kept = {k: v for k, v in request.args.items() if k in ("besoin", "public", "gratuit", "structure", "type") and v}
    if problem:
        flash(problem, "error")
    return render_template(
        "agenda/index.html", view=view, first=first, last=last, title=title, days=days,
        count=len(items), previous=previous, following=following, filters=filters,
        allowed=allowed, kinds=KINDS, this_week=this_week, kept=kept, today=today,
        webcal=url_for("agenda.feed_ics", _external=True, **kept).replace("http", "webcal", 1)
        .replace("webcals://", "webcal://"),
        location=location, fmt=rec, sheet=_readable_sheet(filters["structure"]),
    ), (400 if problem else 200)


def _readable_sheet(slug: str) -> sheets.SheetInfo | None:
    """A sheet's facts, only when the visitor may read the sheet (drafts: members only)."""
    found = sheets.info(current_app, slug)
    return found if found is not None and (found.published or is_member()) else None


@bp.route("/agenda/archives")
def archives():
    """Past and future months that have events, with how many."""
    return render_template("agenda/archives.html", months=cal.months_with_events(visible_entries()),
                           fmt=rec)


@bp.route("/agenda/evenement/<name>")
def show(name: str):
    """One event."""
    rev = request.args.get("rev", type=int)
    entry = load_visible(name, rev)
    pending = cal.pending(events(), entry, _referents(entry.event.structure)) if is_member() else []
    html = markup.render(entry.event.description).html if entry.event.description else ""
    upcoming = entry.event.occurrences((now(), now() + timedelta(days=400)))[:12]
    return render_template(
        "agenda/event.html", entry=entry, event=entry.event, html=html, old=rev is not None,
        place=location(entry), sheet=sheets.info(current_app, entry.event.structure),
        upcoming=upcoming, fmt=rec, kinds=KINDS, prices=PRICES, statuses=STATUSES,
        public=cal.is_public(entry.event, sheet_status()), when=atom.when_text(entry),
        needs=choices()["besoins"], publics=choices()["publics"],
        pending=pending, can_review=bool(pending) and _can_review(entry.event.structure),
        minutes_url=markup.default_link_url(entry.event.minutes_page) if entry.event.minutes_page else "",
    )


@bp.route("/agenda/evenement/<name>/image")
def picture(name: str):
    """An event's picture (?taille=vignette for the thumbnail)."""
    entry = load_visible(name, request.args.get("rev", type=int))
    file = pictures.path(_media_root(), entry.event.picture, request.args.get("taille") == "vignette")
    if file is None:
        abort(404)
    response = send_file(file, max_age=3600)
    if not cal.is_public(cal.load(events(), name).event, sheet_status()):
        response.headers["Cache-Control"] = "private, max-age=3600"  # never in shared caches
    return response


def _media_root() -> Path:
    return Path(current_app.config["DATA_DIR"]) / "events-media"


# ---------------------------------------------------------------- feeds


_ICS_CACHE: dict[tuple, bytes] = {}


def _ics_response(entries: list[cal.Entry], name: str):
    """The .ics of some entries; the bytes are cached until an event or a sheet changes."""
    sheets_store = sheets.store(current_app)
    key = (request.host, request.full_path, language(), name, cal.change_key(events()),
           cal.change_key(sheets_store) if sheets_store is not None else None,
           tuple((e.name, e.revision.number) for e in entries))
    data = _ICS_CACHE.get(key)
    if data is None:
        data = ics.build(entries, name=name, event_url=lambda n: event_url(n, external=True),
                         location=location, uid_domain=request.host.split(":")[0] or "reperes")
        if len(_ICS_CACHE) > 64:
            _ICS_CACHE.clear()
        _ICS_CACHE[key] = data
    response = current_app.response_class(data, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="agenda.ics"'
    response.headers["Cache-Control"] = "public, max-age=900"
    return response


@bp.route("/agenda.ics")
def feed_ics():
    """Every public event, for a phone's calendar (never internal or draft events)."""
    filters, _allowed = _filters(request.args)
    entries = [e for e in public_entries() if cal.matches(e.event, **filters)]
    return _ics_response(entries, _("%(site)s — agenda", site=current_app.config["SITE_NAME"]))


@bp.route("/annuaire/<slug>/agenda.ics")
def structure_ics(slug: str):
    """The public events of one structure (404 when its sheet is not public)."""
    found = sheets.info(current_app, slug)
    if found is None or not found.published:
        abort(404)
    entries = [e for e in public_entries() if e.event.structure == slug]
    return _ics_response(entries, f"{found.name} — {current_app.config['SITE_NAME']}")


def _tokens():
    from agenda.feeds import FeedTokens

    return FeedTokens(Path(current_app.config["DATA_DIR"]) / "config" / "agenda-liens.json")


@bp.route("/agenda/evenement/<name>/agenda.ics")
def event_ics(name: str):
    """One event, to add to a calendar (same rules as its page)."""
    entry = load_visible(name)
    response = _ics_response([entry], entry.event.title)
    if not cal.is_public(entry.event, sheet_status()):
        response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


@bp.route("/agenda/membre/<token>.ics")
def member_ics(token: str):
    """A member's private feed: public events plus the network's internal ones (no drafts)."""
    from accounts.auth import users

    username = _tokens().user_of(token)
    user = users().get(username) if username else None
    if user is None or not user.active:
        abort(404)
    entries = [e for e in cal.entries(events())
               if e.event.status != DRAFT and (e.event.internal or cal.is_public(e.event, sheet_status()))]
    response = _ics_response(entries, _("%(site)s — agenda du réseau", site=current_app.config["SITE_NAME"]))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/agenda/mon-lien", methods=["GET", "POST"])
@login_required
def my_link():
    """The member's private calendar link: show it, renew it or remove it."""
    tokens = _tokens()
    me = current_username()
    if request.method == "POST":
        if request.form.get("action") == "supprimer":
            tokens.revoke(me)
            _audit("agenda.feed-revoke", me)
            flash(_("Votre lien personnel est supprimé : il ne fonctionne plus."), "success")
        else:
            tokens.renew(me)
            _audit("agenda.feed-renew", me)
            flash(_("Nouveau lien créé : l'ancien ne fonctionne plus. Abonnez votre agenda au "
                    "nouveau lien."), "success")
        return redirect(url_for("agenda.my_link"))
    token = tokens.token_of(me)
    link = url_for("agenda.member_ics", token=token, _external=True) if token else ""
    return render_template("agenda/my_link.html", link=link,
                           webcal=link.replace("http", "webcal", 1).replace("webcals://", "webcal://"))


@bp.route("/agenda/flux.atom")
def feed_atom():
    """Atom feed of the public events, newest change first."""
    entries = sorted(public_entries(), key=lambda e: e.revision.time, reverse=True)[:50]
    data = atom.build(entries, title=_("%(site)s — agenda", site=current_app.config["SITE_NAME"]),
                      feed_url=url_for("agenda.feed_atom", _external=True),
                      page_url=url_for("agenda.index", _external=True),
                      event_url=lambda n: event_url(n, external=True), location=location)
    response = current_app.response_class(data, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "public, max-age=900"
    return response


# ---------------------------------------------------------------- editing


def _form_context(values: dict, errors: dict, *, name: str | None, base_rev: int,
                  notices: list[str] | None = None, current: cal.Entry | None = None) -> dict:
    return {
        "values": values, "errors": errors, "name": name, "base_rev": base_rev,
        "notices": notices or [], "kinds": KINDS, "repeats": REPEAT_LABELS, "prices": PRICES,
        "statuses": STATUSES, "structures": sheets.choices(current_app), "current": current,
        "choices": choices(), "max_repeat_days": rec.MAX_REPEAT_DAYS,
    }


@bp.route("/agenda/nouveau", methods=["GET", "POST"])
@login_required
def new():
    """Announce an event (members); ?structure=<slug> preselects a structure."""
    values = form_values(None)
    values["structure"] = request.args.get("structure", "")[:100]
    if request.method == "GET":
        return render_template("agenda/edit.html", **_form_context(values, {}, name=None, base_rev=0))
    return _save(None)


@bp.route("/agenda/evenement/<name>/modifier", methods=["GET", "POST"])
@login_required
def edit(name: str):
    """Change an event; the form carries its base revision (no edit is silently lost)."""
    current = load_or_404(name)
    if request.method == "GET":
        return render_template("agenda/edit.html", **_form_context(
            form_values(current.event), {}, name=name, base_rev=current.revision.number,
            current=current))
    return _save(current)


def _save(current: cal.Entry | None):
    """Validate the form and save; on any error nothing is written (no picture either)."""
    form = request.form
    base_rev = form.get("base_rev", type=int) or 0
    name = current.name if current else None
    values = {k: form.get(k, "") for k in form}
    values["publics"], values["besoins"] = form.getlist("publics"), form.getlist("besoins")
    status_of = sheets.status_reader(current_app) if sheets.store(current_app) is not None else None
    try:
        event, notices = validate(form, today=now().date(), structure_status=status_of,
                                  choices=choices())
    except EventError as exc:
        return render_template("agenda/edit.html", **_form_context(
            values, exc.errors, name=name, base_rev=base_rev, current=current)), 400
    if current is not None and base_rev != current.revision.number:
        return render_template("agenda/edit.html", **_form_context(
            values, {"form": _("Quelqu'un a modifié cet événement pendant que vous le modifiiez "
                               "(version %(n)d). Vos changements ne sont pas enregistrés : "
                               "ouvrez la version actuelle dans un autre onglet et reportez-les.",
                               n=current.revision.number)},
            name=name, base_rev=base_rev, current=current)), 409
    # Fields the form does not carry stay as they were.
    if current is not None:
        event.minutes_page = current.event.minutes_page
        event.picture = current.event.picture
    if form.get("remove_picture") == "1":
        event.picture, event.picture_alt = "", ""
    upload = request.files.get("picture")
    new_picture = None
    if upload is not None and upload.filename:
        if not event.picture_alt:
            return render_template("agenda/edit.html", **_form_context(
                values, {"picture_alt": _("Décrivez l'image en quelques mots pour les personnes "
                                          "qui ne la voient pas.")},
                name=name, base_rev=base_rev, current=current)), 400
        try:
            new_picture = pictures.save(_media_root(), upload.read(),
                                        max_pixels=current_app.config["MAX_IMAGE_PIXELS"])
        except pictures.ImageError as exc:
            return render_template("agenda/edit.html", **_form_context(
                values, {"picture": str(exc)}, name=name, base_rev=base_rev, current=current)), 400
        event.picture = new_picture
    store = events()
    author = current_username()
    meta = {**event.meta(), "reviewed": cal.reviewed_mark(
        current.revision if current else None, event.structure, author, _referents(event.structure))}
    comment = form.get("comment", "")[:300].strip() or ("création" if current is None else "")
    try:
        if current is not None:
            store.save(name, event.to_text(), author=author, meta=meta, comment=comment,
                       base_rev=base_rev)
        else:
            name = _create(store, event, author=author, meta=meta, comment=comment)
    except (ConflictError, StoreError):
        if new_picture:
            _drop_picture(new_picture)
        return render_template("agenda/edit.html", **_form_context(
            values, {"form": _("L'événement n'a pas pu être enregistré (modification simultanée "
                               "ou disque plein). Réessayez.")},
            name=current.name if current else None, base_rev=base_rev, current=current)), 409
    before = current.event.status if current else None
    if event.status != before and event.status in (PUBLISHED, CANCELLED):
        _audit("agenda.publish" if event.status == PUBLISHED else "agenda.cancel", name,
               event.cancel_reason)
    for notice in notices:
        flash(translate(notice), "info")
    if event.status == DRAFT:
        flash(_("L'événement est en cours de rédaction : le public ne le voit pas encore. "
                "Choisissez l'état « publié » quand il est prêt."), "info")
    flash(_("Événement enregistré."), "success")
    return redirect(event_url(name))


def _create(store: DocumentStore, event, *, author: str, meta: dict, comment: str) -> str:
    """Save a new event under a fresh name; two members creating the same one never collide."""
    for _attempt in range(5):
        name = new_name(event, lambda n: store.current_number(n) is not None)
        try:
            # base_rev=0: "this did not exist"; if someone took the name meanwhile, it conflicts.
            store.save(name, event.to_text(), author=author, meta=meta, comment=comment,
                       base_rev=0, action="SAVENEW")
        except ConflictError:
            continue
        return name
    raise StoreError(17, "Aucun nom libre pour ce nouvel événement.")


def _audit(action: str, name: str, detail: str = "") -> None:
    """One line in the admin's audit log (publication, cancellation, revert, deletion)."""
    from admin import audit

    audit.record(current_app, current_username(), action, f"evenement:{name}", detail)


def _drop_picture(picture_id: str) -> None:
    for thumb in (False, True):
        file = pictures.path(_media_root(), picture_id, thumb)
        if file is not None:
            with contextlib.suppress(OSError):
                file.unlink()


def _referents(structure: str) -> tuple[str, ...]:
    found = sheets.info(current_app, structure)
    return found.referents if found else ()


def _can_review(structure: str) -> bool:
    if has_role("admin") or has_role("moderateur"):
        return True
    found = sheets.info(current_app, structure)
    return found is not None and current_username() in found.referents


@bp.route("/agenda/evenement/<name>/verifie", methods=["POST"])
@login_required
def reviewed(name: str):
    """A référent (or a moderator) marks a change as checked."""
    entry = load_or_404(name)
    if not _can_review(entry.event.structure):
        abort(403, description=_("Seuls les référents de la structure peuvent vérifier ce changement."))
    from directory.sheet import mark_reviewed

    mark_reviewed(events(), name, author=current_username())
    flash(_("Modifications marquées comme vérifiées."), "success")
    back = url_for("agenda.to_review") if request.form.get("back") == "liste" else event_url(name)
    return redirect(back)


@bp.route("/agenda/a-verifier")
@login_required
def to_review():
    """Changes to events of my structures (all of them for moderators) waiting for review."""
    everything = has_role("admin") or has_role("moderateur")
    mine = None if everything else sheets.referent_of(current_app, current_username())
    pending = cal.to_review(events(), cal.entries(events()), _referents, mine)
    return render_template("agenda/review.html", agenda_pending=pending, everything=everything,
                           when=atom.when_text, location=location)


# ---------------------------------------------------------------- history


@bp.route("/agenda/evenement/<name>/historique")
@login_required
def history(name: str):
    """Every version of an event."""
    entry = load_visible(name)
    revisions = list(reversed(events().revisions(name)))
    return render_template("agenda/history.html", entry=entry, revisions=revisions)


@bp.route("/agenda/evenement/<name>/diff")
@login_required
def diff(name: str):
    """What changed between two versions (?de=N&a=M, default: the last change)."""
    entry = load_visible(name)
    current = entry.revision.number
    new_rev = request.args.get("a", type=int) or current
    old_rev = request.args.get("de", type=int) or max(new_rev - 1, 1)
    try:
        old, new_ = events().load(name, old_rev), events().load(name, new_rev)
    except NotFound:
        abort(404)
    return render_template("agenda/diff.html", entry=entry, old=old, new=new_,
                           hunks=readable_diff(old.text, new_.text))


@bp.route("/agenda/evenement/<name>/revenir", methods=["POST"])
@login_required
def revert(name: str):
    """Make an old version current again (as a new version)."""
    rev = request.form.get("rev", type=int)
    try:
        old = cal.load(events(), name, rev) if rev else None
    except NotFound:
        old = None
    if old is None:
        abort(400, description=_("Cette version n'existe pas."))
    events().revert(name, old.revision.number, author=current_username())
    _audit("agenda.revert", name, f"version {old.revision.number}")
    flash(_("L'événement est revenu à la version %(n)d.", n=old.revision.number), "success")
    return redirect(event_url(name))


@bp.route("/agenda/evenement/<name>/supprimer", methods=["POST"])
@login_required
def delete(name: str):
    """Remove a mistaken event (a cancelled one should rather stay, as « annulé »)."""
    load_or_404(name)
    if request.form.get("confirm") != "1":
        flash(_("Cochez « Je confirme la suppression » pour supprimer l'événement."), "error")
        return redirect(url_for("agenda.edit", name=name), 303)
    events().delete(name, author=current_username(), comment=_("supprimé"))
    _audit("agenda.delete", name)
    flash(_("Événement supprimé. Un administrateur peut le rétablir depuis son historique."), "success")
    return redirect(url_for("agenda.index"))


# ---------------------------------------------------------------- meeting minutes


def minutes_name(day: date, title: str) -> str:
    """« Comptes rendus/2026-12-07 Réunion du groupe » — always a valid wiki page name."""
    from wiki.names import InvalidName, quote, slugify

    words = " ".join(title.replace("/", " - ").split())
    for candidate in (words[:80], words[:40], slugify(title)[:60] or "reunion"):
        name = f"{MINUTES_PREFIX}/{day.isoformat()} {candidate}".strip()
        with contextlib.suppress(InvalidName):
            quote(name)
            return name
    return f"{MINUTES_PREFIX}/{day.isoformat()}"


@bp.route("/agenda/evenement/<name>/compte-rendu", methods=["POST"])
@login_required
def minutes(name: str):
    """Create the meeting-minutes page from the wiki template, linked both ways (one click)."""
    entry = load_or_404(name)
    pages = current_app.extensions["reperes"]["pages"]
    event = entry.event
    if event.minutes_page and pages.exists(event.minutes_page):
        return redirect(markup.default_link_url(event.minutes_page))
    day = event.start_dt.date()
    occurrence = request.form.get("jour", "")
    with contextlib.suppress(ValueError):
        day = date.fromisoformat(occurrence) if occurrence else day
    page_name = minutes_name(day, event.title)
    if not pages.exists(page_name):
        try:
            template = pages.load(MINUTES_TEMPLATE).text
        except NotFound:
            template = "## Ordre du jour\n\n## Échanges\n\n## Décisions\n\n## Actions à mener\n"
        body = template.replace("(date)", rec.format_day(day), 1)
        link = url_for("agenda.show", name=name)
        header = (f"*Compte rendu de l'événement [{event.title}]({link}) du "
                  f"{rec.format_day(day, weekday=True)}.*\n\n")
        pages.save(page_name, header + body, author=current_username(),
                   comment=_("créée depuis l'agenda"), meta={"public": False, "event": name})
    event = replace(event, minutes_page=page_name)
    events().save(name, event.to_text(), author=current_username(),
                  comment=_("compte rendu créé"), meta={**entry.revision.meta})
    flash(_("Page de compte rendu créée : complétez-la."), "success")
    return redirect(markup.default_link_url(page_name) + "?action=edit")


# ---------------------------------------------------------------- helpers for other templates


def upcoming_for(slug: str, limit: int = 5) -> list[cal.Item]:
    """Next occurrences of a structure's events the visitor may see (for the sheet)."""
    return cal.upcoming(visible_entries(), now(), limit=limit, structure=slug)


def my_reviews() -> list[tuple[cal.Entry, list]]:
    """Events of the structures I am référent of, changed by others (for the follow-up page)."""
    if not is_member():
        return []
    mine = sheets.referent_of(current_app, current_username())
    return cal.to_review(events(), cal.entries(events()), _referents, mine) if mine else []


def counts_last_year() -> dict:
    """{"kinds": {kind: label}, "months": {"2026-11": {kind: n}}}: 12 months, this one included."""
    today = now().date()
    first = date(today.year - 1, today.month, 1) + timedelta(days=32)
    first = first.replace(day=1)
    last = (today.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    months = cal.count_by_kind_and_month(cal.entries(events()), first, last,
                                         include_internal=is_member())
    return {"kinds": KINDS, "months": months}


def item_when(item: cal.Item) -> str:
    """« jeudi 3 décembre 2026, 14 h – 17 h » for one occurrence."""
    occ = item.occurrence
    text = f"{rec.format_day(occ.start.date(), weekday=True)}, {rec.format_clock(occ.start)} – "
    if occ.end.date() != occ.start.date():
        text += f"{rec.format_day(occ.end.date(), weekday=True)}, "
    return text + rec.format_clock(occ.end)


def month_items(first: date | None = None, **filters) -> list[cal.Item]:
    """Public occurrences of the coming month (for the printed guide), whoever prints it.

    From first (default today) to the same day next month, minus one. Without explicit
    filters, the request's besoin / public / gratuit apply (the guide takes the
    directory's parameters).
    """
    if not filters:
        filters, _allowed = _filters(request.args)
        filters = {k: v for k, v in filters.items() if k in ("besoin", "public", "gratuit")}
    first = first or now().date()
    return cal.items_between(public_entries(), first, month_end(first), **filters)


def month_end(first: date) -> date:
    """The day before the same day next month (28 February for 29 January...)."""
    year, month = (first.year + 1, 1) if first.month == 12 else (first.year, first.month + 1)
    for day in (first.day, 30, 29, 28):
        with contextlib.suppress(ValueError):
            return date(year, month, day) - timedelta(days=1 if day == first.day else 0)
    return first + timedelta(days=30)

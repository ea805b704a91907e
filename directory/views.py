"""HTTP only: the public directory, sheet pages, printed guide, open data, members' editing.

    GET  /annuaire/                      list + filters (GET form) + map
    GET  /annuaire/guide                 printable A4 guide (same filters)
    GET  /annuaire/export.csv            published sheets as CSV
    GET  /annuaire/export/datainclusion.json
    GET  /annuaire/suivi                 members: my sheets, changes to review, sheets to check
    GET|POST /annuaire/nouvelle          members: new sheet
    GET  /annuaire/<slug>                the sheet
    GET|POST /annuaire/<slug>/modifier   members: edit
    GET  /annuaire/<slug>/historique, /annuaire/<slug>/diff?from=&to=
    POST /annuaire/<slug>/revenir, /confirmer, /verifie
    GET  /annuaire/<slug>/photo/<file>
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _

from accounts.auth import current_username, is_member, login_required, role_required
from directory import export as export_mod
from directory import finder, forms
from directory import hours as hours_mod
from directory import reference as ref
from directory import sheet as sheet_mod
from directory.sheet import Photo, Sheet, SheetError, StaleSheet
from wiki.store import DocumentStore, NotFound

bp = Blueprint("directory", __name__, url_prefix="/annuaire")
LIST_PAGE_SIZE = 40  # sheets per page of the list (a page of 1,000 cards is slow to make and to read)


def store() -> DocumentStore:
    """The structure sheets' store."""
    return current_app.extensions["reperes"]["structures"]


def now() -> datetime:
    """The current time in Paris (tests replace the clock in app.extensions)."""
    clock = current_app.extensions["reperes"].get("directory_clock")
    return clock() if clock else datetime.now(hours_mod.PARIS)


def visible(sheet: Sheet) -> bool:
    """Anonymous readers see published sheets only."""
    return sheet.public or is_member()


def _load_visible(slug: str, rev: int | None = None):
    try:
        sheet, revision = sheet_mod.load(store(), slug, rev)
    except NotFound:
        abort(404)
    if not visible(sheet):
        abort(404)  # a draft does not exist for the public
    return sheet, revision


def _stale_days() -> int:
    return int(current_app.config["DIRECTORY_STALE_DAYS"])


def _ranked(member: bool):
    import search

    if not hasattr(search, "search_ids") or "search_index" not in current_app.extensions["reperes"]:
        return None

    def ranked(q: str):
        try:
            return search.search_ids(current_app, "structures", q, member=member)
        except Exception:  # the index is derived: when it fails, the plain match still answers
            current_app.logger.exception("search_ids failed, using the plain text match")
            return None
    return ranked


def _listed(member: bool) -> list[Sheet]:
    """Sheets shown in lists: published ones, plus drafts for members (never archived)."""
    out = []
    for sheet in sheet_mod.all_sheets(store()):
        if sheet.public or (member and sheet.status == "brouillon"):
            out.append(sheet)
    return out


def _select(member: bool):
    f = finder.Filters.from_args(request.args)
    every = _listed(member)
    found = finder.apply(every, f, now(), member=member, ranked=_ranked(member))
    return f, every, found


def _common() -> dict:
    today = now().date()
    return {
        "ref": ref, "finder": finder, "hours_mod": hours_mod, "today": today,
        "stale_days": _stale_days(), "statuses": sheet_mod.STATUSES,
        "status_of": lambda s: hours_mod.status(s.osm_hours, now()),
        "french_date": hours_mod.french_date,
    }


@bp.route("/")
def index():
    """The public list with filters; the map reads the list's data attributes."""
    member = is_member()
    f, every, found = _select(member)
    widen = []
    if not found and f.active():
        for name in ("ouvert", "besoin", "public", "sans_rdv", "gratuit", "accessible", "langue",
                     "quartier", "q"):
            if getattr(f, name):
                widen.append((name, f.args(**{name: ""})))
    raw_page = request.args.get("page", "1")
    pages = max(1, -(-len(found) // LIST_PAGE_SIZE))
    page = min(int(raw_page), pages) if raw_page.isdigit() and int(raw_page) >= 1 else 1
    shown = found[(page - 1) * LIST_PAGE_SIZE: page * LIST_PAGE_SIZE]
    return render_template("directory/index.html", filters=f, sheets=shown, found_count=len(found),
                           page=page, pages=pages, total=len(every),
                           neighbourhoods=finder.neighbourhoods(every), widen=widen,
                           **_common())


@bp.route("/guide")
def guide():
    """The printable guide: cover, contents by need, one block per structure, index."""
    f, _every, found = _select(False)  # the printed guide is public: never drafts nor pro lines
    groups = finder.group_by_category(found)
    first_cat: dict[str, str] = {}
    for cat, _label, members in groups:
        for s in members:
            first_cat.setdefault(s.slug, cat)
    return render_template("directory/guide.html", filters=f, sheets=found,
                           groups=groups, first_cat=first_cat,
                           labels={cat: label for cat, label, _m in groups},
                           edition=hours_mod.french_date(now().date()), **_common())


@bp.route("/export.csv")
def export_csv():
    """Published sheets as CSV (same as `flask directory export --format csv`)."""
    body = export_mod.to_csv(export_mod.published(store()))
    return current_app.response_class(
        body, mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=annuaire-reperes.csv"})


@bp.route("/export/datainclusion.json")
def export_datainclusion():
    """Published sheets in the data·inclusion v1 format."""
    data = export_mod.to_datainclusion(export_mod.published(store()),
                                       current_app.config["DIRECTORY_SOURCE"])
    return current_app.json.response(data)


@bp.route("/<slug>")
def sheet(slug: str):
    """One sheet: hours and "open now" first, then access conditions, then services."""
    rev = request.args.get("rev", type=int)
    sheet, revision = _load_visible(slug, rev)
    if rev is not None and not is_member():
        abort(404)
    today = now().date()
    return render_template(
        "directory/sheet.html", sheet=sheet, revision=revision, old=rev is not None,
        status=hours_mod.status(sheet.osm_hours, now()),
        week=hours_mod.weekly_table(sheet.hours, today),
        raw_week=hours_mod.raw_week(sheet.hours.raw, now()) if sheet.hours.raw else [],
        closures=hours_mod.closure_notices(sheet.hours, today),
        stale=sheet.is_stale(today, _stale_days()),
        share_url=url_for("directory.sheet", slug=slug, _external=True),
        pending=sheet_mod.pending_review(store(), slug, sheet.referents) if is_member() else [],
        **_common())


# ---------------------------------------------------------------- editing (members)


def _form_page(sheet: Sheet, *, errors: dict[str, str], base_rev: int, creating: bool,
               status_code: int = 200, extra_services: int = 0, message: str = ""):
    users = current_app.extensions["reperes"]["users"]
    return render_template(
        "directory/edit.html", sheet=sheet, errors=errors, base_rev=base_rev, creating=creating,
        extra_services=extra_services, message=message,
        member_names=[u.username for u in users.all()] if hasattr(users, "all") else [],
        **_common()), status_code


def _photo_dir() -> Path:
    return Path(current_app.config["DATA_DIR"]) / "media" / "structures"


def _take_photo(sheet: Sheet, errors: dict[str, str]) -> tuple[Sheet, list[tuple[Path, bytes]]]:
    """Check an uploaded photo; return the sheet with it and the files to write (after save)."""
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return sheet, []
    limit = int(current_app.config["DIRECTORY_PHOTO_MB"]) * 1024 * 1024
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        errors["photo"] = _("La photo dépasse %(mb)d Mo : réduisez-la (une photo de téléphone "
                            "en qualité normale suffit).", mb=current_app.config["DIRECTORY_PHOTO_MB"])
        return sheet, []
    if len(sheet.photos) >= sheet_mod.MAX_PHOTOS:
        errors["photo"] = _("Au plus %(n)d photos par fiche.", n=sheet_mod.MAX_PHOTOS)
        return sheet, []
    from media.images import ImageError, process_image

    size = int(current_app.config["DIRECTORY_THUMB_SIZE"])
    try:
        image = process_image(data, max_pixels=int(current_app.config["MAX_IMAGE_PIXELS"]),
                              thumb_sizes=(size,))
    except ImageError as exc:
        errors["photo"] = str(exc)
        return sheet, []
    photo_id = secrets.token_hex(10)
    folder = _photo_dir()
    files = [(folder / f"{photo_id}.{image.ext}", image.data),
             (folder / f"{photo_id}-thumb.{image.ext}", image.thumbs[size])]
    alt = (request.form.get("photo_alt") or "").strip()[:200]
    photo = Photo(photo_id, image.ext, alt, image.width, image.height)
    return replace(sheet, photos=(*sheet.photos, photo)), files


def _write_files(files: list[tuple[Path, bytes]]) -> None:
    from wiki.store import atomic_write

    for path, data in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)


def _edit(slug: str | None):
    st = store()
    creating = slug is None
    if creating:
        base, revision = Sheet(slug="", name="", referents=(current_username(),)), None
    else:
        try:
            base, revision = sheet_mod.load(st, slug)
        except NotFound:
            abort(404)
    if request.method == "GET":
        return _form_page(base, errors={}, base_rev=revision.number if revision else 0,
                          creating=creating)
    sheet, errors = forms.sheet_from_form(request.form, base)
    base_rev = request.form.get("base_rev", type=int) or 0
    extra = request.form.get("extra_services", type=int) or 0
    if "add_service" in request.form:
        return _form_page(sheet, errors={}, base_rev=base_rev, creating=creating,
                          extra_services=min(extra + 1, 5))
    errors = {**sheet_mod.validate(sheet), **errors}  # "not a number" beats "missing"
    users = current_app.extensions["reperes"]["users"]
    unknown = [r for r in sheet.referents if users.get(r) is None]
    if unknown and "referents" not in errors:
        errors["referents"] = _("Membre inconnu : %(names)s.", names=", ".join(unknown))
    sheet, files = _take_photo(sheet, errors)
    if errors:
        return _form_page(sheet, errors=errors, base_rev=base_rev, creating=creating,
                          status_code=400, extra_services=extra,
                          message=_("La fiche n'est pas enregistrée : corrigez les champs signalés."))
    comment = (request.form.get("comment") or "").strip()[:300]
    try:
        if creating:
            saved = sheet_mod.save(st, sheet, author=current_username(), comment=comment,
                                   create=True, today=now().date())
        else:
            saved = sheet_mod.save(st, sheet, author=current_username(), comment=comment,
                                   base_rev=base_rev, today=now().date())
    except SheetError as exc:
        return _form_page(sheet, errors=exc.errors, base_rev=base_rev, creating=creating,
                          status_code=400 if not creating else 409, extra_services=extra,
                          message=_("La fiche n'est pas enregistrée : corrigez les champs signalés."))
    except StaleSheet as stale:
        return _form_page(sheet, errors={}, base_rev=stale.current, creating=False,
                          status_code=409, extra_services=extra,
                          message=_("Quelqu'un a modifié cette fiche pendant que vous l'écriviez "
                                    "(version %(n)d). Vos saisies sont ci-dessous : vérifiez la "
                                    "fiche actuelle dans un autre onglet, puis enregistrez de nouveau.",
                                    n=stale.current))
    _write_files(files)
    flash(_("Fiche enregistrée."), "success")
    return redirect(url_for("directory.sheet", slug=saved.name))


@bp.route("/nouvelle", methods=["GET", "POST"])
@login_required
def new():
    """Create a sheet (members)."""
    return _edit(None)


@bp.route("/<slug>/modifier", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit a sheet (members; every member may edit)."""
    return _edit(slug)


@bp.route("/<slug>/historique")
@login_required
def history(slug: str):
    """Every version of a sheet."""
    st = store()
    if st.current_number(slug) is None:
        abort(404)
    entries = list(reversed(st.history(slug)))
    current = st.current_number(slug)
    name = st.load(slug).meta.get("name", slug) if st.exists(slug) else slug
    return render_template("directory/history.html", slug=slug, name=name, entries=entries,
                           number=current)


@bp.route("/<slug>/diff")
@login_required
def diff(slug: str):
    """What changed between two versions."""
    from wiki.diffs import readable_diff

    st = store()
    current = st.current_number(slug)
    if current is None:
        abort(404)
    new_no = request.args.get("to", type=int) or current
    old_no = request.args.get("from", type=int) or max(new_no - 1, 1)
    if old_no > new_no:
        old_no, new_no = new_no, old_no
    try:
        old, new = st.load(slug, old_no), st.load(slug, new_no)
    except NotFound:
        abort(404)
    return render_template("directory/diff.html", slug=slug, name=new.meta.get("name", slug),
                           old=old, new=new, current=current,
                           hunks=readable_diff(old.text, new.text))


@bp.route("/<slug>/revenir", methods=["POST"])
@login_required
def revert(slug: str):
    """Make an old version current again (as a new version)."""
    rev = request.form.get("rev", type=int)
    st = store()
    try:
        old = st.load(slug, rev) if rev else None
        sheet_mod.from_json(old.text) if old else None
    except (NotFound, ValueError):
        abort(404)
    if old is None:
        abort(400, description=_("Choisissez une version."))
    st.revert(slug, rev, author=current_username())
    flash(_("La fiche est revenue à la version %(n)d.", n=rev), "success")
    return redirect(url_for("directory.sheet", slug=slug))


@bp.route("/<slug>/confirmer", methods=["POST"])
@login_required
def confirm(slug: str):
    """"Cette fiche est à jour": records today as the date of the last confirmed update."""
    try:
        sheet, revision = sheet_mod.load(store(), slug)
        sheet_mod.save(store(), sheet, author=current_username(), comment="fiche confirmée à jour",
                       base_rev=revision.number, today=now().date())
    except NotFound:
        abort(404)
    except (SheetError, StaleSheet):
        flash(_("La fiche n'a pas pu être confirmée : ouvrez-la en modification."), "error")
        return redirect(url_for("directory.edit", slug=slug))
    flash(_("Merci : la fiche est marquée à jour."), "success")
    return redirect(url_for("directory.sheet", slug=slug))


@bp.route("/<slug>/verifie", methods=["POST"])
@login_required
def reviewed(slug: str):
    """A référent has looked at the changes made by others."""
    try:
        sheet, _rev = sheet_mod.load(store(), slug)
    except NotFound:
        abort(404)
    if current_username() not in sheet.referents:
        abort(403, description=_("Seuls les référents de la fiche marquent ses modifications comme vérifiées."))
    sheet_mod.mark_reviewed(store(), slug, author=current_username())
    flash(_("Modifications marquées comme vérifiées."), "success")
    return redirect((request.form.get("next") == "suivi" and url_for("directory.follow"))
                    or url_for("directory.sheet", slug=slug))


@bp.route("/suivi")
@login_required
def follow():
    """For members: sheets I am référent of, changes to review, sheets to check, drafts."""
    me = current_username()
    today = now().date()
    mine, to_review, stale, drafts, archived = [], [], [], [], []
    for sheet in sheet_mod.all_sheets(store()):
        if me in sheet.referents:
            mine.append(sheet)
            pending = sheet_mod.pending_review(store(), sheet.slug, sheet.referents)
            if pending:
                to_review.append((sheet, pending))
        if sheet.status != "archivee" and sheet.is_stale(today, _stale_days()):
            stale.append((sheet, me in sheet.referents))
        if sheet.status == "brouillon":
            drafts.append(sheet)
        elif sheet.status == "archivee":
            archived.append(sheet)
    stale.sort(key=lambda pair: (not pair[1], pair[0].updated))
    return render_template("directory/follow.html", mine=mine, to_review=to_review, stale=stale,
                           drafts=drafts, archived=archived, **_common())


@bp.route("/import", methods=["GET", "POST"])
@role_required("admin")
def import_page():
    """Admins: import a CSV or data·inclusion file; a dry run first, then for real."""
    report = None
    status_code = 200
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            report = export_mod.ImportReport(errors=[_("Choisissez un fichier CSV ou JSON.")])
        else:
            data = upload.stream.read(10 * 1024 * 1024 + 1)
            if len(data) > 10 * 1024 * 1024:
                report = export_mod.ImportReport(errors=[_("Le fichier dépasse 10 Mo.")])
            else:
                report = export_mod.import_file(store(), upload.filename, data,
                                                author=current_username(),
                                                dry_run=request.form.get("apply") != "1")
        if not report.ok:
            status_code = 400
    return render_template("directory/import.html", report=report), status_code


@bp.route("/<slug>/photo/<filename>")
def photo(slug: str, filename: str):
    """A photo of a sheet the visitor may read (its name must be one of the sheet's photos)."""
    sheet, _rev = _load_visible(slug)
    names = set()
    for p in sheet.photos:
        names |= {f"{p.id}.{p.ext}", f"{p.id}-thumb.{p.ext}"}
    if filename not in names:
        abort(404)
    response = send_from_directory(_photo_dir(), filename, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

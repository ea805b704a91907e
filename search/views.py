"""HTTP only: the search page, name suggestions (JSON) and the admin's synonym list."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.auth import is_member, role_required

bp = Blueprint("search", __name__)

MAX_QUERY = 200
MAX_PAGE = 500
KIND_LABELS = {
    "pages": _l("Pages du wiki"),
    "structures": _l("Structures"),
    "contributions": _l("Contributions"),
    "events": _l("Agenda"),
}


def add_menus(app) -> None:
    """The admin's link to the synonym list."""
    from web import add_menu

    add_menu(app, "search.synonyms", _l("Synonymes de recherche"), order=90, place="footer",
             role="admin")


def _index():
    return current_app.extensions["reperes"]["search_index"]


def _kinds() -> list[str]:
    from search import sources

    known = list(sources(current_app))
    return sorted(known, key=lambda k: (list(KIND_LABELS).index(k) if k in KIND_LABELS else 99, k))


@bp.route("/recherche")
def search():
    """Results with a tab per kind (counts within the visitor's rights) and pages."""
    q = request.args.get("q", "").strip()
    kind = request.args.get("type", "").strip() or None
    errors = {}
    if len(q) > MAX_QUERY:
        errors["q"] = _("La recherche est trop longue (%(max)d caractères au plus).", max=MAX_QUERY)
    kinds = _kinds()
    if kind is not None and kind not in kinds:
        errors["type"] = _("Type de résultat inconnu : choisissez un des onglets.")
        kind = None
    raw_page = request.args.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() else 0
    if not 1 <= page <= MAX_PAGE:
        errors["page"] = _("Numéro de page incorrect.")
        page = 1
    results = None
    if q and not errors:
        results = _index().search(q, member=is_member(), kind=kind, page=page,
                                  page_size=current_app.config["SEARCH_PAGE_SIZE"])
    status = 400 if errors else 200
    return render_template("search/results.html", q=q, kind=kind, kinds=kinds, labels=KIND_LABELS,
                           results=results, errors=errors), status


@bp.app_template_global("matched_file")
def matched_file(hit) -> str | None:
    """For the results: the attached file a page result's snippet comes from, if known."""
    from search import matched_file as find

    return find(current_app, hit)


@bp.route("/recherche/suggestions")
def suggestions():
    """Structure names matching what is typed (for the search box), as JSON."""
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    kind = request.args.get("type", "structures")
    if kind not in _kinds():
        return jsonify([])
    response = jsonify(_index().suggest_names(q, member=is_member(), kind=kind))
    return response


def _synonyms_path() -> Path:
    return Path(current_app.config["DATA_DIR"]) / "config" / "synonymes.txt"


@bp.route("/recherche/synonymes", methods=["GET", "POST"])
@role_required("admin")
def synonyms():
    """The admin edits the synonym list (a plain file in the data folder)."""
    from search.text import DEFAULT_SYNONYMS, parse_synonyms
    from wiki.store import atomic_write

    path = _synonyms_path()
    saved = False
    errors = []
    if request.method == "POST":
        text = request.form.get("text", "").replace("\r\n", "\n")
        if len(text) > 100_000:
            abort(413)
        _table, errors = parse_synonyms(text)
        if not errors:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, text.rstrip("\n") + "\n")
            saved = True
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = DEFAULT_SYNONYMS
    status = 400 if errors else 200
    return render_template("search/synonyms.html", text=text, errors=errors, saved=saved), status

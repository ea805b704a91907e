"""HTTP only: wiki page view, edit, list. Storage lives in wiki.store, HTML in wiki.markup."""

from __future__ import annotations

import contextlib

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from accounts.auth import current_username, is_member, login_manager
from wiki import markup
from wiki.names import InvalidName, normalize
from wiki.store import ConflictError, DocumentStore, NotFound, Revision

bp = Blueprint("wiki", __name__)
_render_cache = markup.RenderCache()


def pages() -> DocumentStore:
    """The wiki's page store."""
    return current_app.extensions["reperes"]["pages"]


def can_read(revision: Revision) -> bool:
    """Members read everything; anonymous readers only public pages."""
    return is_member() or bool(revision.meta.get("public"))


def page_url(name: str) -> str:
    """URL of a wiki page."""
    return markup.default_link_url(name)


def rendered(revision: Revision) -> markup.Rendered:
    """Rendered HTML of a revision, from the per-revision cache; missing links marked."""
    result = _render_cache.get(
        ("page", revision.name, revision.number),
        lambda: markup.render(revision.text, attachment_url=lambda f: url_for(
            "wiki.attachment", name=revision.name, filename=f) if "wiki.attachment" in
            current_app.view_functions else "#"),
    )
    store = pages()
    missing = {page_url(n) for n in result.links if not store.exists(n)}
    return markup.Rendered(markup.mark_missing(result.html, missing), result.links, result.toc)


@bp.route("/")
def home():
    """The home page is the wiki page "Accueil"."""
    return redirect(url_for("wiki.page", name="Accueil"))


@bp.route("/wiki/")
def index():
    """All pages the visitor may read."""
    store = pages()
    names = store.names()
    if not is_member():
        names = [n for n in names if store.load(n).meta.get("public")]
    return render_template("wiki/index.html", names=names)


@bp.route("/wiki/<path:name>", methods=["GET", "POST"])
def page(name: str):
    """View a page, or dispatch ?action= (edit, raw...)."""
    try:
        name = normalize(name)
    except InvalidName:
        abort(404)
    action = request.args.get("action", "view")
    if action == "edit" or request.method == "POST":
        return edit(name)
    store = pages()
    rev = request.args.get("rev", type=int)
    try:
        revision = store.load(name, rev)
    except NotFound:
        target = store.redirect_target(name)
        if target and rev is None:
            return redirect(page_url(target))
        if is_member() and rev is None:
            return render_template("wiki/missing.html", name=name), 404
        abort(404)
    if not can_read(revision):
        if not is_member():
            return login_manager.unauthorized()
        abort(404)
    if action == "raw":
        return current_app.response_class(revision.text, mimetype="text/plain")
    if action != "view":
        abort(400, description=_("Action inconnue."))
    return render_template("wiki/page.html", revision=revision, html=rendered(revision).html,
                           old=rev is not None)


def edit(name: str):
    """Edit form; a save carries its base revision so no concurrent edit is lost."""
    if not is_member():
        return login_manager.unauthorized()
    store = pages()
    current = None
    with contextlib.suppress(NotFound):
        current = store.load(name)
    if request.method == "GET":
        return render_template("wiki/edit.html", name=name, text=current.text if current else "",
                               base_rev=current.number if current else 0,
                               public=bool(current and current.meta.get("public")), comment="")
    text = request.form.get("text", "")
    comment = request.form.get("comment", "")[:500]
    public = request.form.get("public") == "1"
    base_rev = request.form.get("base_rev", type=int)  # 0 = "the page did not exist"
    meta = {**(current.meta if current else {}), "public": public}
    if "preview" in request.form:
        return render_template("wiki/edit.html", name=name, text=text, base_rev=base_rev or 0,
                               public=public, comment=comment,
                               preview=markup.render(text).html)
    try:
        revision = store.save(name, text, author=current_username(), comment=comment,
                              meta=meta, base_rev=base_rev)
    except ConflictError as conflict:
        return render_template("wiki/conflict.html", name=name, conflict=conflict,
                               public=public, comment=comment), 409
    return redirect(page_url(revision.name))

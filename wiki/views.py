"""HTTP only: the wiki's pages, history, diffs, recent changes, attachments.

Storage lives in wiki.store / wiki.attachments, HTML in wiki.markup; this module
checks who may do what, reads the form and picks the template.

    GET  /wiki/<name>                       view (?rev=N an old version)
    GET  /wiki/<name>?action=edit|history|raw|diff|rename|delete|attachments
    POST /wiki/<name>                       save (form field base_rev; merge or conflict page)
    POST /wiki/<name>?action=revert|rename|delete|upload|remove-file|task
    GET  /fichiers/<name>/<file>            an attachment (?v=N version, ?t=320 thumbnail)
    GET  /nouvelle-page, /recent, /recent.atom
"""

from __future__ import annotations

import contextlib
import os
import re

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
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from accounts.auth import current_username, has_role, is_member, login_manager, users
from i18n import language, translate
from web import select_locale
from wiki import feeds, markup
from wiki.attachments import THUMB_SIZES, AttachmentError, AttachmentStore, prepare
from wiki.diffs import readable_diff
from wiki.links import LinkIndex
from wiki.names import InvalidName, normalize
from wiki.pagecache import PageCache, folder_stamp
from wiki.presence import EditNotices
from wiki.store import ConflictError, DocumentStore, NotFound, Revision, StoreError

bp = Blueprint("wiki", __name__)
_render_cache = markup.RenderCache()
_page_cache = PageCache()  # whole views of current revisions (see wiki/pagecache.py)

TEMPLATE_PREFIX = "Modèles/"
MAX_TEXT_CHARS = 1_000_000
IMAGE_EXTENSIONS = ("jpg", "jpeg", "jpe", "jfif", "png", "gif", "webp")
ACTION_LABELS = {
    "SAVE": _l("modification"), "SAVENEW": _l("création"), "REVERT": _l("retour arrière"),
    "RENAME": _l("renommage"), "DELETE": _l("suppression"),
}


# ---------------------------------------------------------------- helpers


def _ext(key: str):
    return current_app.extensions["reperes"][key]


def pages() -> DocumentStore:
    """The wiki's page store."""
    return _ext("pages")


def links() -> LinkIndex:
    """The backlink index."""
    return _ext("page_links")


def attachments() -> AttachmentStore:
    """The pages' attachments."""
    return _ext("page_attachments")


def notices() -> EditNotices:
    """Who has which edit form open."""
    return _ext("edit_notices")


def can_read(revision: Revision) -> bool:
    """Members read everything; anonymous readers only public pages."""
    return is_member() or bool(revision.meta.get("public"))


def can_read_history(current: Revision) -> bool:
    """Members read every history; anonymous readers only of public pages marked so."""
    return is_member() or bool(current.meta.get("public") and current.meta.get("history_public"))


def can_read_old(current: Revision, old: Revision) -> bool:
    """An old revision is shown to anonymous readers only when history and that revision were public."""
    return is_member() or (can_read_history(current) and bool(old.meta.get("public")))


def page_url(name: str) -> str:
    """URL of a wiki page."""
    return markup.default_link_url(name)


def _attachment_url(page: str, filename: str) -> str:
    """URL for `attachment:file` in Markdown: images get their large thumbnail."""
    if filename.rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS:
        return url_for("wiki.attachment", name=page, filename=filename, t=max(THUMB_SIZES))
    return url_for("wiki.attachment", name=page, filename=filename)


def rendered(revision: Revision) -> markup.Rendered:
    """Rendered HTML of a revision, from the per-revision cache; missing links marked."""
    result = _render_cache.get(
        ("page", str(pages().root), revision.name, revision.number),  # root: one cache, several apps
        lambda: markup.render(revision.text, attachment_url=lambda f: _attachment_url(revision.name, f)),
    )
    index = links()  # one stat per view, then a dict lookup per link
    missing = {page_url(n) for n in result.links if not index.has(n)}
    return markup.Rendered(_localized(markup.mark_missing(result.html, missing)), result.links, result.toc)


def _localized(html: str) -> str:
    """The parts of a (cached, French) rendering that speak to the reader, in their language."""
    if language() == "fr":
        return html
    return markup.localize(html, lambda n: _("Retour à l'appel de note %(n)d", n=n), _("tâche"))


def _valid_name(name: str) -> str:
    try:
        return normalize(name)
    except InvalidName:
        abort(404)


def _current_or_404(name: str) -> Revision:
    try:
        return pages().load(name)
    except NotFound:
        abort(404)


def _readable_current(name: str) -> Revision:
    """The current revision if the visitor may read it; 404 otherwise (nothing revealed)."""
    current = _current_or_404(name)
    if not can_read(current):
        abort(404)
    return current


def _editors(name: str) -> list:
    return notices().editors(name, exclude=current_username()) if is_member() else []


def _user_label(username: str) -> str:
    """Display name of an account (read once per request)."""
    if not username:
        return "?"
    cache = g.setdefault("wiki_user_labels", {})
    if username not in cache:
        user = users().get(username)
        cache[username] = user.label if user else username
    return cache[username]


@bp.context_processor
def _helpers():
    return {"user_label": _user_label}


# ---------------------------------------------------------------- pages


@bp.route("/")
def home():
    """The home page is the wiki page "Accueil"."""
    return redirect(url_for("wiki.page", name="Accueil"))


@bp.route("/wiki/")
def index():
    """All pages the visitor may read."""
    store = pages()
    if is_member():
        names = links().names()  # the link index lists every page: no scan of 10,000 folders
    else:  # the index says which pages are public; each is checked before being listed
        names = []
        for name in sorted(links().public_names(), key=str.casefold):
            with contextlib.suppress(NotFound):
                if store.load(name).meta.get("public"):
                    names.append(name)
    templates = [n for n in names if n.startswith(TEMPLATE_PREFIX)] if is_member() else []
    return render_template("wiki/index.html", names=names, templates=templates)


@bp.route("/nouvelle-page")
def new_page():
    """Ask for a title and a template, then open the editor pre-filled."""
    if not is_member():
        return login_manager.unauthorized()
    store = pages()
    templates = [n for n in links().names() if n.startswith(TEMPLATE_PREFIX)]
    title = request.args.get("titre", "").strip()
    template = request.args.get("modele", "")
    errors = {}
    if "ouvrir" in request.args:
        try:
            title = normalize(title)
        except InvalidName as exc:
            errors["titre"] = _("Titre refusé : %(why)s", why=translate(exc.args[0]))
        else:
            if template and template not in templates:
                errors["modele"] = _("Ce modèle n'existe pas.")
            elif store.exists(title):
                errors["titre"] = _("Une page porte déjà ce titre : choisissez-en un autre ou ouvrez-la.")
        if not errors:
            return redirect(url_for("wiki.page", name=title, action="edit", modele=template or None))
    return render_template("wiki/new.html", templates=templates, title=title, template=template,
                           errors=errors), (400 if errors else 200)


@bp.route("/wiki/<path:name>", methods=["GET", "POST"])
def page(name: str):
    """View a page, or dispatch ?action= to the other views."""
    name = _valid_name(name)
    action = request.args.get("action", "view")
    if request.method == "POST":
        if not is_member():
            return login_manager.unauthorized()
        post_actions = {"edit": edit, "view": edit, "revert": revert, "rename": rename, "delete": delete,
                        "upload": upload, "remove-file": remove_file, "task": toggle_task,
                        "cancel": cancel_edit, "editing": still_editing}
        if action not in post_actions:
            abort(400, description=_("Action inconnue."))
        return post_actions[action](name)
    get_actions = {"view": view, "raw": view, "edit": edit, "history": history, "diff": diff,
                   "rename": rename, "delete": delete, "attachments": attachment_list}
    if action not in get_actions:
        abort(400, description=_("Action inconnue."))
    return get_actions[action](name)


def view(name: str):
    """A page (or an old revision with ?rev=N), or its Markdown source with action=raw."""
    store = pages()
    rev = request.args.get("rev", type=int)
    try:
        # The header is enough for permissions and the whole-page cache: the text is read
        # only when the page must be rendered (see _with_text).
        current = store.load(name, text=False)
    except NotFound:
        target = store.redirect_target(name)
        if target and rev is None:
            return redirect(page_url(target))
        if is_member():
            deleted = None
            number = store.current_number(name)
            if number is not None:
                with contextlib.suppress(NotFound):
                    deleted = store.load(name, number)
            return render_template("wiki/missing.html", name=name, deleted=deleted), 404
        abort(404)
    if not can_read(current):
        return login_manager.unauthorized()
    revision = None
    if rev is not None and rev != current.number:
        try:
            revision = store.load(name, rev)
        except NotFound:
            abort(404)
        if not can_read_old(current, revision):
            abort(404)
    if request.args.get("action") == "raw":
        revision = revision or _with_text(store, current)
        response = current_app.response_class(revision.text, mimetype="text/plain")
        response.headers["Content-Disposition"] = "inline"
        return response
    public_only = not is_member()
    files, editors = attachments().list(name), _editors(name)
    key = _page_key(current, files) if revision is None and not editors else None
    cached = _page_cache.get(key) if key else None
    if cached is not None:
        return current_app.response_class(cached, mimetype="text/html")
    if revision is None:
        revision = current = _with_text(store, current)
    html = render_template(
        "wiki/page.html", revision=revision, current=current, html=rendered(revision).html,
        old=revision.number != current.number, backlinks=links().backlinks(name, public_only=public_only),
        files=files, editors=editors,
        history_visible=can_read_history(current), user_label=_user_label,
    )
    if key:
        _page_cache.put(key, html.encode("utf-8"))  # bytes: half the memory of a French str
    return html


def _with_text(store, head: Revision) -> Revision:
    """The revision a header was read from, with its text (404 if it went in between: a rename)."""
    try:
        # Not kept in the store's revision cache: a view keeps the rendering (render and page
        # caches), and every worker holding the texts of the pages read too cost ~2 MB each.
        return store.load(head.name, head.number, cache=False)
    except NotFound:
        abort(404)


def _page_key(current: Revision, files) -> tuple | None:
    """Everything a plain view of the current revision depends on (None: do not cache)."""
    if len(request.args) or "_flashes" in session:
        return None
    data = current_app.config["DATA_DIR"]
    index = links()
    index.has(current.name)  # brings the index (and its generation) up to date
    member = current_username()
    if member and "csrf_token" not in session:
        generate_csrf()  # the session's token exists before it becomes part of the key
    return (data, current.name, current.number, index.generation, tuple((f.filename, f.version) for f in files),
            select_locale(), member, session.get("csrf_token", "") if member else "",
            folder_stamp(os.path.join(data, "config"), os.path.join(data, "users")), request.path)


def edit(name: str):
    """Edit form; a save carries its base revision so no concurrent edit is lost."""
    if not is_member():
        return login_manager.unauthorized()
    store = pages()
    current = None
    with contextlib.suppress(NotFound):
        current = store.load(name)
    # The base is the revision whose text the form shows: reading the number apart let a save
    # landing in between give the form revision N's text with base N+1, and that edit then
    # overwrote the save without a merge (seen once in tests/faults under 4 workers).
    base_number = current.number if current else (store.current_number(name) or 0)
    meta = dict(current.meta) if current else {}
    if request.method == "GET":
        text = current.text if current else ""
        template = request.args.get("modele", "")
        if current is None and template.startswith(TEMPLATE_PREFIX):
            with contextlib.suppress(NotFound):
                text = store.load(template).text
        notices().touch(name, current_username())
        return render_template("wiki/edit.html", name=name, text=text, base_rev=base_number,
                               public=bool(meta.get("public")),
                               history_public=bool(meta.get("history_public")), comment="",
                               editors=_editors(name), is_new=current is None, errors={})
    text = request.form.get("text", "")
    comment = " ".join(request.form.get("comment", "").split())[:500]
    public = request.form.get("public") == "1"
    history_public = public and request.form.get("history_public") == "1"
    base_rev = request.form.get("base_rev", type=int)  # 0 = "the page did not exist"
    meta.update(public=public, history_public=history_public)
    meta.pop("renamed_from", None)
    form = {"name": name, "text": text, "base_rev": base_rev or 0, "public": public,
            "history_public": history_public, "comment": comment, "editors": _editors(name),
            "is_new": current is None}
    if len(text) > MAX_TEXT_CHARS:
        return render_template("wiki/edit.html", **form, errors={
            "text": _("Le texte dépasse %(n)d caractères : découpez-le en plusieurs pages.", n=MAX_TEXT_CHARS)
        }), 400
    if base_rev is None:
        return render_template("wiki/edit.html", **form, errors={
            "text": _("Le formulaire est incomplet (version de départ manquante) : rechargez la page.")
        }), 400
    if current is None and base_rev and request.form.get("was_new") != "1":
        # Renamed or deleted while this member was writing: say so, keep the text, save nothing.
        target = store.redirect_target(name)
        form["base_rev"] = base_number  # sending the form again (now "new") creates the page here
        message = (_("Pendant que vous écriviez, la page a été renommée en « %(new)s ». Rien n'a été "
                     "enregistré : copiez votre texte et reportez-le dans « %(new)s ».", new=target)
                   if target else
                   _("Pendant que vous écriviez, la page a été supprimée. Rien n'a été enregistré ; "
                     "enregistrer à nouveau la recréera avec votre texte."))
        return render_template("wiki/edit.html", **form, errors={"text": message}), 409
    if "preview" in request.form:
        return render_template("wiki/edit.html", **form, errors={},
                               preview=_localized(markup.render(text, attachment_url=lambda f: _attachment_url(name, f)).html))
    try:
        revision = store.save(name, text, author=current_username(), comment=comment, meta=meta,
                              base_rev=base_rev)
    except ConflictError as conflict:
        return render_template("wiki/conflict.html", name=name, conflict=conflict, public=public,
                               history_public=history_public, comment=comment,
                               other=_user_label(conflict.current.author)), 409
    except StoreError:
        return render_template("wiki/edit.html", **form, errors={
            "text": _("L'enregistrement a échoué (disque plein ?). Votre texte est ci-dessous : copiez-le.")
        }), 503
    notices().clear(name, current_username())
    if revision.merged:
        flash(_("Quelqu'un a modifié la page pendant que vous écriviez : vos changements ont été "
                "fusionnés avec les siens. Relisez le résultat."), "info")
    return redirect(page_url(revision.name))


def cancel_edit(name: str):
    """Leave the editor without saving: others no longer see the edit notice."""
    notices().clear(name, current_username())
    return redirect(page_url(name) if pages().exists(name) else url_for("wiki.index"), 303)


def still_editing(name: str):
    """Keep the edit notice alive while the form stays open (called by static/js/wiki.js)."""
    notices().touch(name, current_username())
    return "", 204


def history(name: str):
    """The list of revisions, with a form to compare any two and (members) revert."""
    store = pages()
    number = store.current_number(name)
    if number is None:
        abort(404)
    try:
        current = store.load(name)
    except NotFound:
        current = None  # deleted: members may see the history, an admin may restore
    if current is None and not is_member():
        abort(404)
    if current is not None and not can_read_history(current):
        if not is_member() and not current.meta.get("public"):
            return login_manager.unauthorized()
        abort(404)
    entries = list(reversed(store.history(name)))
    return render_template("wiki/history.html", name=name, entries=entries, current=current,
                           number=number, labels=ACTION_LABELS, user_label=_user_label,
                           can_revert=is_member() and (current is not None or has_role("admin")))


def diff(name: str):
    """Differences between any two revisions (?from=N&to=M)."""
    store = pages()
    current = _current_or_404(name)
    if not can_read_history(current):
        if not is_member() and not current.meta.get("public"):
            return login_manager.unauthorized()
        abort(404)
    to = request.args.get("to", type=int) or current.number
    start = request.args.get("from", type=int)
    if start is None:
        start = to - 1
    try:
        new = store.load(name, to)
        old = store.load(name, start) if start > 0 else Revision(name, 0, "")
    except NotFound:
        abort(404)
    if not (can_read_old(current, new) and (start == 0 or can_read_old(current, old))):
        abort(404)
    return render_template("wiki/diff.html", name=name, old=old, new=new, current=current,
                           hunks=readable_diff(old.text, new.text), user_label=_user_label)


def revert(name: str):
    """Make an old revision current again, as a new revision (restoring a deleted page: admins)."""
    store = pages()
    rev = request.form.get("rev", type=int)
    if store.current_number(name) is None or rev is None:
        abort(404)
    if not store.exists(name) and not has_role("admin"):
        abort(403, description=_("Seul un administrateur peut rétablir une page supprimée."))
    try:
        old = store.load(name, rev)
    except NotFound:
        abort(404)
    if old.deleted:
        abort(400, description=_("Cette version marque la suppression de la page : choisissez une version avec du texte."))
    store.revert(name, rev, author=current_username())
    flash(_("La version %(n)d est redevenue la version actuelle.", n=rev), "success")
    return redirect(page_url(name))


def rename(name: str):
    """Give a page a new name; its history and files follow, the old name redirects."""
    if not is_member():
        return login_manager.unauthorized()
    current = _current_or_404(name)
    error, new_name = None, name
    if request.method == "POST":
        new_name = request.form.get("new_name", "")
        try:
            new_name = normalize(new_name)
            pages().rename(name, new_name, author=current_username(),
                           comment=" ".join(request.form.get("comment", "").split())[:500])
        except InvalidName as exc:
            error = translate(exc.args[0])
        except FileExistsError:
            error = _("Une page porte déjà ce nom.")
        else:
            flash(_("Page renommée ; l'ancien nom mène ici."), "success")
            return redirect(page_url(new_name))
    return render_template("wiki/rename.html", name=name, current=current, new_name=new_name,
                           error=error), (400 if error else 200)


def delete(name: str):
    """Delete a page after confirmation (an administrator can restore it from its history)."""
    if not is_member():
        return login_manager.unauthorized()
    current = _current_or_404(name)
    if request.method == "POST":
        pages().delete(name, author=current_username(),
                       comment=" ".join(request.form.get("comment", "").split())[:500])
        flash(_("Page « %(name)s » supprimée. Un administrateur peut la rétablir depuis son historique.",
                name=name), "success")
        return redirect(url_for("wiki.index"))
    return render_template("wiki/delete.html", name=name, current=current)


_TASK = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+\[)([ xX])(\])")
_FENCE = re.compile(r"^\s*(```|~~~)")


def toggle_task(name: str):
    """Tick or untick the n-th task (`- [ ]`) of a page, as a new revision (merged if needed)."""
    store = pages()
    current = _current_or_404(name)
    index = request.form.get("index", type=int)
    base_rev = request.form.get("base_rev", type=int)
    done = request.form.get("done") == "1"
    try:
        base = store.load(name, base_rev) if base_rev else current
    except NotFound:
        abort(400, description=_("Version de départ inconnue."))
    lines, seen, fenced = base.text.split("\n"), -1, False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (m := _TASK.match(line)):
            seen += 1
            if seen == index:
                lines[i] = f"{m.group(1)}{'x' if done else ' '}{m.group(3)}{line[m.end():]}"
                break
    else:
        abort(400, description=_("Cette tâche n'existe pas (la page a peut-être changé) : rechargez-la."))
    try:
        store.save(name, "\n".join(lines), author=current_username(), base_rev=base.number,
                   comment=_("tâche cochée") if done else _("tâche décochée"))
    except ConflictError:
        flash(_("La page a changé au même endroit : rechargez-la et cochez à nouveau."), "error")
        return redirect(page_url(name)), 303
    return redirect(page_url(name), 303)


# ---------------------------------------------------------------- attachments


def attachment_list(name: str, error: str | None = None, status: int = 200):
    """Files of a page, their versions, and (members) the upload form."""
    current = _readable_current(name)
    store = attachments()
    files = store.list(name)
    versions = {f.filename: store.versions(name, f.filename) for f in files} if is_member() else {}
    return render_template("wiki/attachments.html", name=name, current=current, files=files,
                           versions=versions, error=error, user_label=_user_label), status


def upload(name: str):
    """Attach one or more files; a name already used adds a version."""
    _current_or_404(name)
    received = [f for f in request.files.getlist("file") if f and f.filename]
    if not received:
        return attachment_list(name, _("Choisissez un fichier à envoyer."), 400)
    prepared = []
    for item in received:
        try:
            prepared.append(prepare(item.filename, item.read(),
                                    max_pixels=current_app.config["MAX_IMAGE_PIXELS"]))
        except AttachmentError as exc:
            return attachment_list(name, translate(exc.args[0]), 400)
    for item in prepared:
        stored = attachments().add(name, item, author=current_username())
        if stored.version > 1:
            flash(_("« %(f)s » existait : la version %(n)d a été ajoutée, les précédentes restent.",
                    f=stored.filename, n=stored.version), "success")
        else:
            flash(_("« %(f)s » est joint à la page.", f=stored.filename), "success")
    return redirect(url_for("wiki.page", name=name, action="attachments"), 303)


def remove_file(name: str):
    """Take a file off a page: no longer listed, served or searched; its versions stay on disk."""
    _current_or_404(name)
    filename = request.form.get("filename", "")
    try:
        removed = attachments().remove(name, filename, author=current_username())
    except FileNotFoundError:
        return attachment_list(name, _("Ce fichier n'est pas (ou plus) joint à la page."), 404)
    flash(_("« %(f)s » est retiré de la page. Envoyer à nouveau un fichier de ce nom le remet.",
            f=removed.filename), "success")
    return redirect(url_for("wiki.page", name=name, action="attachments"), 303)


@bp.route("/fichiers/<path:name>/<filename>")
def attachment(name: str, filename: str):
    """Serve an attachment: images inline, anything else as a download; never a private one to anonymous."""
    name = _valid_name(name)
    current = _current_or_404(name)
    if not can_read(current):
        abort(404)
    store = attachments()
    version = request.args.get("v", type=int)
    try:
        meta, path = store.get(name, filename, version)
        size = request.args.get("t", type=int)
        if size and meta.is_image and size in meta.thumbs:
            path = store.thumbnail(name, filename, size, meta.version)
    except FileNotFoundError:
        abort(404)
    response = send_file(path, mimetype=meta.mime, as_attachment=not meta.is_image,
                         download_name=meta.filename, conditional=True, etag=True, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    if meta.is_image:
        response.headers["Content-Disposition"] = response.headers.get(
            "Content-Disposition", "inline").replace("attachment", "inline")
    response.headers["Cache-Control"] = "public, max-age=0" if current.meta.get("public") else "private, no-cache"
    return response


# ---------------------------------------------------------------- recent changes


@bp.route("/recent")
def recent():
    """Recent changes across the wiki (members)."""
    if not is_member():
        return login_manager.unauthorized()
    entries = pages().recent(150)
    key = feeds.make_key(current_app.secret_key, current_user)
    return render_template("wiki/recent.html", entries=entries, labels=ACTION_LABELS,
                           user_label=_user_label,
                           feed_url=url_for("wiki.recent_atom", cle=key, _external=True))


@bp.route("/recent.atom")
def recent_atom():
    """Atom feed of recent changes, for a logged-in member or a member's personal key."""
    if not is_member():
        user = feeds.check_key(current_app.secret_key, request.args.get("cle", ""), users().get)
        if user is None:
            response = current_app.response_class(
                _("Flux réservé aux membres : connectez-vous ou utilisez l'adresse personnelle "
                  "donnée sur la page « Modifications récentes »."), status=401, mimetype="text/plain")
            return response
    entries = pages().recent(50)
    response = current_app.response_class(
        render_template("wiki/recent.atom.xml", entries=entries, labels=ACTION_LABELS,
                        user_label=_user_label, site_name=current_app.config["SITE_NAME"]),
        mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "private, no-cache"
    return response

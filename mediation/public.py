"""/galerie/: published contributions, their media (with access checks) and the Atom feed."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, send_file, url_for

from accounts.auth import is_member
from mediation import access, places
from mediation.access import store
from mediation.model import Contribution
from mediation.store import VARIANTS

bp = Blueprint("gallery", __name__, url_prefix="/galerie")
PAGE_SIZE = 24
FEED_SIZE = 30


def visible_items(structure: str | None = None) -> list[Contribution]:
    """Published items the current visitor may see (public scope for anonymous), newest first."""
    member = is_member()
    out = [c for c in store().all()
           if (c.is_public or (member and c.is_visible_to_members))
           and (structure is None or c.structure == structure)]
    return sorted(out, key=lambda c: -(c.published or c.created))


def on_sheet(slug: str) -> list[Contribution]:
    """Context function of the structure sheet partial ("La parole des personnes accueillies")."""
    return visible_items(slug)[:12]


def media_url(item: Contribution, variant: str = "main") -> str | None:
    """URL of one variant of a contribution's media (None when it has no such variant)."""
    media = item.media or {}
    if not media.get("id") or variant not in (media.get("files") or {}):
        return None
    return url_for("gallery.media", mid=media["id"], variant=variant)


@bp.route("/")
def index():
    """The public gallery (members also see network-only items)."""
    items = visible_items()
    page = max(request.args.get("page", 1, type=int), 1)
    start = (page - 1) * PAGE_SIZE
    return render_template("mediation/gallery.html", items=items[start:start + PAGE_SIZE], page=page,
                           more=len(items) > start + PAGE_SIZE, places={p.slug: p for p in places.all_places()})


@bp.route("/<cid>")
def item(cid: str):
    """One published contribution."""
    found = store().get(cid)
    if found is None or not (found.is_public or (is_member() and found.is_visible_to_members)):
        abort(404)
    return render_template("mediation/item.html", item=found, place=places.place(found.structure))


@bp.route("/flux.atom")
def feed():
    """Atom feed of the public news: published, public contributions."""
    items = sorted((c for c in store().all() if c.is_public),
                   key=lambda c: -(c.published or c.created))[:FEED_SIZE]
    xml = render_template("mediation/feed.atom.xml", items=items, places={p.slug: p for p in places.all_places()},
                          updated=max((c.published for c in items), default=0))
    response = current_app.response_class(xml, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/media/<mid>/<variant>")
def media(mid: str, variant: str):
    """A media file, served only to those who may see its contribution (404 otherwise)."""
    if variant not in VARIANTS:  # never a video's original as uploaded (its metadata: GPS...)
        abort(404)
    try:
        folder = store().media_dir(mid)
    except ValueError:
        abort(404)
    owner = store().media_owner(mid)
    found = store().get(owner) if owner else None
    if found is None or not access.can_view(found) or (found.media or {}).get("id") != mid:
        abort(404)
    ext = ((found.media or {}).get("files") or {}).get(variant)
    path = folder / f"{variant}.{ext}" if ext else None
    if path is None or not path.is_file():
        abort(404)
    mimetype = {"main": found.media.get("mime"), "web": found.media.get("web_mime")}.get(variant) or \
        ("image/png" if ext == "png" else "image/jpeg")
    response = send_file(path, mimetype=mimetype, conditional=True, etag=True, max_age=0)
    response.headers["Cache-Control"] = "no-cache" if found.is_public else "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    return response

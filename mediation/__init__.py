"""Mediation: workshops where people far from digital tools contribute photos, voices, videos,
texts and opinions, with consent per item, moderated before publication.

    /atelier/      mediators (workshops, pseudonyms) and participants (one step at a time)
    /moderation/   the queue, oldest first; publish / refuse / withdraw
    /galerie/      published contributions, their media, the Atom feed
    /evaluation/   figures for members, « Votre avis sur Repères », CSV
"""

from __future__ import annotations

from pathlib import Path


def _search_title(item) -> str:
    """The index keeps one title for every language: the words, without the kind label (French)."""
    words = " ".join((item.text or item.alt or "").split())
    return f"{words[:60]}{'…' if len(words) > 60 else ''}" if words else item.title()


def extract(name: str, revision):
    """Search document of a contribution: only published ones are indexed."""
    from mediation.model import Contribution
    from search import SearchDoc

    try:
        item = Contribution.from_json(revision.text)
    except (ValueError, TypeError):
        return None
    if not item.is_visible_to_members:
        return None
    body = "\n".join(x for x in (item.text, item.transcript, item.alt, item.activity) if x)
    return SearchDoc(kind="contributions", key=name, title=_search_title(item), url=f"/galerie/{name}",
                     body=body, public=item.is_public, tags=(item.kind,),
                     extra={"structure": item.structure}, modified=item.published or revision.time)


def init_app(app):
    """Stores, blueprints, menus, search source, sheet partial, CLI and eraser."""
    from flask_babel import lazy_gettext as _l

    import search
    from mediation import cli, evaluation, moderation, privacy, public, views
    from mediation.store import MediationStore
    from web import add_menu

    store = MediationStore(Path(app.config["DATA_DIR"]))
    app.extensions.setdefault("reperes", {})["mediation"] = store
    app.extensions["reperes"]["contributions"] = store.contributions
    from mediation import videojobs

    videojobs.init_app(app, store)  # videos' web versions, off the request; resumed at each start
    for blueprint in (views.bp, moderation.bp, public.bp, evaluation.bp):
        app.register_blueprint(blueprint)
    for command in cli.COMMANDS:
        app.cli.add_command(command)
    search.register_source(app, "contributions", store.contributions, extract)
    app.jinja_env.globals.update(mediation_on_sheet=public.on_sheet, mediation_media_url=public.media_url)
    add_menu(app, "gallery.index", _l("Galerie"), order=40)
    add_menu(app, "mediation.index", _l("Ateliers"), order=60, role="mediateur")
    add_menu(app, "moderation.queue", _l("Modération"), order=65, role="moderateur")
    add_menu(app, "evaluation.index", _l("Évaluation"), order=70, place="footer", role="member")
    from mediation import demo
    from web.demo import register_seeder

    register_seeder(app, demo.seed)

    from admin.erasures import register_eraser

    register_eraser(app, privacy.eraser)  # `flask check` reads our media through admin/media_checks.py


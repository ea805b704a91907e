"""The working wiki: a versioned flat-file document store and the pages built on it."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from i18n import N_


def init_app(app):
    """Create the page store, its derived indexes, and register the wiki blueprint and CLI."""
    from wiki import markup, views
    from wiki.attachments import AttachmentStore
    from wiki.links import LinkIndex
    from wiki.presence import EditNotices
    from wiki.store import DocumentStore

    data_dir = Path(app.config["DATA_DIR"])
    store = DocumentStore(data_dir / "pages")
    link_index = LinkIndex(data_dir / "derived" / "wiki-links.json", store, markup.plain_links)
    store.listeners.append(link_index.update)
    link_index.warm()
    ext = app.extensions.setdefault("reperes", {})
    ext["pages"] = store
    ext["page_links"] = link_index
    ext["page_attachments"] = AttachmentStore(store)
    ext["page_attachments"].listeners.append(lambda change: _reindex_page(ext, change))
    ext["edit_notices"] = EditNotices(data_dir / "derived" / "editing", app.config["EDIT_NOTICE_MINUTES"])
    app.register_blueprint(views.bp)
    app.cli.add_command(wiki_cli)
    from wiki.importer import import_command; wiki_cli.add_command(import_command)  # noqa: E702, I001

    from flask_babel import lazy_gettext as _l

    from web import add_menu

    add_menu(app, "wiki.index", _l("Wiki"), order=30, role="member")
    add_menu(app, "wiki.recent", _l("Modifications récentes"), order=31, role="member")


def _reindex_page(ext: dict, change) -> None:
    """A file sent or taken off: the search index (made later by search.init_app) reads the page again."""
    index = ext.get("search_index")
    if index is not None:
        index.notify("pages", change.name)


@click.group("wiki", help=N_("Entretenir le wiki."))
def wiki_cli():
    """Group of wiki commands."""


@wiki_cli.command("rebuild-links", help=N_("Reconstruire l'index des liens (pages qui pointent ici)."))
@with_appcontext
def rebuild_links():
    """Rebuild the derived backlink index from the pages."""
    from flask import current_app

    pages = current_app.extensions["reperes"]["page_links"].rebuild()
    from flask_babel import gettext as _

    click.echo(_("%(n)d pages indexées.", n=len(pages)))

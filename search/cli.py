"""`flask --app app reindex`: rebuild the search index from the files."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from i18n import N_


@click.command("reindex", help=N_("Reconstruire l'index de recherche à partir des fichiers."))
@with_appcontext
def reindex():
    """Rebuild the whole index from every registered store, then report."""
    index = current_app.extensions["reperes"]["search_index"]
    started = time.perf_counter()
    count = index.rebuild()
    stats = index.stats()
    click.echo(_("%(count)d documents indexés en %(seconds)s s (%(size)s Mo).", count=count,
                 seconds=f"{time.perf_counter() - started:.1f}", size=f"{stats['bytes'] / 1e6:.1f}"))

"""`flask --app app reindex`: rebuild the search index from the files."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from i18n import N_


@click.command("reindex", help=N_("Reconstruire l'index de recherche à partir des fichiers."))
@with_appcontext
def reindex():
    """Rebuild the whole index from every registered store, then report."""
    index = current_app.extensions["reperes"]["search_index"]
    started = time.perf_counter()
    count = index.rebuild()
    stats = index.stats()
    click.echo(f"{count} documents indexés en {time.perf_counter() - started:.1f} s "
               f"({stats['bytes'] / 1e6:.1f} Mo).")

"""`flask --app app directory export --format csv|datainclusion` and `directory import FILE`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from directory import export as export_mod
from i18n import N_

directory_cli = AppGroup("directory", help=N_("Annuaire : export et import des fiches."))


@directory_cli.command("export", help=N_("Écrire les fiches publiées sur la sortie standard."))
@click.option("--format", "fmt", type=click.Choice(["csv", "datainclusion"]), default="csv",
              show_default=True, help=N_("csv, ou JSON au format data·inclusion v1."))
def export_command(fmt: str) -> None:
    """Print the published sheets on standard output."""
    store = current_app.extensions["reperes"]["structures"]
    sheets = export_mod.published(store)
    if fmt == "csv":
        sys.stdout.write(export_mod.to_csv(sheets))
    else:
        import json

        data = export_mod.to_datainclusion(sheets, current_app.config["DIRECTORY_SOURCE"])
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@directory_cli.command("import", help=N_("Importer un fichier CSV ou JSON data·inclusion (tout ou rien ; importer deux "
                                           "fois ne change rien)."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help=N_("Vérifier le fichier sans rien importer."))
@click.option("--author", default="import", show_default=True, help=N_("Auteur noté dans l'historique."))
def import_command(file: Path, dry_run: bool, author: str) -> None:
    """Import a CSV or data·inclusion JSON file (all or nothing, idempotent)."""
    store = current_app.extensions["reperes"]["structures"]
    report = export_mod.import_file(store, file.name, file.read_bytes(), author=author,
                                    dry_run=dry_run)
    click.echo(report.text())
    if not report.ok:
        raise SystemExit(1)

"""`flask --app app backup | restore | check` (the administrator's commands)."""

from __future__ import annotations

import getpass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from admin import audit
from admin.backup import BackupError, backup_dir, create_backup, human_size, restore_archive
from admin.check import KINDS, check, media_sets, repair
from admin.erasures import MIRROR_NAME, erasers, journal_path, pending, read_journal, reapply
from i18n import N_, translate


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@click.command("backup", help=N_("Sauvegarder le dossier des données dans DEST (par défaut BACKUP_DIR), même "
                                   "pendant que le site tourne : archive .tar.gz avec manifeste (taille et SHA-256 "
                                   "de chaque fichier)."))
@click.argument("dest", required=False, type=click.Path(file_okay=False))
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help=N_("Ne garder que les N sauvegardes les plus récentes de DEST."))
@with_appcontext
def backup_command(dest, keep):
    """Write a backup archive and print where and how big."""
    app = current_app
    dest = Path(dest) if dest else backup_dir(app.config)
    try:
        result = create_backup(app.config["DATA_DIR"], dest, version=app.config.get("VERSION", "?"),
                               keep=keep)
    except (BackupError, OSError) as exc:
        raise click.ClickException(_("Sauvegarde impossible : %(error)s", error=translate(str(exc)))) from exc
    audit.record(app, _actor(), "backup.create", result.archive.name,
                 detail=f"{human_size(result.size)}, {result.files} fichiers")
    click.echo(_("Sauvegarde écrite : %(archive)s", archive=result.archive))
    click.echo(_("Taille : %(size)s (%(bytes)d octets), %(files)d fichiers, %(documents)d documents.",
                 size=human_size(result.size), bytes=result.size, files=result.files,
                 documents=result.documents))
    for old in result.removed:
        click.echo(_("Ancienne sauvegarde supprimée : %(name)s", name=old.name))


def _restored_app(app, target: Path):
    """An application on the restored folder, with the same settings as the current one."""
    from app import create_app
    from config import SETTINGS

    config = {s.name: app.config[s.name] for s in SETTINGS
              if s.name in app.config and s.name not in ("DATA_DIR", "SECRET_KEY", "DEMO")}
    config.update(DATA_DIR=str(target), DEMO=False, TESTING=app.config.get("TESTING", False))
    return create_app(config)


def _wait_for_index(app, timeout: float = 600.0) -> None:
    """Let a background index rebuild started by the search package (at app start) finish."""
    index = app.extensions.get("reperes", {}).get("search_index")
    if index is not None:
        index.wait_for_rebuild(timeout)


def rebuild_index(app) -> str:
    """Rebuild the search index of app when the search package is there; say what happened."""
    index = app.extensions.get("reperes", {}).get("search_index")
    if index is None or not hasattr(index, "rebuild"):
        return _("Index de recherche : pas de module de recherche, rien à reconstruire.")
    _wait_for_index(app)  # two rebuilds at once would trip over each other's files
    with app.app_context():
        count = index.rebuild()
    return _("Index de recherche reconstruit (%(count)d documents).", count=count)


def _summary(report) -> str:
    """One line for the audit log and the admin page."""
    if report.ok:
        return f"aucun problème ({report.documents} documents, {report.revisions} versions)"
    return f"{len(report.problems)} problème(s) : " + ", ".join(sorted({p.kind for p in report.problems}))


def _print_report(report) -> None:
    click.echo(_("%(documents)d documents, %(revisions)d versions, %(users)d comptes, %(media)d médias examinés.",
                 documents=report.documents, revisions=report.revisions, users=report.users, media=report.media))
    for problem in report.problems:
        hint = _(" (réparable avec --repair)") if problem.repairable else ""
        click.echo(_("- [%(kind)s] %(path)s : %(message)s%(hint)s", kind=problem.kind, path=problem.path,
                     message=translate(problem.message), hint=hint))
    if report.ok:
        click.echo(_("Aucun problème trouvé."))
    else:
        kinds = sorted({p.kind for p in report.problems})
        click.echo(_("%(n)d problème(s) : %(kinds)s.", n=len(report.problems),
                     kinds=_(" ; ").join(translate(KINDS[k]) for k in kinds)))


@click.command("restore", help=N_("Restaurer l'archive ARCHIVE dans le dossier DATA_DIR : vérifie d'abord le "
                                    "manifeste, refuse un dossier non vide sans --force, rejoue les effacements faits "
                                    "depuis, reconstruit l'index puis lance check."))
@click.argument("archive", type=click.Path(dir_okay=False))
@click.argument("data_dir", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True,
              help=N_("Accepter un dossier non vide (son contenu est mis de côté, pas effacé)."))
@click.option("--journal", "journals", multiple=True, type=click.Path(dir_okay=False),
              help=N_("Journal d'effacements supplémentaire à rejouer (répétable)."))
@with_appcontext
def restore_command(archive, data_dir, force, journals):
    """Verify, unpack, re-apply erasures, rebuild the index and check."""
    app = current_app._get_current_object()
    target = Path(data_dir).resolve()
    # Read the journals now: with --force the target's own journal is moved aside.
    sources = [Path(j) for j in journals] + [
        journal_path(app.config["DATA_DIR"]), journal_path(target),
        Path(archive).resolve().parent / MIRROR_NAME, backup_dir(app.config) / MIRROR_NAME,
    ]
    known = [entry for path in dict.fromkeys(p.resolve() for p in sources)
             for entry in read_journal(path)]
    if target == Path(app.config["DATA_DIR"]).resolve():
        _wait_for_index(app)  # this command's own app may be indexing the folder to replace
    try:
        result = restore_archive(archive, target, force=force)
    except (BackupError, OSError) as exc:
        raise click.ClickException(_("Restauration refusée : %(error)s", error=translate(str(exc)))) from exc
    click.echo(_("Archive vérifiée et restaurée dans %(target)s (%(files)d fichiers, sauvegarde du "
                 "%(created)s, version %(version)s).", target=result.target, files=result.files,
                 created=result.created, version=result.version))
    if result.moved_aside:
        click.echo(_("L'ancien contenu du dossier a été mis de côté dans %(path)s", path=result.moved_aside))
    restored = _restored_app(app, target)
    todo = pending(result.journal, known)
    failed = False
    if todo and not erasers(app):
        click.echo(_("ATTENTION : %(n)d effacement(s) à rejouer, mais aucun module ne sait effacer. "
                     "Relancez la restauration avec le module de médiation installé.", n=len(todo)), err=True)
        failed = True
    elif todo or (result.journal and erasers(app)):
        for line in reapply(restored, todo, erasers(app), journal=result.journal):
            click.echo(translate(line))
    click.echo(_("Effacements rejoués : %(n)d.", n=0 if failed else len(todo)))
    click.echo(rebuild_index(restored))
    audit.record(target, _actor(), "backup.restore", Path(archive).name,
                 detail=f"sauvegarde du {result.created}, {len(todo)} effacement(s) rejoué(s)")
    click.echo(_("Vérification du dossier restauré :"))
    report = check(target, media_sets(restored))
    _print_report(report)
    if failed or not report.ok:
        raise SystemExit(1)


@click.command("check", help=N_("Vérifier l'intégrité du dossier des données (versions, journaux, temporaires, "
                                  "comptes, médias) ; --repair corrige ce qui est sans risque et dit ce qu'il a "
                                  "fait."))
@click.option("--repair", "do_repair", is_flag=True,
              help=N_("Corriger ce qui peut l'être sans risque."))
@with_appcontext
def check_command(do_repair):
    """Print every problem; exit status 1 when some remain."""
    app = current_app._get_current_object()
    data_dir = Path(app.config["DATA_DIR"])
    report = check(data_dir, media_sets(app))
    _print_report(report)
    audit.record(app, _actor(), "data.check", str(data_dir), detail=_summary(report))
    if do_repair and report.problems:
        done = repair(data_dir, report.problems)
        for line in done:
            click.echo(_("Réparé : %(line)s", line=translate(line)))
        if done:
            audit.record(app, _actor(), "data.repair", str(data_dir), detail=f"{len(done)} réparation(s)")
        click.echo(_("Après réparation :"))
        report = check(data_dir, media_sets(app))
        _print_report(report)
    if not report.ok:
        raise SystemExit(1)


COMMANDS = (backup_command, restore_command, check_command)

"""`flask --app app stats [--csv]`, `purge-person PSEUDONYM`, `export-person PSEUDONYM FILE`,
`media process-pending`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from i18n import N_


def figures() -> dict:
    """The evaluation figures of the current app."""
    from mediation import places
    from mediation.stats import compute

    ext = current_app.extensions["reperes"]
    names = {p.slug: p.name for p in places.all_places()}
    return compute(ext["mediation"], ext.get("pages"), ext.get("structures"), names)


@click.command("stats", help=N_("Chiffres d'évaluation (pages, fiches, contributions, avis)."))
@click.option("--csv", "as_csv", is_flag=True, help=N_("Sortie CSV."))
@with_appcontext
def stats_command(as_csv):
    """Print the evaluation figures."""
    from mediation.stats import to_csv, to_text

    data = figures()
    if as_csv:
        click.echo(to_csv(data, current_app.extensions["reperes"]["mediation"].all_feedback()), nl=False)
    else:
        click.echo(to_text(data), nl=False)


def _find(pseudonym: str):
    store = current_app.extensions["reperes"]["mediation"]
    person = store.find_participant(pseudonym) or store.participant(pseudonym)
    if person is None:
        raise click.ClickException(_("Aucun pseudonyme « %(pseudonym)s ».", pseudonym=pseudonym))
    return store, person


@click.command("purge-person", help=N_("Effacer une personne accueillie et toutes ses contributions."))
@click.argument("pseudonym")
@click.option("--yes", is_flag=True, help=N_("Ne pas demander de confirmation."))
@with_appcontext
def purge_person(pseudonym, yes):
    """Erase a participant entirely and journal the erasure."""
    from mediation.privacy import erase_participant

    store, person = _find(pseudonym)
    count = len(store.by_participant(person.id))
    if not yes:
        click.confirm(_("Effacer « %(pseudonym)s » et ses %(count)d contribution(s) pour toujours ?",
                        pseudonym=person.pseudonym, count=count), abort=True)
    report = erase_participant(current_app, person.id, actor="cli")
    click.echo(_("« %(pseudonym)s » effacé : %(contributions)d contribution(s), %(media)d média(s). "
                 "Effacement inscrit au journal.", pseudonym=person.pseudonym,
                 contributions=len(report["contributions"]), media=len(report["media"])))


@click.command("export-person", help=N_("Exporter en zip tout ce qui est lié à un pseudonyme."))
@click.argument("pseudonym")
@click.argument("dest", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_person(pseudonym, dest):
    """Write a zip of everything linked to a pseudonym."""
    from admin import audit

    store, person = _find(pseudonym)
    with open(dest, "wb") as fh:
        fh.write(store.export_participant(person.id))
    audit.record(current_app, "cli", "person.export", person.id)
    click.echo(_("Export écrit dans %(dest)s.", dest=dest))


@click.group("media", help=N_("Vidéos des ateliers : leur version web."))
def media_cli():
    """Media commands."""


@media_cli.command("process-pending", help=N_("Préparer maintenant les vidéos en attente (version web), "
                                              "une à la fois."))
@with_appcontext
def process_pending():
    """Make the web version of every waiting video, here (waits for a runner already at work)."""
    from media import av
    from mediation.videojobs import jobs

    if not av.available():
        raise click.ClickException(_("ffmpeg n'est pas installé : installez le paquet Debian « ffmpeg »."))
    runner = jobs(current_app)
    runner.resume()
    waiting = len(runner.pending())
    click.echo(_("Vidéos en attente : %(n)d.", n=waiting))
    counts = runner.run_pending(block=True) or {}
    click.echo(_("Prêtes : %(done)d. En échec : %(failed)d. Encore en attente : %(waiting)d. "
                 "Abandonnées (effacées ou remplacées) : %(dropped)d.", done=counts.get("done", 0),
                 failed=counts.get("failed", 0), waiting=counts.get("waiting", 0),
                 dropped=counts.get("dropped", 0)))


COMMANDS = (stats_command, purge_person, export_person, media_cli)

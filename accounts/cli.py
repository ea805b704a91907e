"""`flask --app app user add|list|disable|enable|reset-password`."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from accounts.auth import users
from accounts.users import ROLES, UserError
from admin import audit
from i18n import N_, translate


@click.group("user", help=N_("Gérer les comptes des membres."))
def user_cli():
    """Group of account commands."""


@user_cli.command("add", help=N_("Créer un compte (mot de passe généré et affiché une fois)."))
@click.argument("name")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), default=["member"],
              help=N_("Rôle (répétable)."))
@click.option("--password-stdin", is_flag=True, help=N_("Lire le mot de passe sur l'entrée standard."))
@click.option("--display-name", default="", help=N_("Nom affiché."))
@with_appcontext
def add(name, roles, password_stdin, display_name):
    """Create an account."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        user, password = users().add(name, list(roles), password, display_name=display_name)
    except UserError as exc:
        raise click.ClickException(_error(exc)) from exc
    audit.record(current_app, "cli", "user.create", user.username, detail=", ".join(user.roles))
    click.echo(_("Compte « %(name)s » créé (rôles : %(roles)s).", name=user.username, roles=", ".join(user.roles)))
    if not password_stdin:
        click.echo(_("Mot de passe : %(password)s", password=password))


@user_cli.command("list", help=N_("Lister les comptes."))
@with_appcontext
def list_users():
    """Print one line per account."""
    for user in users().all():
        state = _("actif") if user.active else _("désactivé")
        click.echo(f"{user.username}\t{','.join(user.roles)}\t{state}")


@user_cli.command("disable", help=N_("Désactiver un compte."))
@click.argument("name")
@with_appcontext
def disable(name):
    """Disable an account and end its sessions."""
    _set_active(name, False)


@user_cli.command("enable", help=N_("Réactiver un compte."))
@click.argument("name")
@with_appcontext
def enable(name):
    """Enable an account again."""
    _set_active(name, True)


def _error(exc: Exception) -> str:
    """An account error's message (an N_ Message) in the shell's language."""
    return translate(exc.args[0]) if exc.args else str(exc)


def _set_active(name, active):
    """Disable or enable an account, record it in the journal and say so."""
    try:
        users().set_active(name, active)
    except UserError as exc:
        raise click.ClickException(_error(exc)) from exc
    audit.record(current_app, "cli", "user.enable" if active else "user.disable", name)
    click.echo(_("Compte « %(name)s » réactivé.", name=name) if active else _("Compte « %(name)s » désactivé.", name=name))


@user_cli.command("reset-password", help=N_("Nouveau mot de passe (généré, ou lu sur stdin)."))
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help=N_("Lire le mot de passe sur l'entrée standard."))
@with_appcontext
def reset_password(name, password_stdin):
    """Set a new password and end the account's sessions."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        password = users().set_password(name, password)
    except UserError as exc:
        raise click.ClickException(_error(exc)) from exc
    audit.record(current_app, "cli", "user.reset-password", name)
    click.echo(_("Mot de passe de « %(name)s » changé.", name=name))
    if not password_stdin:
        click.echo(_("Mot de passe : %(password)s", password=password))

"""Accounts: members stored as flat files, roles, login, the admin's user pages and CLI."""


def init_app(app):
    """Register the login manager, the accounts blueprint and the `user` CLI group."""
    from accounts import auth, cli, views

    auth.init_app(app)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.user_cli)

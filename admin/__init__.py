"""The single administrator: backup, restore, check, audit log, health check and the site's look.

Other packages use two tiny APIs from here:

- ``admin.audit.record(app, actor, action, target, detail="")`` after each action worth a trace
  (create, change, publish, refuse, delete, purge, export);
- ``admin.erasures.record_erasure(app, target, actor=...)`` when a person is erased, and
  ``admin.erasures.register_eraser(app, fn)`` so that ``restore`` can erase them again from an
  older backup.
"""


def init_app(app):
    """Register the admin pages, /healthz, the theme (CSS, logo, template overrides) and the CLI."""
    from flask_babel import lazy_gettext as _l

    from admin import check, cli, media_checks, theme, views
    from web import add_menu

    app.register_blueprint(views.bp)
    theme.init_app(app)
    check.register_media(app, media_checks.mediation_media)
    for command in cli.COMMANDS:
        app.cli.add_command(command)
    add_menu(app, "admin.index", _l("Administration"), order=90, place="footer", role="admin")

"""The single administrator: backup, restore, check, audit log, health check and the site's look.

Other packages use two tiny APIs from here:

- ``admin.audit.record(app, actor, action, target, detail="")`` after each action worth a trace
  (create, change, publish, refuse, delete, purge, export);
- ``admin.erasures.record_erasure(app, target, actor=...)`` when a person is erased, and
  ``admin.erasures.register_eraser(app, fn)`` so that ``restore`` can erase them again from an
  older backup.
"""


def init_app(app):
    """Register the admin pages, /healthz, the theme, the CLI; audit the stores made so far.

    Called after the packages that own document stores (see app.py) so that their stores
    are watched by the audit log.
    """
    from flask_babel import lazy_gettext as _l

    from admin import check, cli, media_checks, theme, views
    from web import add_menu, startup

    app.register_blueprint(views.bp)
    theme.init_app(app)
    check.register_media(app, media_checks.mediation_media)
    _watch_stores(app)
    startup.register(app, _clean_crash_leftovers)
    for command in cli.COMMANDS:
        app.cli.add_command(command)
    add_menu(app, "admin.index", _l("Administration"), order=90, place="footer", role="admin")


# Packages that write their own, more precise audit lines for these stores.
SELF_AUDITED = frozenset({"contributions"})


def _watch_stores(app) -> None:
    """Audit the significant changes of every document store registered so far."""
    from admin import audit
    from wiki.attachments import AttachmentStore
    from wiki.store import DocumentStore

    for kind, store in list(app.extensions.get("reperes", {}).items()):
        if isinstance(store, DocumentStore) and kind not in SELF_AUDITED:
            store.listeners.append(audit.store_listener(app.config["DATA_DIR"], kind, store))
        elif isinstance(store, AttachmentStore):
            store.listeners.append(audit.attachment_listener(app.config["DATA_DIR"], kind))


def _clean_crash_leftovers(app) -> None:
    """Once per server start: temp files of writers killed half-way (a revision, an attachment) go.

    Only disk space is at stake (readers never see temp files, and the next writer of a
    document removes its own): this full scan runs off the request path (web.startup).
    """
    import logging

    from wiki.store import DocumentStore

    for kind, store in list(app.extensions.get("reperes", {}).items()):
        if isinstance(store, DocumentStore):
            removed = store.clean_temp_files()
            if removed:
                logging.getLogger(__name__).warning("%s: %d fichier(s) temporaire(s) d'une panne retiré(s)",
                                                    kind, len(removed))

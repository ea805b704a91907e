"""Import a folder of Markdown files as wiki pages (`flask wiki import DIR`).

Each `*.md` file becomes the page named after the file (without `.md`); files in
sub-folders get the folder in their name (`Projets/Jardin.md` -> « Projets/Jardin »).
The import is idempotent: a file whose text (and public flag) the page already has
writes nothing, so importing the same folder twice gives one revision per page.

For speed on large folders the per-save listeners that rewrite a whole derived file
(the backlink index) are paused during the import and brought up to date once at the
end; the other listeners (the search spool) keep following every save. Only the
click command at the bottom touches Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask.cli import with_appcontext

from i18n import N_, translate
from wiki.names import InvalidName, normalize
from wiki.store import DocumentStore, NotFound, StoreError

DEFAULT_AUTHOR = "import"


@dataclass
class ImportReport:
    """What an import did: pages created, updated, unchanged, and files refused (with why)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> list[str]:
        """Pages that got a new revision."""
        return self.created + self.updated


def markdown_files(folder: Path | str) -> list[Path]:
    """The `*.md` files under folder (hidden files and folders left out), in name order."""
    folder = Path(folder)
    out = []
    for path in folder.rglob("*.md"):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        out.append(path)
    return sorted(out, key=lambda p: p.relative_to(folder).as_posix())


def page_name(folder: Path, path: Path) -> str:
    """The page name of a file: its path under folder without `.md` (InvalidName if unusable)."""
    rel = path.relative_to(folder).as_posix()
    return normalize(rel[: -len(".md")])


def import_file(store: DocumentStore, name: str, text: str, *, public: bool, author: str,
                comment: str) -> str:
    """Save one page unless it already has this text; returns created / updated / unchanged."""
    try:
        previous = store.load(name)
    except NotFound:
        previous = None
    text = text.replace("\r\n", "\n")
    if previous is None:
        meta = {"public": public, "history_public": False}
    else:
        meta = dict(previous.meta)
        if public:
            meta["public"] = True
    if previous is not None and previous.text == text and previous.meta == meta:
        return "unchanged"
    store.save(name, text, author=author, comment=comment, meta=meta)
    return "created" if previous is None else "updated"


def import_folder(store: DocumentStore, folder: Path | str, *, public: bool = False,
                  author: str = DEFAULT_AUTHOR, paused: Iterable[Callable] = (),
                  progress: Callable[[Iterable[Path]], Iterator[Path]] | None = None) -> ImportReport:
    """Import every Markdown file of folder; `paused` listeners are detached meanwhile."""
    folder = Path(folder)
    files = markdown_files(folder)
    report = ImportReport()
    before = list(store.listeners)
    paused = [f for f in paused if f in before]
    for listener in paused:
        store.listeners.remove(listener)
    try:
        for path in progress(files) if progress else files:
            shown = path.relative_to(folder).as_posix()
            try:
                name = page_name(folder, path)
            except InvalidName as exc:  # its message is an N_ Message: shown in the shell's language
                report.refused.append((shown, exc.args[0] if exc.args else str(exc)))
                continue
            try:
                text = path.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError:
                report.refused.append((shown, N_("le fichier n'est pas en UTF-8")))
                continue
            except OSError as exc:
                report.refused.append((shown, exc.strerror or str(exc)))
                continue
            try:
                outcome = import_file(store, name, text, public=public, author=author,
                                      comment=f"importée depuis {shown}")
            except (InvalidName, StoreError) as exc:
                report.refused.append((shown, str(exc)))
                continue
            getattr(report, outcome).append(name)
    finally:  # back in their places, after any listener added meanwhile
        added = [f for f in store.listeners if f not in before]
        store.listeners[:] = before + added
    return report


@click.command("import", help=N_("Importer les fichiers .md d'un dossier comme pages du wiki (une version chacune "
                                   "; relancer ne crée rien de plus)."))
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--public", is_flag=True, help=N_("Rendre les pages importées publiques."))
@click.option("--author", default=DEFAULT_AUTHOR, show_default=True,
              help=N_("Auteur inscrit dans l'historique."))
@with_appcontext
def import_command(folder: Path, public: bool, author: str):
    """Import a folder, then bring the backlinks and the search index up to date."""
    from flask import current_app

    reperes = current_app.extensions["reperes"]
    store, links = reperes["pages"], reperes.get("page_links")
    author = " ".join(author.split()) or DEFAULT_AUTHOR
    files = markdown_files(folder)
    if not files:
        raise click.ClickException(translate(N_("Aucun fichier .md dans %(folder)s.", folder=str(folder))))

    def progress(items):
        with click.progressbar(items, label="Import", show_pos=True, length=len(files)) as bar:
            yield from bar

    paused = [links.update] if links is not None else []
    report = import_folder(store, folder, public=public, author=author, paused=paused,
                           progress=progress)
    if report.changed and links is not None:
        links.rebuild()
    index = reperes.get("search_index")
    if index is not None:
        click.echo(translate(N_("Mise à jour de l'index de recherche…")))
        index.wait_for_rebuild()
        if index.healthy():
            index.drain(block=True)
        else:
            index.rebuild()
    for shown, why in report.refused:
        click.echo(translate(N_("Refusé : %(file)s (%(why)s)", file=shown, why=translate(why))), err=True)
    click.echo(translate(N_("%(created)d pages créées, %(updated)d mises à jour, %(unchanged)d inchangées, "
                            "%(refused)d refusées.", created=len(report.created), updated=len(report.updated),
                            unchanged=len(report.unchanged), refused=len(report.refused))))

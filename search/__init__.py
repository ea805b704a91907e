"""Full-text search shared by the wiki, the directory, the mediation tool and the agenda.

Packages do not import Whoosh: they register a *source* (a document store plus a
function that turns a revision into a SearchDoc) and the search package keeps its
index in step with the store through the store's listeners. `search/index.py` is
the only module importing whoosh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchDoc:
    """What the index keeps of one document (pro-only text goes in `private_body`)."""

    kind: str                 # "pages", "structures", "contributions", "events"
    key: str                  # document name / slug, unique within kind
    title: str
    url: str
    body: str = ""
    public: bool = False      # readable by anonymous visitors
    private_body: str = ""    # text only members may find (pro-only fields)
    tags: tuple[str, ...] = ()       # thématiques, publics, categories (for facets)
    extra: dict = field(default_factory=dict)  # kind-specific stored values (neighbourhood...)
    modified: float = 0.0


@dataclass
class Source:
    """A document store the index follows, and how to turn its revisions into SearchDocs."""

    kind: str
    store: object                                   # wiki.store.DocumentStore
    extract: Callable[[str, object], SearchDoc | None]  # (name, Revision) -> doc, None = not indexed


def register_source(app, kind: str, store, extract) -> None:
    """Ask the search index to follow a store (call from the package's init_app)."""
    source = Source(kind, store, extract)
    app.extensions.setdefault("reperes", {}).setdefault("search_sources", {})[kind] = source
    _listen(app, source)  # registered after search.init_app: follow it too


def sources(app) -> dict[str, Source]:
    """The registered sources, by kind."""
    return app.extensions.get("reperes", {}).get("search_sources", {})


# ---------------------------------------------------------------- wiring (search.init_app)


def _listen(app, source: Source) -> None:
    """Attach the index's listener to a source's store (once)."""
    index = app.extensions["reperes"].get("search_index")
    if index is None:
        return
    store = source.store
    if any(getattr(f, "search_kind", None) == source.kind for f in store.listeners):
        return
    store.listeners.append(index.listener(source.kind))
    if app.extensions["reperes"].get("search_ready"):  # registered after start: index what it has
        index.notify(source.kind, None)


MAX_ATTACHMENT_TEXT = 1_000_000  # characters of attached files' text indexed per page


def extract_page(name: str, revision, attachments=None) -> SearchDoc | None:
    """A wiki page as the index sees it: plain text, names and text of its files, public flag.

    The text of its PDF, office and text files (read once per version, see
    wiki.attachments) follows the page body, each under its name: it is public exactly
    when the page is. `extra["files"]` names the files whose text is in the body.
    """
    import re

    from search.text import plain_text
    from wiki.markup import default_link_url

    if revision.meta.get("deleted") or revision.meta.get("redirect"):
        return None
    body = plain_text(revision.text)
    extra = {}
    if attachments is not None:
        files = attachments.list(name)
        names = [re.sub(r"[_.\-]+", " ", a.filename) for a in files]
        if names:
            body += "\nFichiers joints : " + ", ".join(names)
        room, with_text = MAX_ATTACHMENT_TEXT, []
        for item in files:
            if room <= 0:
                break
            if item.category not in ("pdf", "office", "text"):
                continue
            try:
                text = attachments.text(name, item.filename)[:room]
            except Exception:  # a file must never keep its page out of the index
                continue
            if text.strip():
                body += f"\n\n« {item.filename} » : {text}"
                room -= len(text)
                with_text.append(item.filename)
        if with_text:
            extra["files"] = with_text
    return SearchDoc(kind="pages", key=name, title=name, url=default_link_url(name),
                     body=body, public=bool(revision.meta.get("public")), extra=extra,
                     modified=revision.time)


def matched_file(app, hit) -> str | None:
    """The attached file a page result's snippet was taken from (None: the page, or unknown).

    Cheap: only already extracted texts are read, of the files the page's entry names.
    """
    import re

    from search.text import plain_text

    files = (hit.extra or {}).get("files") if hit.kind == "pages" else None
    store = app.extensions.get("reperes", {}).get("page_attachments")
    if not files or store is None:
        return None
    passage, first_hit = "", None
    for part, mark in hit.snippet:
        if mark and first_hit is None:
            first_hit = len(passage)
        passage += part
    if first_hit is None:
        return None
    labels = sorted((at, f) for f in files if (at := passage.find(f"« {f} »")) >= 0)
    before = [f for at, f in labels if at < first_hit]
    if before:  # the matching words follow a file's heading
        return before[-1]
    # The passage began inside some text: is that text (up to the next heading) a file's?
    squash = re.compile(r"\W+")
    key = squash.sub("", passage[:labels[0][0]] if labels else passage).casefold()
    if len(key) < 12:
        return None
    for filename in files[:10]:
        text = store.text(hit.key, filename, extract=False)
        if key in squash.sub("", plain_text(text)).casefold():
            return filename
    return None


def init_app(app) -> None:
    """Create the index, follow every registered store, add the views and `flask reindex`."""
    from pathlib import Path

    from search import cli, views
    from search.index import SearchIndex
    from search.text import DEFAULT_SYNONYMS
    from web import startup
    from wiki.store import atomic_write

    data_dir = Path(app.config["DATA_DIR"])
    synonyms = data_dir / "config" / "synonymes.txt"
    if not synonyms.exists():
        synonyms.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(synonyms, DEFAULT_SYNONYMS)
    reperes = app.extensions.setdefault("reperes", {})
    index = SearchIndex(data_dir / "index", lambda: sources(app),
                        synonyms_path=synonyms,
                        sync=bool(app.config.get("TESTING")))
    reperes["search_index"] = index
    if "pages" in reperes and "pages" not in sources(app):
        files = reperes.get("page_attachments")
        register_source(app, "pages", reperes["pages"],
                        lambda name, revision: extract_page(name, revision, files))
    for source in sources(app).values():
        _listen(app, source)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.reindex)
    views.add_menus(app)
    # Compare the index with the stores (or rebuild it) once per server start, in a worker.
    startup.register(app, lambda app: index.check_at_start())
    reperes["search_ready"] = True


def forget(app) -> None:
    """After an erasure: rebuild the index from the stores so the erased words leave its files.

    Whoosh only marks a removed document deleted; its words stay in the segment files until
    they are rewritten. A rebuild writes a new index folder and removes the old one.
    """
    index = app.extensions.get("reperes", {}).get("search_index")
    if index is None:
        return
    if index.sync:
        index.rebuild()
    else:  # a request must not wait for thousands of documents; searches use the old index meanwhile
        import threading

        threading.Thread(target=index.rebuild, name="search-forget", daemon=True).start()


def index_of(app):
    """The application's SearchIndex."""
    return app.extensions["reperes"]["search_index"]


def search_ids(app, kind: str, q: str, *, member: bool) -> list[str]:
    """Keys of the documents of one kind matching q, most relevant first (within permissions)."""
    return index_of(app).search_ids(kind, q, member=member)

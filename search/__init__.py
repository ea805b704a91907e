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
    app.extensions.setdefault("reperes", {}).setdefault("search_sources", {})[kind] = Source(
        kind, store, extract
    )


def sources(app) -> dict[str, Source]:
    """The registered sources, by kind."""
    return app.extensions.get("reperes", {}).get("search_sources", {})

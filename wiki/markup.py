"""Markdown -> safe HTML. The ONLY module of Repères that produces HTML from Markdown.

python-markdown with tables, footnotes, table of contents, task lists and
[[Page links]]; raw HTML is escaped (never passed through) and the output goes
through nh3, so no script, event handler or javascript: URL survives.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote as url_quote

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from pymdownx.tasklist import TasklistExtension
from pymdownx.tilde import DeleteSubExtension

from wiki.lru import BoundedLRU
from wiki.names import InvalidName, normalize, slugify


def _fenced_code_without_pygments() -> type[Extension]:
    """The fenced_code extension, imported without Pygments.

    fenced_code imports codehilite, which imports Pygments (~9 MB in every process) when it
    happens to be installed (pytest brings it), only to offer syntax highlighting, which
    Repères never turns on. A None entry in sys.modules makes that one import fail (the
    documented way to block an import); the previous entry is put back, so other users of
    Pygments in the same process are not affected.
    """
    if "markdown.extensions.codehilite" not in sys.modules:
        saved = sys.modules.get("pygments")
        sys.modules["pygments"] = None  # type: ignore[assignment]
        try:
            import markdown.extensions.codehilite  # noqa: F401
        finally:
            if saved is None:
                del sys.modules["pygments"]
            else:
                sys.modules["pygments"] = saved
    from markdown.extensions.fenced_code import FencedCodeExtension

    return FencedCodeExtension


FencedCodeExtension = _fenced_code_without_pygments()

WIKILINK_RE = r"\[\[([^\]\n|]{1,200})(?:\|([^\]\n]{1,200}))?\]\]"
_WIKILINK_FIND = re.compile(WIKILINK_RE)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "div", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "checked", "disabled"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def default_link_url(name: str) -> str:
    """URL of a wiki page, as the wiki blueprint serves it."""
    return "/wiki/" + url_quote(name, safe="/")


@dataclass(frozen=True)
class Rendered:
    """HTML of a text, with the page names it links to and its table of contents."""

    html: str
    links: tuple[str, ...]
    toc: str = ""


class _WikiLinkProcessor(InlineProcessor):
    def __init__(self, pattern: str, md: markdown.Markdown, link_url: Callable[[str], str]):
        super().__init__(pattern, md)
        self.link_url = link_url

    def handleMatch(self, m, data):
        target, label = m.group(1).strip(), (m.group(2) or "").strip()
        try:
            name = normalize(target)
        except InvalidName:
            return None, None, None
        el = etree.Element("a")
        el.set("href", self.link_url(name))
        el.set("class", "wikilink")
        el.text = label or name
        self.md.wiki_links.append(name)
        return el, m.start(0), m.end(0)


class _AttachmentTreeprocessor(Treeprocessor):
    """Turn `attachment:photo.jpg` links and images into the page's attachment URLs."""

    def __init__(self, md, attachment_url):
        super().__init__(md)
        self.attachment_url = attachment_url

    def run(self, root):
        for el in root.iter():
            attr = "src" if el.tag == "img" else "href" if el.tag == "a" else None
            value = el.get(attr, "") if attr else ""
            if value.startswith("attachment:"):
                filename = value[len("attachment:"):]
                el.set(attr, self.attachment_url(filename) if self.attachment_url else "#")
                if el.tag == "img":
                    el.set("loading", "lazy")


class _ReperesExtension(Extension):
    def __init__(self, link_url, attachment_url):
        super().__init__()
        self.link_url, self.attachment_url = link_url, attachment_url

    def extendMarkdown(self, md):
        md.wiki_links = []
        # Raw HTML is never passed through: it is shown as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(_WikiLinkProcessor(WIKILINK_RE, md, self.link_url), "wikilink", 175)
        md.treeprocessors.register(_AttachmentTreeprocessor(md, self.attachment_url), "attachments", 5)


def _toc_slug(value: str, separator: str) -> str:
    return "s-" + (slugify(value) or "section")


def render(text: str, *, link_url: Callable[[str], str] = default_link_url,
           attachment_url: Callable[[str], str] | None = None) -> Rendered:
    """Render Markdown to sanitised HTML, collecting the wiki links it contains."""
    # Extensions are imported with this module, not looked up by name at each render: the
    # lookup costs time, and their imports then happen once in the gunicorn master, shared
    # by the workers.
    md = markdown.Markdown(
        extensions=[
            TableExtension(), FootnoteExtension(BACKLINK_TITLE="Retour à l'appel de note %d"),
            # baselevel 2: "# Titre" becomes <h2>, so a page keeps exactly one <h1> (its name).
            TocExtension(slugify=_toc_slug, toc_depth="2-4", baselevel=2),
            SaneListExtension(), FencedCodeExtension(),
            TasklistExtension(custom_checkbox=False, clickable_checkbox=False),
            DeleteSubExtension(), _ReperesExtension(link_url, attachment_url),
        ],
        output_format="html",
    )
    html = md.convert(text)
    toc = getattr(md, "toc", "")
    return Rendered(_name_task_boxes(sanitize(html)), tuple(dict.fromkeys(md.wiki_links)), sanitize(toc))


_TASK_BOX = re.compile(r'(<li class="task-list-item">(?:<p>)?<input type="checkbox")([^>]*>)(.*?)(?=</li>|<ul|<ol|</p>)',
                       re.DOTALL)


def _name_task_boxes(html: str) -> str:
    """Give each task checkbox its line as accessible name (a title), for readers without JS."""
    import html as html_mod

    def repl(m: re.Match) -> str:
        label = html_mod.unescape(re.sub(r"<[^>]+>", "", m.group(3))).strip() or "tâche"
        return f'{m.group(1)} title="{html_mod.escape(label[:200], quote=True)}"{m.group(2)}{m.group(3)}'

    return _TASK_BOX.sub(repl, html)


def sanitize(html: str) -> str:
    """Keep only harmless tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def inline(text: str) -> str:
    """Render one line of Markdown (a summary, a caption) without the outer paragraph."""
    html = render(text).html
    return html.removeprefix("<p>").removesuffix("</p>")


def plain_links(text: str) -> list[str]:
    """Page names linked with [[...]] in a text, without rendering it (for backlinks)."""
    names = []
    for m in _WIKILINK_FIND.finditer(text):
        try:
            names.append(normalize(m.group(1).strip()))
        except InvalidName:
            continue
    return list(dict.fromkeys(names))


_A_WIKILINK = re.compile(r'<a class="wikilink" href="([^"]*)"')


_BACKREF_TITLE = re.compile(r'(<a class="footnote-backref" href="[^"]*" title=")Retour à l(?:\'|&#x27;|&#39;)appel de note (\d+)"')


def localize(html: str, backref_title: Callable[[int], str], task_title: str = "tâche") -> str:
    """The words a rendering adds itself, in the reader's language (a rendering is cached once for
    all languages, in French): footnote back-link titles (backref_title(n) for note n) and the
    title of an empty task's checkbox."""
    from html import escape

    if "footnote-backref" in html:
        html = _BACKREF_TITLE.sub(
            lambda m: f'{m.group(1)}{escape(backref_title(int(m.group(2))), quote=True)}"', html)
    return html.replace('<input type="checkbox" title="tâche"',
                        f'<input type="checkbox" title="{escape(task_title, quote=True)}"')


def mark_missing(html: str, missing_urls: set[str], create_suffix: str = "?action=edit") -> str:
    """Give links to missing pages their own look and make them lead to creation."""
    if not missing_urls:
        return html

    def repl(m: re.Match) -> str:
        href = m.group(1)
        if href in missing_urls:
            return f'<a class="wikilink missing" href="{href}{create_suffix}"'
        return m.group(0)

    return _A_WIKILINK.sub(repl, html)


_Packed = tuple[bytes, tuple[str, ...], bytes]  # a Rendered with its HTML and toc as UTF-8


def _size(packed: _Packed) -> int:
    return len(packed[0]) + len(packed[2])


class RenderCache:
    """A bounded, thread-safe cache of rendered revisions, keyed by (kind, name, number)."""

    def __init__(self, size: int = 2048, max_bytes: int = 1024 * 1024):
        # Bounded in bytes: each worker holds its own renderings. Kept as UTF-8: a French
        # text with one « œ » or « ’ » is a str of 2 bytes per character (1.5 MB for 140
        # pages, 1 MB as UTF-8); decoding a page again takes a few microseconds.
        self._lru: BoundedLRU[_Packed] = BoundedLRU(size, max_bytes, _size)

    def get(self, key: tuple, produce: Callable[[], Rendered]) -> Rendered:
        """Return the cached rendering for key, producing it once when missing."""
        packed = self._lru.get(key)
        if packed is None:
            rendered = produce()
            self._lru.put(key, (rendered.html.encode(), rendered.links, rendered.toc.encode()))
            return rendered
        return Rendered(packed[0].decode(), packed[1], packed[2].decode())

    def __contains__(self, key: tuple) -> bool:
        return key in self._lru

    def __len__(self) -> int:
        return len(self._lru)

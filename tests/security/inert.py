"""Is a response inert? Parse it and look for anything a browser would run or follow."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background",
             "srcset", "ping", "cite", "manifest"}
DANGEROUS_TAGS = {"iframe", "object", "embed", "frame", "frameset", "base", "applet", "style"}
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.\-]*)\s*:", re.I)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def bad_url(value: str) -> bool:
    """javascript:, vbscript: or data:text/html, however encoded or split by blanks."""
    value = _INVISIBLE.sub("", html.unescape(html.unescape(value or ""))).lower()
    scheme = _SCHEME.match(value)
    if not scheme:
        return False
    return scheme.group(1) in ("javascript", "vbscript", "livescript") or value.startswith(
        ("data:text/html", "data:image/svg", "data:application"))


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        tag = tag.lower()
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"<script src={src!r}>")
            self._in_script = True
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta refresh>")
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            elif name == "style":
                self.problems.append(f"<{tag} style=…>")
            elif name in URL_ATTRS and bad_url(value or ""):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if tag.lower() == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append("inline script: " + data[:60])


def problems(body: str) -> list[str]:
    """What would run in a browser (an empty list: inert)."""
    finder = _Finder()
    finder.feed(body)
    finder.close()
    return finder.problems


def local_redirect(location: str) -> bool:
    """Only paths on this site: no scheme, no //host, no /\\host, no control characters.

    Werkzeug's own canonical redirects (merged slashes) name the request's host: accepted.
    """
    if location.startswith("http://localhost/"):
        location = location[len("http://localhost"):]
    return location.startswith("/") and not location.startswith(("//", "/\\")) and not any(
        ord(c) < 32 or c == "\\" for c in location)

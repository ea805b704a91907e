"""Whole-page cache of wiki page views, per worker process (derived, in memory only).

A page view is made of things that rarely change: the revision (its number), the
backlinks and missing-link marks (the link index's generation), the attached files,
the site's look and accounts (the modification times of DATA_DIR/config and
DATA_DIR/users), the language, and for a member their session. The cache keeps the
finished HTML under a key made of all of them, so a repeated view costs a few stats
instead of a Markdown + Jinja rendering; anything that changes makes a new key.

Never cached: old revisions, ?action=, any query string, pages with a flash message
or an « en cours de modification » notice to show. Entries also expire after `ttl`
seconds, well within the validity of the CSRF tokens they carry.

Pages are kept as they are sent (UTF-8 bytes, half the memory of a French str). Keeping them
deflated would take a quarter of the memory, but inflating a 20 KB page costs ~40 µs, a tenth
of a cached view (measured at stop 13): the ~3 MB it would save per worker is worth less.
"""

from __future__ import annotations

import os
import time
from collections.abc import Hashable

from wiki.lru import BoundedLRU


class PageCache:
    """A bounded LRU of rendered pages whose entries expire after ttl seconds."""

    def __init__(self, size: int = 300, ttl: float = 600.0, max_bytes: int = 4 * 1024 * 1024):
        self.ttl = ttl
        # (stored at, page); bounded in bytes too.
        self._lru: BoundedLRU[tuple[float, bytes]] = BoundedLRU(size, max_bytes, lambda v: len(v[1]))

    def get(self, key: Hashable) -> bytes | None:
        """The cached page, or None when missing or expired."""
        hit = self._lru.get(key)
        if hit is None:
            return None
        if time.monotonic() - hit[0] > self.ttl:
            self._lru.pop(key)
            return None
        return hit[1]

    def put(self, key: Hashable, html: bytes) -> None:
        """Keep a page (the least recently used ones go when over the count or the bytes)."""
        self._lru.put(key, (time.monotonic(), html))

    def clear(self) -> None:
        """Forget every page."""
        self._lru.clear()

    def __len__(self) -> int:
        return len(self._lru)


def folder_stamp(*folders) -> tuple:
    """Modification times of folders (a file replaced atomically inside changes its folder's)."""
    out = []
    for folder in folders:
        try:
            out.append(os.stat(folder).st_mtime_ns)
        except OSError:
            out.append(0)
    return tuple(out)

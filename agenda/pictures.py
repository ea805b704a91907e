"""Event pictures: checked and re-encoded by media.images, kept under DATA_DIR/events-media.

<root>/<id>.<ext> is the re-encoded picture (no EXIF, no GPS) and <root>/<id>-<w>.<ext>
its thumbnails. Ids are random, so a picture's URL reveals nothing; files are never
overwritten (a new picture gets a new id; old revisions keep pointing at theirs).
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from media.images import ImageError, process_image
from wiki.store import atomic_write

THUMB = 640
_ID_RE = re.compile(r"^[a-f0-9]{24}\.(jpg|png)$")

__all__ = ["THUMB", "ImageError", "path", "save"]


def save(root: Path, data: bytes, *, max_pixels: int) -> str:
    """Check, re-encode and store a picture; return its id ("<hex>.jpg"). Raises ImageError."""
    image = process_image(data, max_pixels=max_pixels, thumb_sizes=(THUMB,), max_side=1600)
    root.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(12)
    atomic_write(root / f"{token}-{THUMB}.{image.ext}", image.thumbs[THUMB])
    atomic_write(root / f"{token}.{image.ext}", image.data)
    return f"{token}.{image.ext}"


def path(root: Path, picture_id: str, thumb: bool = False) -> Path | None:
    """File of a picture (or its thumbnail), or None for a bad or unknown id."""
    if not _ID_RE.match(picture_id or ""):
        return None
    stem, ext = picture_id.split(".")
    file = root / (f"{stem}-{THUMB}.{ext}" if thumb else picture_id)
    return file if file.is_file() else None

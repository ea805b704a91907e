"""Images: the ONLY module of Repères importing Pillow.

Every accepted image is decoded, checked against a pixel budget (decompression
bombs are errors, not warnings), turned upright (EXIF orientation), and re-encoded,
which drops EXIF, GPS and any payload appended to the file.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from io import BytesIO
from typing import TYPE_CHECKING

from i18n import N_

if TYPE_CHECKING:
    from PIL import Image

# Pillow is imported by the functions that use it: only uploads need it, and imported with
# the application it took ~1 MB in every server process.

ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
DEFAULT_MAX_PIXELS = 40_000_000


class ImageError(ValueError):
    """The image cannot be accepted; the message is plain French for the person who sent it.

    It is an `i18n.N_` Message, and `str(exc)` keeps it one: a page that shows it translates it.
    """

    def __str__(self) -> str:
        return self.args[0] if len(self.args) == 1 and isinstance(self.args[0], str) else super().__str__()


@dataclass(frozen=True)
class ProcessedImage:
    """A re-encoded image without metadata, and its thumbnails (width -> JPEG/PNG bytes)."""

    data: bytes
    mime: str
    ext: str
    width: int
    height: int
    thumbs: dict[int, bytes] = field(default_factory=dict)


def _open(data: bytes, max_pixels: int) -> Image.Image:
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ImageError(N_("Le fichier est vide. Essayez une autre photo."))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        old_limit = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = max_pixels
        try:
            img = Image.open(BytesIO(data), formats=ACCEPTED_FORMATS)
            if img.width * img.height > max_pixels:
                raise ImageError(N_("Cette photo est trop grande. Essayez une autre photo."))
            img.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageError(N_("Cette photo est trop grande. Essayez une autre photo.")) from exc
        except UnidentifiedImageError as exc:
            raise ImageError(N_("Ce fichier n'est pas une photo. Essayez une autre photo.")) from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise ImageError(N_("Cette photo est abîmée. Essayez une autre photo.")) from exc
        finally:
            Image.MAX_IMAGE_PIXELS = old_limit
    return img


def _encode(img: Image.Image, keep_alpha: bool) -> tuple[bytes, str, str]:
    out = BytesIO()
    if keep_alpha:
        img.save(out, "PNG", optimize=True)
        return out.getvalue(), "image/png", "png"
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    img.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), "image/jpeg", "jpg"


def process_image(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS,
                  thumb_sizes: tuple[int, ...] = (320, 960), max_side: int = 2560) -> ProcessedImage:
    """Validate, orient, strip and re-encode an image; make thumbnails of the given widths."""
    from PIL import Image, ImageOps

    img = _open(data, max_pixels)
    img = ImageOps.exif_transpose(img)
    keep_alpha = img.mode in ("RGBA", "LA", "P") and (
        img.mode != "P" or "transparency" in img.info
    )
    if keep_alpha:
        img = img.convert("RGBA")
    elif img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    if max(img.size) > max_side:
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    encoded, mime, ext = _encode(img, keep_alpha)
    thumbs = {}
    for width in thumb_sizes:
        thumb = img.copy()
        if thumb.width > width:
            thumb.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
        thumbs[width] = _encode(thumb, keep_alpha)[0]
    return ProcessedImage(encoded, mime, ext, img.width, img.height, thumbs)


def has_metadata(data: bytes) -> bool:
    """Whether an image still carries EXIF data (used by tests and `check`)."""
    from PIL import Image

    with Image.open(BytesIO(data)) as img:
        return bool(img.getexif()) or "exif" in img.info

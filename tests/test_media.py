"""Unit tests of media type sniffing and image processing (files made in the test)."""

import struct
import zlib
from io import BytesIO

import pytest
from PIL import Image

from media.images import ImageError, has_metadata, process_image
from media.sniff import UnsupportedType, sniff


def _jpeg_with_gps(orientation: int = 6) -> bytes:
    img = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[0x0112] = orientation  # rotate 90° when displayed
    exif[0x8825] = {1: "N", 2: (48.0, 23.0, 25.0)}  # GPS IFD
    out = BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _png_bomb(width: int = 50000, height: int = 50000) -> bytes:
    """A tiny PNG whose header claims a huge size (never decoded fully)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_jpeg_is_stripped_of_exif_and_turned_upright():
    result = process_image(_jpeg_with_gps())
    assert not has_metadata(result.data)
    assert (result.width, result.height) == (20, 40)
    assert result.mime == "image/jpeg"
    assert set(result.thumbs) == {320, 960}


def test_decompression_bomb_is_refused():
    bomb = _png_bomb()
    assert len(bomb) < 2000
    with pytest.raises(ImageError, match="trop grande"):
        process_image(bomb)


def test_truncated_jpeg_is_refused():
    with pytest.raises(ImageError):
        process_image(_jpeg_with_gps()[:200])


@pytest.mark.parametrize("data", [b"<html><script>alert(1)</script></html>", b"GIF89a<script>", b""])
def test_non_images_are_refused(data):
    with pytest.raises(ImageError):
        process_image(data)


def test_transparent_png_stays_png():
    out = BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, "PNG")
    assert process_image(out.getvalue()).mime == "image/png"


@pytest.mark.parametrize(
    ("data", "category"),
    [
        (b"%PDF-1.4 ...", "pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image"),
        (b"OggS" + b"\x00" * 40, "audio"),
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 40 + b"A_OPUS", "audio"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio"),
        (b"\x00\x00\x00\x18ftypM4A " + b"\x00" * 20, "audio"),
        (b"\x00\x00\x00\x18ftypisom" + b"\x00" * 20, "video"),
        ("Compte rendu en texte brut, accentué.".encode(), "text"),
    ],
)
def test_sniff_detects_from_content(data, category):
    assert sniff(data).category == category


@pytest.mark.parametrize(
    "data",
    [b"", b"<svg onload=alert(1)>", b"<!DOCTYPE html><p>", b"\x00\x01\x02binary", b"PK\x03\x04broken"],
)
def test_sniff_refuses_active_or_unknown_content(data):
    with pytest.raises(UnsupportedType):
        sniff(data)

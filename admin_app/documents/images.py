"""Pictures people upload (a photographed signed paper, the kop's emblem): recognised by their bytes, never by name
or Content-Type; refused before decoding when they have too many pixels; verified, then decoded whole (a truncated
file fails); turned upright by their EXIF orientation. The callers save them afresh, without the original's
metadata, and say in their own words why a picture was refused."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

JPEG_MAGIC, PNG_MAGIC = b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"


class TooManyPixels(ValueError):
    """More pixels than the caller allows: not a scan or an emblem but a (decompression) bomb."""


class BrokenImage(ValueError):
    """The bytes claim a picture but cannot be decoded whole."""


def image_kind(data: bytes) -> str | None:
    """"JPEG" or "PNG" by the file's first bytes, else None."""
    if data.startswith(JPEG_MAGIC):
        return "JPEG"
    if data.startswith(PNG_MAGIC):
        return "PNG"
    return None


def open_upright(data: bytes, kind: str, max_pixels: int) -> tuple[Image.Image, dict]:
    """The decoded picture turned upright, and the original's `info` (dpi, transparency...) for the caller to pick
    from; TooManyPixels or BrokenImage otherwise."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as probe:  # reads the header only
                if probe.width * probe.height > max_pixels:
                    raise TooManyPixels(f"{probe.width} x {probe.height}")
                probe.verify()
            with Image.open(io.BytesIO(data), formats=[kind]) as image:  # verify() leaves the image unusable
                image.load()  # decodes every pixel: a truncated file fails here
                info = dict(image.info)
                upright = ImageOps.exif_transpose(image)
    except TooManyPixels:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooManyPixels(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - Pillow raises OSError, SyntaxError, ValueError... on broken input
        raise BrokenImage(str(exc)) from exc
    return upright, info

"""A user's picture in, a PNG out: decoding with limits, colour conversions, encoding."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

# Formats Pillow may decode from an upload. Anything else (PDF, SVG, EPS through Ghostscript)
# is refused: a "photo" that asks for a format outside this list is not a photo.
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"})

RGB = NDArray[np.uint8]  # (height, width, 3)


class PictureProblem(ValueError):
    """An upload Sova cannot use; ``key`` names the locale text, ``values`` fill it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class Limits:
    """What an upload may be: bytes on the wire and pixels once decoded."""

    max_bytes: int
    max_pixels: int


def decode_picture(data: bytes, limits: Limits) -> RGB:
    """RGB pixels of an uploaded JPEG/PNG/WebP/...; raises ``PictureProblem`` with what is
    wrong (empty, too big, not an image, too many pixels)."""
    if not data:
        raise PictureProblem("photo_empty")
    if len(data) > limits.max_bytes:
        raise PictureProblem(
            "photo_too_big", size_mb=_mb(len(data)), limit_mb=_mb(limits.max_bytes)
        )
    try:
        # The header alone tells format and size: check both before any pixel is decoded, so
        # a 1 KB PNG claiming 100 000 × 100 000 pixels (a decompression bomb) costs nothing.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=sorted(ALLOWED_FORMATS))
            width, height = image.size
            if width * height > limits.max_pixels:
                raise PictureProblem(
                    "photo_too_many_pixels",
                    width=width,
                    height=height,
                    limit_mp=f"{limits.max_pixels / 1e6:g}",
                )
            image.load()
    except PictureProblem:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        # Pillow's own guard fired while reading the header (hundreds of megapixels).
        raise PictureProblem("photo_huge", limit_mp=f"{limits.max_pixels / 1e6:g}") from None
    except UnidentifiedImageError:
        raise PictureProblem("photo_not_image") from None
    except (OSError, SyntaxError, ValueError):  # truncated or corrupt file
        raise PictureProblem("photo_not_image") from None
    return to_rgb(image)


def to_rgb(image: Image.Image) -> RGB:
    """Any Pillow image as RGB uint8; transparency is laid over white, as a viewer shows it."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    return np.asarray(image.convert("RGB"), dtype=np.uint8).copy()


def encode_png(pixels: RGB) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def fit_within(pixels: RGB, max_side: int) -> RGB:
    """Downscaled (high-quality, antialiased) so the longer side is at most ``max_side``."""
    height, width = pixels.shape[:2]
    longest = max(height, width)
    if longest <= max_side:
        return pixels
    scale = max_side / longest
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = Image.fromarray(pixels, "RGB").resize(size, Image.Resampling.LANCZOS)
    return np.asarray(resized, dtype=np.uint8).copy()


def rgb_to_ycbcr(pixels: NDArray[np.floating]) -> NDArray[np.float32]:
    """Full-range BT.601 (JPEG's YCbCr), floats in [0, 1]; super-resolution works on Y."""
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 0.5 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 0.5 + 0.5 * r - 0.418688 * g - 0.081312 * b
    return np.stack([y, cb, cr], axis=-1).astype(np.float32)


def ycbcr_to_rgb(ycbcr: NDArray[np.floating]) -> NDArray[np.float32]:
    y, cb, cr = ycbcr[..., 0], ycbcr[..., 1] - 0.5, ycbcr[..., 2] - 0.5
    r = y + 1.402 * cr
    g = y - 0.344136 * cb - 0.714136 * cr
    b = y + 1.772 * cb
    return np.stack([r, g, b], axis=-1).astype(np.float32)


def to_uint8(pixels: NDArray[np.floating]) -> RGB:
    result: RGB = np.clip(np.rint(pixels * 255.0), 0, 255).astype(np.uint8)
    return result


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f}"

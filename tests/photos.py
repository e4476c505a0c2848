"""Photos with a scene in them (bands and shapes), for perceptual hashes to tell apart."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw

from tests.factories import exif_options


def scene(seed: int = 0, size: tuple[int, int] = (320, 240)) -> Image.Image:
    image = Image.new("RGB", size, (90, 120, 80))
    draw = ImageDraw.Draw(image)
    width, height = size
    for band in range(6):
        shade = (band * 37 + seed * 53) % 256
        draw.rectangle([band * width // 6, 0, (band + 1) * width // 6, height // 2],
                       fill=(shade, 255 - shade, (shade * 3) % 256))
    draw.ellipse([width // 4, height // 2, width // 2 + seed * 7 % 60, height - 10],
                 fill=(200, 60 + seed * 30 % 150, 40))
    return image


def scene_jpeg(seed: int = 0, *, size: tuple[int, int] = (320, 240), quality: int = 90,
               exif: dict[int, Any] | None = None, gps: dict[int, Any] | None = None) -> bytes:
    """A JPEG of ``scene(seed)``, with the given top-level EXIF tags and GPS block."""
    buffer = io.BytesIO()
    scene(seed, size).save(buffer, "JPEG", quality=quality, **exif_options(exif, gps))
    return buffer.getvalue()

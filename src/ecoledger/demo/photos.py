"""Small generated evidence photos whose EXIF says when and where they were taken.

The evidence pages show the photo's own time and position next to the
upload's, so the demo's photos carry believable EXIF: the time of the step
that uploads them and a point a few metres from the problem.
"""

from __future__ import annotations

import io
import random
from datetime import datetime

from django.utils import timezone
from PIL import Image, ImageDraw

from ecoledger.demo.names import CAMERAS
from ecoledger.ledger.choices import EvidenceStage

WIDTH, HEIGHT = 240, 180
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_MAKE, _MODEL = 271, 272
_DATETIME_ORIGINAL, _OFFSET_ORIGINAL = 36867, 36881

# Ground and sky tones: brown and grey before rectification, greener after and on follow-up.
_PALETTE = {
    EvidenceStage.BEFORE: ((120, 100, 80), (150, 150, 140)),
    EvidenceStage.DURING: ((130, 120, 90), (160, 170, 180)),
    EvidenceStage.AFTER: ((70, 130, 70), (150, 190, 220)),
    EvidenceStage.FOLLOW_UP: ((80, 135, 75), (150, 185, 215)),
}


def evidence_photo(
    rng: random.Random, *, stage: str, taken_at: datetime, latitude: float, longitude: float
) -> bytes:
    """A JPEG of a few KB; random shapes make every photo's bytes distinct."""
    ground, sky = _PALETTE.get(EvidenceStage(stage), _PALETTE[EvidenceStage.DURING])
    image = Image.new("RGB", (WIDTH, HEIGHT), sky)
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(HEIGHT // 3, HEIGHT // 2)
    draw.rectangle((0, horizon, WIDTH, HEIGHT), fill=_jitter(rng, ground))
    for _ in range(rng.randint(6, 12)):
        x, y = rng.randint(0, WIDTH - 10), rng.randint(horizon - 20, HEIGHT - 10)
        draw.rectangle((x, y, x + rng.randint(6, 40), y + rng.randint(4, 25)),
                       fill=_jitter(rng, ground, 60))
    make, model = rng.choice(CAMERAS)
    local = timezone.localtime(taken_at)
    exif = Image.Exif()
    exif[_MAKE], exif[_MODEL] = make, model
    exif[_EXIF_IFD] = {
        _DATETIME_ORIGINAL: local.strftime("%Y:%m:%d %H:%M:%S"),
        _OFFSET_ORIGINAL: local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:],
    }
    exif[_GPS_IFD] = {
        1: "N" if latitude >= 0 else "S",
        2: _degrees(abs(latitude + rng.uniform(-0.0004, 0.0004))),
        3: "E" if longitude >= 0 else "W",
        4: _degrees(abs(longitude + rng.uniform(-0.0004, 0.0004))),
    }
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70, exif=exif.tobytes())
    return buffer.getvalue()


def _jitter(
    rng: random.Random, colour: tuple[int, int, int], spread: int = 25
) -> tuple[int, ...]:
    return tuple(max(0, min(255, channel + rng.randint(-spread, spread))) for channel in colour)


def _degrees(value: float) -> tuple[float, float, float]:
    """Degrees, minutes and seconds, as the EXIF GPS rationals hold them."""
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 2)
    return float(degrees), float(minutes), seconds

"""Perceptual hashes of photos: the same scene survives re-encoding, resizing and small edits.

A SHA-256 tells identical files apart from everything else; a photo that was
re-saved, scaled or cropped a little by a messaging app has a new digest but
nearly the same picture. The difference hash (dHash) compares each pixel of
a 9×8 grey thumbnail with its right neighbour: 64 bits that move only a few
places for such edits, so the Hamming distance of two hashes measures how far
apart two pictures look.
"""

from __future__ import annotations

from typing import IO

from PIL import Image, UnidentifiedImageError

HASH_BITS = 64
# A featureless picture (a flat colour, a smooth ramp) hashes to nearly all-equal bits and
# would "look like" every other one; fewer differing bits than this say too little to compare.
_MIN_DETAIL = 6
_WIDTH, _HEIGHT = 9, 8


def difference_hash(image: Image.Image) -> str:
    """The 64-bit dHash of an image, as 16 hexadecimal digits."""
    grey = image.convert("L").resize((_WIDTH, _HEIGHT), Image.Resampling.LANCZOS)
    pixels = grey.tobytes()
    bits = 0
    for row in range(_HEIGHT):
        for column in range(_WIDTH - 1):
            left = pixels[row * _WIDTH + column]
            right = pixels[row * _WIDTH + column + 1]
            bits = (bits << 1) | int(left > right)
    return f"{bits:016x}"


def hash_file(upload: IO[bytes]) -> str | None:
    """The dHash of an image file, or None when it cannot be read as one."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            return difference_hash(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)


def hamming(first: str, second: str) -> int:
    """How many of the 64 bits differ between two hashes."""
    return (int(first, 16) ^ int(second, 16)).bit_count()


def is_featureless(value: str) -> bool:
    """Whether a hash is too close to all zeros or all ones to tell pictures apart."""
    ones = int(value, 16).bit_count()
    return min(ones, HASH_BITS - ones) < _MIN_DETAIL

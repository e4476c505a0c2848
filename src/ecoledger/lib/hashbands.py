"""Finding 64-bit hashes a few bits apart through database indexes, not by scanning them all.

A hash is cut into four 16-bit bands, each stored in an indexed column. If two
hashes differ in at most ``t`` bits, at least one band differs in at most
``t // 4`` of them: were every band more than ``t // 4`` bits apart, the whole
would be more than ``t`` apart (the pigeonhole principle). So every hash
within ``t`` bits of a new one has, in some band, one of the few values within
``t // 4`` bits of the new hash's band — 1 value per band below t = 4, 17 below
8, 137 below 12 — and each of those is an exact lookup in that band's index.
The Hamming distance of the few candidates found that way then decides. This
is multi-index hashing (Norouzi, Punjani and Fleet, CVPR 2012).

Four bands of 16 bits rather than ``t + 1`` bands that must match exactly: the
threshold is a setting while the bands are columns, and a 16-bit value is
selective — among 100,000 evenly spread hashes about 1.5 share one — where
eight 8-bit bands would each bring back 1 in 256 of the archive.
"""

from __future__ import annotations

from itertools import combinations

BANDS = 4
BAND_BITS = 16
_HEX_DIGITS = BAND_BITS // 4


def bands(value: str) -> tuple[int, ...]:
    """The four 16-bit bands of a 64-bit hash written as 16 hexadecimal digits, high bits first."""
    return tuple(int(value[index:index + _HEX_DIGITS], 16)
                 for index in range(0, BANDS * _HEX_DIGITS, _HEX_DIGITS))


def band_radius(threshold: int) -> int:
    """How many bits the closest band of two hashes ``threshold`` bits apart can still differ in."""
    return threshold // BANDS


def within(band: int, radius: int) -> list[int]:
    """Every band value at most ``radius`` bits from ``band`` (``band`` itself first)."""
    values = []
    for flipped in range(min(radius, BAND_BITS) + 1):
        for positions in combinations(range(BAND_BITS), flipped):
            mask = 0
            for position in positions:
                mask |= 1 << position
            values.append(band ^ mask)
    return values


def probes(value: str, threshold: int) -> list[list[int]]:
    """For each band, the values a hash within ``threshold`` bits of ``value`` may have in it.

    A hash that has none of them in any band is more than ``threshold`` bits away.
    """
    radius = band_radius(threshold)
    return [within(band, radius) for band in bands(value)]

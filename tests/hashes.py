"""Hypothesis strategies for 64-bit perceptual hashes and hashes a few bits from them."""

from __future__ import annotations

from hypothesis import strategies as st

HASHES = st.integers(min_value=0, max_value=2**64 - 1)
THRESHOLDS = st.integers(min_value=0, max_value=16)


@st.composite
def _evenly(draw: st.DrawFn, distance: int) -> set[int]:
    """``distance`` bits spread over the four 16-bit bands as evenly as they go: the hard case
    for the band search, where no band matches exactly once ``distance`` reaches 4."""
    bits: set[int] = set()
    for band in range(4):
        count = distance // 4 + (band < distance % 4)
        positions = draw(st.sets(st.integers(min_value=0, max_value=15),
                                 min_size=count, max_size=count))
        bits |= {16 * band + position for position in positions}
    return bits


def bits_within(distance: int) -> st.SearchStrategy[set[int]]:
    """Bit positions (0-63) to flip, at most ``distance`` of them, evenly spread or anyhow."""
    return st.integers(min_value=0, max_value=distance).flatmap(
        lambda count: st.one_of(_evenly(count),
                                st.sets(st.integers(min_value=0, max_value=63),
                                        min_size=count, max_size=count)))


def flipped(value: int, bits: set[int]) -> int:
    for bit in bits:
        value ^= 1 << bit
    return value

"""The band search finds every hash within the threshold, checked against comparing them all."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ecoledger.lib.hashbands import bands, probes, within
from tests.hashes import HASHES, THRESHOLDS, bits_within, flipped


def hexed(value: int) -> str:
    return f"{value:016x}"


def found_by_bands(query: str, other: str, threshold: int) -> bool:
    return any(band in reachable
               for band, reachable in zip(bands(other), probes(query, threshold), strict=True))


def test_the_bands_are_the_hash_cut_in_four_high_bits_first():
    assert bands("0123456789abcdef") == (0x0123, 0x4567, 0x89AB, 0xCDEF)


def test_the_values_within_a_radius_are_the_band_and_its_one_bit_neighbours():
    assert within(0b1010, 0) == [0b1010]
    assert sorted(within(0, 1)) == [0, *(1 << bit for bit in range(16))]
    assert len(within(0xFFFF, 2)) == 1 + 16 + 120


@given(query=HASHES, threshold=THRESHOLDS, data=st.data())
def test_every_hash_within_the_threshold_shares_a_band_value_in_reach(query, threshold, data):
    other = flipped(query, data.draw(bits_within(threshold)))

    assert (query ^ other).bit_count() <= threshold
    assert found_by_bands(hexed(query), hexed(other), threshold)


@given(query=HASHES, threshold=THRESHOLDS, archive=st.lists(HASHES, max_size=20),
       data=st.data())
def test_the_bands_miss_no_hash_of_an_archive_that_comparing_all_would_find(
        query, threshold, archive, data):
    near = data.draw(st.lists(bits_within(threshold + 2), max_size=20))
    hashes = archive + [flipped(query, bits) for bits in near]

    brute_force = {value for value in hashes if (query ^ value).bit_count() <= threshold}
    by_bands = {value for value in hashes
                if found_by_bands(hexed(query), hexed(value), threshold)}

    assert brute_force <= by_bands

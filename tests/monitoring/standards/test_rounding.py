"""GB/T 8170 rounding: half to even on the written decimal, the same for arrays and scalars."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoledger.monitoring.standards import round_half_even, round_half_even_array


def test_it_rounds_the_written_decimal_not_the_binary_double():
    assert round(2.45, 1) == 2.5  # the binary double of 2.45 is a little above 2.45

    assert round_half_even(2.45, 1) == Decimal("2.4")
    assert round_half_even_array([2.45], 1).tolist() == [2.4]


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0.5, 0, "0"),
        (1.5, 0, "2"),
        (2.5, 0, "2"),
        (35.5, 0, "36"),
        (36.5, 0, "36"),
        (2.25, 1, "2.2"),
        (2.35, 1, "2.4"),
        (2.451, 1, "2.5"),
        (2.449, 1, "2.4"),
        (1.005, 2, "1.00"),
        (-2.5, 0, "-2"),
    ],
)
def test_ties_go_to_the_even_neighbour_and_the_rest_to_the_nearest(value, decimals, expected):
    assert round_half_even(value, decimals) == Decimal(expected)
    assert round_half_even_array([value], decimals).tolist() == [float(expected)]


def test_strings_and_decimals_are_read_as_written():
    assert round_half_even("0.125", 2) == Decimal("0.12")
    assert round_half_even(Decimal("0.135"), 2) == Decimal("0.14")


def test_numpy_scalars_are_read_as_their_plain_decimal():
    assert round_half_even(np.float64(2.45), 1) == Decimal("2.4")


def test_negative_decimal_places_are_refused():
    with pytest.raises(ValueError, match="decimals"):
        round_half_even(12.0, -1)
    with pytest.raises(ValueError, match="decimals"):
        round_half_even_array([12.0], -1)


def test_nan_and_infinities_pass_through_the_array_version():
    rounded = round_half_even_array([math.nan, math.inf, -math.inf], 1)

    assert math.isnan(rounded[0]) and rounded[1:].tolist() == [math.inf, -math.inf]


def test_huge_values_are_rounded_like_the_scalar_version():
    values = [4503599627370495.5, 1e17, 2.5e15 + 0.5]

    assert round_half_even_array(values, 0).tolist() == [
        float(round_half_even(v, 0)) for v in values
    ]


@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
def test_the_array_version_equals_the_scalar_version_on_random_and_tie_values(decimals):
    rng = np.random.default_rng(8170 + decimals)
    raw = rng.uniform(-2000, 2000, 60_000)
    ties = (np.floor(raw * 10**decimals) * 10 + 5) / 10 ** (decimals + 1)
    written = np.concatenate([np.round(raw[extra::3], decimals + extra) for extra in range(3)])
    next_to_ties = np.nextafter(ties, np.where(rng.random(raw.size) < 0.5, -np.inf, np.inf))
    values = np.concatenate([raw, ties, written, next_to_ties])

    rounded = round_half_even_array(values, decimals)

    expected = [float(round_half_even(float(v), decimals)) for v in values]
    assert rounded.tolist() == expected


@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=4),
)
def test_any_float_rounds_in_the_array_as_it_does_alone(value, decimals):
    assert round_half_even_array([value], decimals)[0] == float(round_half_even(value, decimals))

"""GB 3096-2008 limits by zone class, day and night."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ecoledger.monitoring.standards import (
    is_daytime,
    meets_night_sudden_noise_limit,
    meets_noise_limit,
    noise_limit,
)


@pytest.mark.parametrize(
    ("zone", "day", "night"),
    [("0", 50, 40), ("1", 55, 45), ("2", 60, 50), ("3", 65, 55), ("4a", 70, 55), ("4b", 70, 60)],
)
def test_each_zone_class_has_its_day_and_night_limit(zone, day, night):
    assert noise_limit(zone, [True, False]).tolist() == [day, night]


def test_day_runs_from_06_00_to_22_00():
    assert is_daytime([5, 6, 21, 22, 23, 0]).tolist() == [False, True, True, False, False, False]


def test_local_hours_can_be_set_by_the_local_government():
    assert is_daytime([6, 7], day_starts=7, night_starts=23).tolist() == [False, True]


def test_datetime64_values_are_read_at_their_hour():
    moments = np.array(["2025-06-01T05:59", "2025-06-01T06:00", "2025-06-01T22:00"],
                       dtype="datetime64[m]")  # fmt: skip

    assert is_daytime(moments).tolist() == [False, True, False]


def test_a_level_at_the_limit_complies_and_a_missing_one_does_not():
    levels = [55, 55.1, 45, math.nan]
    daytime = [True, True, False, True]

    assert meets_noise_limit(levels, "1", daytime).tolist() == [True, False, True, False]


def test_night_sudden_noise_may_exceed_the_night_limit_by_15_db():
    assert meets_night_sudden_noise_limit([60, 60.1], "1").tolist() == [True, False]


def test_an_unknown_zone_is_refused():
    with pytest.raises(ValueError, match="5"):
        noise_limit("5", True)

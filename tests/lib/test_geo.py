import pytest

from ecoledger.lib.geo import (
    bd09_to_gcj02,
    distance_m,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_gcj02,
)

NANJING = (118.7969, 32.0603)


def test_gcj02_shifts_points_in_china_by_hundreds_of_metres():
    shifted = wgs84_to_gcj02(*NANJING)

    assert 100 < distance_m(*NANJING, *shifted) < 1000


def test_gcj02_round_trips_to_wgs84_within_a_centimetre():
    back = gcj02_to_wgs84(*wgs84_to_gcj02(*NANJING))

    assert distance_m(*NANJING, *back) < 0.01


def test_bd09_round_trips_through_gcj02():
    gcj = wgs84_to_gcj02(*NANJING)

    assert distance_m(*gcj, *bd09_to_gcj02(*gcj02_to_bd09(*gcj))) < 0.5
    assert distance_m(*NANJING, *to_wgs84(*gcj02_to_bd09(*gcj), "bd09")) < 0.5


def test_points_outside_china_are_not_shifted():
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)


def test_an_unknown_system_is_refused():
    with pytest.raises(ValueError):
        to_wgs84(*NANJING, "mars")

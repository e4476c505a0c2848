import pytest

from ecoledger.lib.geo import (
    bd09_to_gcj02,
    distance_m,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    metres_outside,
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


def _square(west: float, south: float, side: float) -> list[list[float]]:
    return [[west, south], [west + side, south], [west + side, south + side],
            [west, south + side], [west, south]]


SQUARE = {"type": "Polygon", "coordinates": [_square(118.7, 32.0, 0.1)]}


def test_a_point_inside_an_outline_is_not_outside_it_and_one_beyond_is_as_far_as_measured():
    beyond = (118.8 + 0.05, 32.05)  # 0.05° east of the square's east edge

    assert metres_outside(118.75, 32.05, SQUARE) == 0.0
    assert metres_outside(*beyond, SQUARE) == pytest.approx(
        distance_m(118.8, 32.05, *beyond), rel=0.005)


def test_a_hole_is_outside_and_any_part_of_a_multipolygon_is_inside():
    holed = {"type": "Polygon", "coordinates": [_square(118.7, 32.0, 0.1),
                                                _square(118.74, 32.04, 0.02)]}
    islands = {"type": "MultiPolygon", "coordinates": [[_square(118.7, 32.0, 0.1)],
                                                       [_square(119.0, 32.0, 0.1)]]}

    assert metres_outside(118.75, 32.05, holed) == pytest.approx(
        distance_m(118.75, 32.05, 118.76, 32.05), rel=0.005)
    assert metres_outside(119.05, 32.05, islands) == 0.0


@pytest.mark.parametrize("geometry", [None, {}, {"type": "Point", "coordinates": [1, 2]}])
def test_without_an_outline_to_test_nothing_is_outside(geometry):
    assert metres_outside(100.0, 10.0, geometry) == 0.0

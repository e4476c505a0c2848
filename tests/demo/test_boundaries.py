"""The demo city's boundaries: valid polygons, towns inside their district, districts tiling
the city.

The checks here are independent of how the boundaries are made: rings are
tested for closure, orientation and self-crossings, and the tiling by
sampling a grid of points over the city, each of which must fall in exactly
one district and one town, the town being one of that district's.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import pairwise

import pytest
from django.db import transaction

from ecoledger.demo.boundaries import store_boundaries
from ecoledger.demo.city import build_city
from ecoledger.org.choices import RegionLevel
from ecoledger.org.models import Region
from tests.factories import make_region

pytestmark = pytest.mark.django_db
GRID = 90


@pytest.fixture(scope="module")
def regions(django_db_setup, django_db_blocker) -> Iterator[dict[str, list[Region]]]:
    with django_db_blocker.unblock(), transaction.atomic():
        build_city(random.Random(7), password="demo-password-1")
        by_level = {
            level: list(Region.objects.filter(level=level).order_by("code"))
            for level in RegionLevel.values
        }
        yield by_level
        transaction.set_rollback(True)


def _polygons(geometry: dict) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiPolygon"
    return geometry["coordinates"]


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise(ring)) / 2


def _cross(a, b, c, d) -> bool:
    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return side(c, d, a) * side(c, d, b) < 0 and side(a, b, c) * side(a, b, d) < 0


def _inside_ring(ring: list[list[float]], x: float, y: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _inside(geometry: dict, x: float, y: float) -> bool:
    return any(
        _inside_ring(polygon[0], x, y) and not any(_inside_ring(h, x, y) for h in polygon[1:])
        for polygon in _polygons(geometry)
    )


def test_every_region_has_a_valid_polygon_in_wgs84(regions):
    for region in (r for level in regions.values() for r in level):
        assert region.boundary is not None, region.name
        for polygon in _polygons(region.boundary):
            shell, *holes = polygon
            for ring in polygon:
                assert ring[0] == ring[-1] and len(ring) >= 4
                assert all(116 < lon < 118 and 35.5 < lat < 37 for lon, lat in ring)
                points = ring[:-1]
                assert len({tuple(p) for p in points}) == len(points), region.name
                segments = list(pairwise(ring))
                for i, (a, b) in enumerate(segments):
                    for c, d in segments[i + 2:]:
                        assert not _cross(a, b, c, d), region.name
            assert _signed_area(shell) > 0  # counter-clockwise exterior (RFC 7946)
            assert all(_signed_area(hole) < 0 for hole in holes)


def test_each_town_lies_inside_its_district_and_its_own_polygon(regions):
    districts = {d.pk: d for d in regions[RegionLevel.DISTRICT]}
    for town in regions[RegionLevel.TOWN]:
        assert _inside(town.boundary, town.longitude, town.latitude), town.name
        assert _inside(districts[town.district_id].boundary, town.longitude, town.latitude)
        shell = town.boundary["coordinates"][0]
        middle = [sum(c) / len(shell[:-1]) for c in zip(*shell[:-1], strict=True)]
        assert _inside(districts[town.district_id].boundary, *middle), town.name


def test_districts_and_towns_tile_the_city_without_overlap(regions):
    city = regions[RegionLevel.CITY][0]
    towns = regions[RegionLevel.TOWN]
    districts = regions[RegionLevel.DISTRICT]
    ring = city.boundary["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    sampled = 0
    for i in range(GRID):
        for j in range(GRID):
            x = min(lons) + (max(lons) - min(lons)) * (i + 0.5) / GRID
            y = min(lats) + (max(lats) - min(lats)) * (j + 0.5) / GRID
            in_city = _inside(city.boundary, x, y)
            in_districts = [d for d in districts if _inside(d.boundary, x, y)]
            in_towns = [t for t in towns if _inside(t.boundary, x, y)]
            if not in_city:
                assert in_districts == [] and in_towns == []
                continue
            sampled += 1
            assert len(in_districts) == 1 and len(in_towns) == 1, (x, y)
            assert in_towns[0].district_id == in_districts[0].pk
    assert sampled > GRID * GRID // 3


def test_boundaries_are_the_same_each_time(regions):
    before = {r.pk: r.boundary for r in Region.objects.all()}

    store_boundaries(regions[RegionLevel.CITY][0])

    assert {r.pk: r.boundary for r in Region.objects.all()} == before


def test_regions_without_a_centroid_are_left_alone():
    city = make_region(RegionLevel.CITY)
    district = make_region(RegionLevel.DISTRICT, city)
    make_region(RegionLevel.TOWN, district, latitude=36.1, longitude=117.0)

    assert store_boundaries(city) == 0
    assert not Region.objects.subtree(city).filter(boundary__isnull=False).exists()

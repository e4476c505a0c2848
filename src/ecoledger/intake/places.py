"""Which region a complaint's point lies in, so "open a new problem" is one click.

Regions keep their boundary as GeoJSON (WGS-84); the deepest region whose
boundary holds the point wins (a town over its district over the city).
Without boundaries, the region whose centre is nearest stands in.
"""

from __future__ import annotations

from typing import Any

from ecoledger.lib.geo import distance_m
from ecoledger.org.models import Region


def _in_ring(lon: float, lat: float, ring: list[list[float]]) -> bool:
    """Ray casting: a point is inside when a ray from it crosses the ring an odd number of times."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _in_polygon(lon: float, lat: float, rings: list[Any]) -> bool:
    outer, holes = [p[:2] for p in rings[0]], rings[1:]
    return _in_ring(lon, lat, outer) and not any(
        _in_ring(lon, lat, [p[:2] for p in hole]) for hole in holes)


def contains(boundary: dict[str, Any], lon: float, lat: float) -> bool:
    if boundary.get("type") == "Polygon":
        return _in_polygon(lon, lat, boundary["coordinates"])
    if boundary.get("type") == "MultiPolygon":
        return any(_in_polygon(lon, lat, rings) for rings in boundary["coordinates"])
    return False


def region_at(latitude: float | None, longitude: float | None) -> Region | None:
    """The deepest region holding the point, else the one with the nearest centre."""
    if latitude is None or longitude is None:
        return None
    regions = Region.objects.exclude(boundary__isnull=True)
    holding = [r for r in regions if contains(r.boundary, longitude, latitude)]
    if holding:
        return max(holding, key=lambda r: r.path.count("/"))
    centred = Region.objects.filter(latitude__isnull=False, longitude__isnull=False)
    return min(centred, key=lambda r: (
        distance_m(longitude, latitude, r.longitude, r.latitude), -r.path.count("/")),
        default=None)

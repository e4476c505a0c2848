"""Coordinates: everything is stored in WGS-84; Chinese map pickers give GCJ-02 or BD-09.

GCJ-02 ("Mars coordinates") is the obfuscated datum that Chinese web maps
(AMap/Gaode, Tencent, 天地图 in some modes) must use; BD-09 is Baidu's further
offset of GCJ-02. The forward GCJ-02 transform is public; its inverse has no
closed form, so it is found by fixed-point iteration to well under a
centimetre. Outside mainland China the datums coincide.
"""

from __future__ import annotations

import math
from enum import StrEnum
from itertools import pairwise

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


class CoordinateSystem(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


def out_of_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _delta(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2 / 3
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    d_lon += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    d_lon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    d_lon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    d_lon, d_lat = _delta(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    w_lon, w_lat = lon, lat
    for _ in range(30):
        g_lon, g_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon, e_lat = g_lon - lon, g_lat - lat
        w_lon, w_lat = w_lon - e_lon, w_lat - e_lat
        if abs(e_lon) < 1e-10 and abs(e_lat) < 1e-10:
            break
    return w_lon, w_lat


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def to_wgs84(lon: float, lat: float, system: CoordinateSystem | str) -> tuple[float, float]:
    system = CoordinateSystem(system)
    if system is CoordinateSystem.GCJ02:
        return gcj02_to_wgs84(lon, lat)
    if system is CoordinateSystem.BD09:
        return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    return lon, lat


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine; ample for "is the photo near the site")."""
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


Ring = list[list[float]]


def metres_outside(lon: float, lat: float, geometry: dict | None) -> float:
    """How far a point lies outside a GeoJSON Polygon or MultiPolygon: 0 inside it (or when
    there is no geometry to test), else the distance to its nearest edge.

    Distances are measured on a plane tangent at the point, which errs by well under a
    per cent across a city; enough to tell a typo or a wrong datum from a border case.
    """
    if not geometry:
        return 0.0
    if geometry.get("type") == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry.get("type") == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return 0.0
    if any(_in_polygon(lon, lat, polygon) for polygon in polygons):
        return 0.0
    scale_x = math.cos(math.radians(lat)) * 111_320.0
    scale_y = 110_574.0
    return min(
        _to_segment((0.0, 0.0),
                    ((a[0] - lon) * scale_x, (a[1] - lat) * scale_y),
                    ((b[0] - lon) * scale_x, (b[1] - lat) * scale_y))
        for polygon in polygons for ring in polygon for a, b in pairwise(ring)
    )


def _in_polygon(lon: float, lat: float, polygon: list[Ring]) -> bool:
    """Inside the outer ring and outside every hole."""
    return _in_ring(lon, lat, polygon[0]) and not any(
        _in_ring(lon, lat, hole) for hole in polygon[1:])


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _to_segment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    along = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length if length else 0.0
    t = max(0.0, min(1.0, along))
    return math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1])

"""Boundaries of the demo city: plausible, non-overlapping polygons from the regions' centroids.

The synthetic city has no surveyed boundaries, so they are made up the way a
geographer's sketch would be: every town gets the part of the city nearer to
it than to any other town (a Voronoi partition, clipped to a rounded outline
around the city), a district is the union of its towns, the city the union of
all. Shared borders are one polyline drawn once and used by both sides, so the
pieces tile exactly; a gentle, deterministic wiggle on the borders and the
outline keeps the map from looking ruled. No random generator is used: the
same regions always give the same polygons (and the demo's seeded history is
not disturbed).

Geometry is done in a local plane (longitude scaled by the cosine of the
latitude, so distances are isotropic) and written back as GeoJSON in WGS-84
[longitude, latitude], exterior rings counter-clockwise (RFC 7946).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ecoledger.org.choices import RegionLevel
from ecoledger.org.models import Region

XY = tuple[float, float]
Ring = list[XY]
Edge = tuple[int, int]

# Wiggle of borders as a share of their length, tried in turn until the result is valid.
AMPLITUDES = (0.07, 0.035, 0.0)
OUTLINE_SIDES = 24  # points per seed corner of the rounded outline
DECIMALS = 6  # about 0.1 m


@dataclass(frozen=True)
class Seed:
    """One cell of the partition: a town (or a district without towns) and its district."""

    key: int
    group: int
    x: float
    y: float


@dataclass
class Partition:
    """Rings in the plane: one per cell, the rings of each group (district), the outline."""

    cells: dict[int, Ring]
    groups: dict[int, list[Ring]]
    outline: list[Ring]


def store_boundaries(city: Region) -> int:
    """Compute and save the boundaries of the city, its districts and towns; return how many.

    Regions without a centroid are left as they are (their boundary stays empty).
    """
    regions = list(Region.objects.subtree(city))
    placed = [r for r in regions if r.latitude is not None and r.longitude is not None]
    towns = [r for r in placed if r.level == RegionLevel.TOWN and r.district_id]
    with_towns = {town.district_id for town in towns}
    districts = [r for r in placed if r.level == RegionLevel.DISTRICT]
    lonely = [d for d in districts if d.pk not in with_towns]
    cells = towns + lonely
    if len(cells) < 2:
        return 0
    lat0 = sum(r.latitude for r in cells) / len(cells)  # type: ignore[misc]
    lon0 = sum(r.longitude for r in cells) / len(cells)  # type: ignore[misc]
    scale = math.cos(math.radians(lat0))

    def to_plane(lon: float, lat: float) -> XY:
        return ((lon - lon0) * scale, lat - lat0)

    def to_lonlat(ring: Ring) -> list[list[float]]:
        points = [[round(x / scale + lon0, DECIMALS), round(y + lat0, DECIMALS)] for x, y in ring]
        return [*points, points[0]]

    seeds = [Seed(r.pk, r.district_id or r.pk, *to_plane(r.longitude, r.latitude))  # type: ignore[arg-type]
             for r in cells]
    partition = partition_plane(seeds)
    by_pk = {r.pk: r for r in regions}
    changed: list[Region] = []
    for key, ring in partition.cells.items():
        if by_pk[key].level == RegionLevel.TOWN:
            by_pk[key].boundary = {"type": "Polygon", "coordinates": [to_lonlat(ring)]}
            changed.append(by_pk[key])
    for group, rings in [*partition.groups.items(), (city.pk, partition.outline)]:
        by_pk[group].boundary = geometry([to_lonlat(ring) for ring in rings])
        changed.append(by_pk[group])
    Region.objects.bulk_update(changed, ["boundary"])
    return len(changed)


def geometry(rings: list[list[list[float]]]) -> dict[str, Any]:
    """A Polygon, or a MultiPolygon when a union falls apart; holes go to their shell."""
    shells = [ring for ring in rings if _area(ring) > 0]
    holes = [ring for ring in rings if _area(ring) <= 0]
    polygons: list[list[list[list[float]]]] = [[shell] for shell in shells]
    for hole in holes:
        for polygon in polygons:
            if contains(polygon[0], hole[0]):
                polygon.append(hole)
                break
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def partition_plane(seeds: Sequence[Seed]) -> Partition:
    """Voronoi cells of the seeds inside a rounded outline, with wiggled shared borders."""
    outline = _outline(seeds)
    for amplitude in AMPLITUDES:
        partition = _partition(seeds, outline, amplitude)
        if _valid(partition, seeds):
            return partition
    raise ValueError("no valid partition of these seeds")  # straight borders are always valid


def _outline(seeds: Sequence[Seed]) -> Ring:
    """The convex hull of the seeds grown by about one seed spacing, with rounded corners."""
    points = [(s.x, s.y) for s in seeds]
    spacing = sorted(
        min(math.dist(p, q) for q in points if q is not p) for p in points
    )[len(points) // 2]
    grown = [
        (x + spacing * math.cos(angle), y + spacing * math.sin(angle))
        for x, y in _hull(points)
        for angle in (2 * math.pi * k / OUTLINE_SIDES for k in range(OUTLINE_SIDES))
    ]
    return _hull(grown)


def _hull(points: list[XY]) -> Ring:
    """Counter-clockwise convex hull (Andrew's monotone chain)."""
    ordered = sorted(set(points))
    if len(ordered) < 3:
        return ordered

    def chain(sequence: list[XY]) -> Ring:
        result: Ring = []
        for point in sequence:
            while len(result) >= 2 and _cross(result[-2], result[-1], point) <= 0:
                result.pop()
            result.append(point)
        return result

    lower, upper = chain(ordered), chain(ordered[::-1])
    return lower[:-1] + upper[:-1]


def _cross(o: XY, a: XY, b: XY) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _clip(polygon: Ring, normal: XY, offset: float) -> Ring:
    """The part of a convex polygon where normal · p ≤ offset (Sutherland–Hodgman)."""
    result: Ring = []
    for index, current in enumerate(polygon):
        previous = polygon[index - 1]
        inside_now = normal[0] * current[0] + normal[1] * current[1] <= offset
        inside_before = normal[0] * previous[0] + normal[1] * previous[1] <= offset
        if inside_now != inside_before:
            d_prev = normal[0] * previous[0] + normal[1] * previous[1] - offset
            d_now = normal[0] * current[0] + normal[1] * current[1] - offset
            t = d_prev / (d_prev - d_now)
            result.append((previous[0] + t * (current[0] - previous[0]),
                           previous[1] + t * (current[1] - previous[1])))
        if inside_now:
            result.append(current)
    return result


class _Vertices:
    """Snaps nearly equal points (the same Voronoi vertex computed from two cells) to one id."""

    GRID = 1e-9

    def __init__(self) -> None:
        self.points: list[XY] = []
        self._index: dict[tuple[int, int], int] = {}

    def id_of(self, point: XY) -> int:
        kx, ky = round(point[0] / self.GRID), round(point[1] / self.GRID)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                found = self._index.get((kx + dx, ky + dy))
                if found is not None:
                    return found
        self.points.append(point)
        self._index[(kx, ky)] = len(self.points) - 1
        return len(self.points) - 1


def _partition(seeds: Sequence[Seed], outline: Ring, amplitude: float) -> Partition:
    vertices = _Vertices()
    cell_edges: dict[int, list[Edge]] = {}
    for seed in seeds:
        polygon = outline
        for other in seeds:
            if other is seed:
                continue
            normal = (other.x - seed.x, other.y - seed.y)
            offset = (other.x ** 2 + other.y ** 2 - seed.x ** 2 - seed.y ** 2) / 2
            polygon = _clip(polygon, normal, offset)
        ids = [vertices.id_of(point) for point in polygon]
        ids = [v for i, v in enumerate(ids) if v != ids[i - 1]]
        cell_edges[seed.key] = [(ids[i - 1], ids[i]) for i in range(len(ids))]
    every = {edge for edges in cell_edges.values() for edge in edges}
    shared = {edge for edge in every if (edge[1], edge[0]) in every}
    on_outline = {v for edge in every - shared for v in edge}
    centre = (sum(s.x for s in seeds) / len(seeds), sum(s.y for s in seeds) / len(seeds))
    reach = max(math.dist(centre, p) for p in outline)
    position = {
        v: _swell(vertices.points[v], centre, reach, amplitude) if v in on_outline
        else vertices.points[v]
        for v in range(len(vertices.points))
    }

    def polyline(edge: Edge) -> Ring:
        """The points of an edge from its start up to (not including) its end."""
        if edge not in shared:
            return [position[edge[0]]]
        forward = edge[0] < edge[1]
        start, end = (edge if forward else (edge[1], edge[0]))
        points = _wiggle(position[start], position[end], amplitude)
        return points[:-1] if forward else points[:0:-1]

    def rings(edges: list[Edge]) -> list[Ring]:
        return [[point for edge in loop for point in polyline(edge)] for loop in _loops(edges)]

    groups: dict[int, list[Edge]] = defaultdict(list)
    for seed in seeds:
        groups[seed.group] += cell_edges[seed.key]
    return Partition(
        cells={key: rings(edges)[0] for key, edges in cell_edges.items()},
        groups={group: rings(_boundary(edges)) for group, edges in groups.items()},
        outline=rings(_boundary([e for edges in cell_edges.values() for e in edges])),
    )


def _boundary(edges: list[Edge]) -> list[Edge]:
    """The edges of a union of cells: those not matched by the same edge run backwards."""
    present = Counter(edges)
    return [edge for edge in edges if not present[(edge[1], edge[0])]]


def _loops(edges: list[Edge]) -> list[list[Edge]]:
    following = {edge[0]: edge for edge in edges}
    loops: list[list[Edge]] = []
    seen: set[Edge] = set()
    for first in edges:
        if first in seen:
            continue
        loop, edge = [], first
        while edge not in seen:
            seen.add(edge)
            loop.append(edge)
            edge = following[edge[1]]
        loops.append(loop)
    return loops


def _swell(point: XY, centre: XY, reach: float, amplitude: float) -> XY:
    """Move an outline point in or out by a smooth function of its bearing from the centre."""
    dx, dy = point[0] - centre[0], point[1] - centre[1]
    angle = math.atan2(dy, dx)
    factor = 1 + amplitude * 1.2 * (0.6 * math.sin(3 * angle + 0.7) + 0.4 * math.sin(7 * angle))
    return (centre[0] + dx * factor, centre[1] + dy * factor)


def _wiggle(start: XY, end: XY, amplitude: float, pieces: int = 8) -> Ring:
    """A border from start to end, bent sideways by a smooth curve that vanishes at both ends."""
    length = math.dist(start, end)
    if amplitude == 0 or length == 0:
        return [start, end]
    nx, ny = (start[1] - end[1]) / length, (end[0] - start[0]) / length
    # A phase taken from the endpoints: each border bends its own way, the same every time.
    phase = math.fmod(abs(start[0] * 7919.0 + start[1] * 104729.0 + end[0] * 1301.0), 2 * math.pi)
    points: Ring = [start]
    for step in range(1, pieces):
        t = step / pieces
        bend = amplitude * length * math.sin(math.pi * t) ** 2 * math.sin(2 * math.pi * t + phase)
        points.append((start[0] + t * (end[0] - start[0]) + bend * nx,
                       start[1] + t * (end[1] - start[1]) + bend * ny))
    return [*points, end]


def _valid(partition: Partition, seeds: Sequence[Seed]) -> bool:
    """Borders that never cross one another, and each seed inside its own cell.

    Every ring is made of the same border polylines, so a partition whose
    borders form a plane graph (no two segments cross) tiles the outline.
    """
    rings = [*partition.cells.values(), *partition.outline,
             *(ring for rings in partition.groups.values() for ring in rings)]
    if any(len(ring) < 3 or len(set(ring)) < len(ring) for ring in rings):
        return False
    segments = {tuple(sorted((ring[i - 1], ring[i]))) for ring in rings for i in range(len(ring))}
    if crossings(np.array(sorted(segments))):
        return False
    return all(contains(partition.cells[s.key], (s.x, s.y)) for s in seeds)


def crossings(segments: NDArray[np.float64]) -> int:
    """How many pairs of segments (shape n × 2 × 2) cross at a point inside both."""
    a, b = segments[:, None, 0, :], segments[:, None, 1, :]
    c, d = segments[None, :, 0, :], segments[None, :, 1, :]

    def side(p: NDArray[np.float64], q: NDArray[np.float64], r: NDArray[np.float64]):
        return (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1]) - (
            q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0])

    d1, d2, d3, d4 = side(c, d, a), side(c, d, b), side(a, b, c), side(a, b, d)
    crossing = (d1 * d2 < 0) & (d3 * d4 < 0)
    return int(np.triu(crossing, 1).sum())


def _area(ring: Sequence[Sequence[float]]) -> float:
    """Signed area (shoelace): positive for counter-clockwise rings."""
    return sum(
        ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1] for i in range(len(ring))
    ) / 2


def contains(ring: Sequence[Sequence[float]], point: Sequence[float]) -> bool:
    """Point in polygon (even-odd rule)."""
    x, y = point[0], point[1]
    inside = False
    for i in range(len(ring)):
        (x1, y1), (x2, y2) = ring[i - 1][:2], ring[i][:2]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside

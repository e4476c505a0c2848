"""Environmental quality of a briefing's period, from the monitoring readings.

Air: the daily AQI of each district (and of the whole scope) by HJ 633, from
the hourly values of its ambient stations averaged across stations (the area's
concentration is the mean of its stations', as for a city's published AQI),
and the share of good days (AQI ≤ 100) among the days that have an AQI.

Water: each surface-water section's class over the period by GB 3838
(single-factor evaluation of the period means of its routine items) against
its target class. Sections without readings in the period are left out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ecoledger.monitoring.air_quality import POLLUTANT_CODES, HourlyGrid, daily_aqi, hourly_grid
from ecoledger.monitoring.alerts.judges import LAKE_KINDS, TO_MG_PER_L, WATER_ITEMS
from ecoledger.monitoring.choices import INVALID_FLAGS, DataType, PointKind
from ecoledger.monitoring.models import MonitoringPoint, Reading
from ecoledger.monitoring.standards import classify_samples, good_days
from ecoledger.monitoring.standards.aqi import CHINA_STANDARD_TIME
from ecoledger.monitoring.standards.water import CLASS_NAMES
from ecoledger.org.models import Region


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=CHINA_STANDARD_TIME)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _in_scope(scope: Region) -> Any:
    return MonitoringPoint.objects.filter(active=True, region__path__startswith=scope.path)


def _area_grid(grid: HourlyGrid, rows: Sequence[int]) -> HourlyGrid:
    """One area's hourly values: at each hour, the mean of its stations' valid values."""
    values: dict[str, NDArray[np.float64]] = {}
    for key, matrix in grid.values.items():
        chosen = matrix[list(rows)]
        present = ~np.isnan(chosen)
        counts = present.sum(axis=0)
        sums = np.where(present, chosen, 0.0).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            values[key] = np.where(counts > 0, sums / counts, np.nan)[np.newaxis, :]
    readings = {key: np.zeros((1, grid.hours), dtype=np.int64) for key in POLLUTANT_CODES}
    return HourlyGrid((0,), grid.start, values, readings)


def _air_row(name: str, grid: HourlyGrid, rows: Sequence[int], days: list[date]) -> dict[str, Any]:
    area = _area_grid(grid, rows)
    daily: list[int | None] = []
    for day in days:
        snapshot = daily_aqi(area, day).snapshot(0, 0)
        daily.append(None if snapshot is None else snapshot["aqi"])
    scored = [aqi for aqi in daily if aqi is not None]
    counted = good_days([math.nan if aqi is None else aqi for aqi in daily])
    return {
        "name": name,
        "stations": len(rows),
        "days": [{"date": day.isoformat(), "aqi": aqi} for day, aqi in zip(days, daily,
                                                                            strict=True)],
        "valid_days": counted.valid_days,
        "good_days": counted.good_days,
        "good_share": round(counted.ratio_percent, 1) if counted.valid_days else None,
        "mean_aqi": round(sum(scored) / len(scored)) if scored else None,
    }


def air_quality(scope: Region, first: date, last: date) -> dict[str, Any]:
    """Daily AQI and good days per district of the scope and for the scope as a whole."""
    stations = list(_in_scope(scope).filter(kind=PointKind.AIR_STATION)
                    .order_by("region__district__code", "pk")
                    .values_list("pk", "region__district_id", "region__district__name"))
    if not stations:
        return {"areas": [], "total": None}
    days = _days(first, last)
    grid = hourly_grid([pk for pk, _d, _n in stations], _day_start(first - timedelta(days=1)),
                       _day_start(last + timedelta(days=1)))
    by_district: dict[str, list[int]] = defaultdict(list)
    for row, (_pk, _district, name) in enumerate(stations):
        by_district[name or scope.name].append(row)
    areas = [_air_row(name, grid, rows, days) for name, rows in by_district.items()]
    total = _air_row(scope.name, grid, list(range(len(stations))), days)
    return {"areas": areas, "total": total}


def water_quality(scope: Region, first: date, last: date) -> list[dict[str, Any]]:
    """Each section with readings in the period: its class, its target, and the items at fault."""
    sections = {point.pk: point for point in _in_scope(scope).filter(
        kind=PointKind.WATER_SECTION).select_related("water_body", "region__district")}
    if not sections:
        return []
    readings = Reading.objects.filter(
        point_id__in=list(sections), data_type__in=[DataType.HOUR, DataType.DAY],
        parameter__code__in=list(WATER_ITEMS), observed_at__gte=_day_start(first),
        observed_at__lt=_day_start(last + timedelta(days=1)),
    ).values_list("point_id", "parameter__code", "parameter__unit", "value", "flag")
    sums: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for point_id, code, unit, value, flag in readings.order_by():
        if flag in INVALID_FLAGS or unit not in TO_MG_PER_L or not value >= 0:
            continue
        sums[point_id][WATER_ITEMS[code]].append(value * TO_MG_PER_L[unit])
    rows = []
    for point_id, items in sums.items():
        point = sections[point_id]
        lake = point.water_body is not None and point.water_body.kind in LAKE_KINDS
        means = {key: [sum(values) / len(values)] for key, values in items.items()}
        classes = classify_samples(means, water_body="lake" if lake else "river")
        found = int(classes.section[0])
        target = point.target_class if point.target_class in range(1, 6) else None
        rows.append({
            "name": point.name,
            "district": point.region.district.name if point.region.district else "",
            "class": CLASS_NAMES[found] if found else "",
            "target": CLASS_NAMES[target] if target else "",
            "meets": None if target is None or not found else found <= target,
            "items": list(classes.worst_items(0)),
        })
    rows.sort(key=lambda row: (row["district"], row["name"]))
    return rows

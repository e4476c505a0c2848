"""Air Quality Index of the ambient air stations, from their hourly readings.

The hourly values of the six pollutants are laid on a grid (stations × hours, one array
per pollutant) from one query, and ``standards.aqi_arrays`` scores every station and
hour at once. The rule set follows the date of the data (HJ 633-2012 before 2026-03-01,
HJ 633-2026 from then), and so does the meaning of a real-time input: 2012 scores PM
from 24 h moving means and adds the O3 8 h moving mean, 2026 scores the 1 h means
(standards.md §1.6).

Hours are those of HJ 212 hourly data: the value at 10:00 is the mean of 10:00–11:00,
published as the 11:00 AQI. Days are China Standard Time days. Flagged and negative
values are not measurements and count as missing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Final, TypedDict

import numpy as np
from django.db.models import QuerySet
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from ecoledger.lib import clock
from ecoledger.monitoring.choices import INVALID_FLAGS, DataType, PointKind
from ecoledger.monitoring.models import MonitoringPoint, Reading
from ecoledger.monitoring.standards import (
    AqiArrays,
    ambient_limit,
    aqi_arrays,
    aqi_level,
    daily_max_8h,
    daily_means,
    rule_set_for,
    valid_daily_mean,
    valid_eight_hour_mean,
)
from ecoledger.monitoring.standards.aqi import CHINA_STANDARD_TIME

POLLUTANT_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "so2": "a21026",
        "no2": "a21004",
        "co": "a21005",
        "o3": "a05024",
        "pm10": "a34002",
        "pm25": "a34004",
    }
)
"""AQI input key → HJ 212 code of the hourly readings it comes from."""

MOVING_MEANS: Final[Mapping[str, Mapping[str, tuple[str, int]]]] = MappingProxyType(
    {
        "2012": MappingProxyType(
            {"pm25": ("pm25", 24), "pm10": ("pm10", 24), "so2_24h": ("so2", 24), "o3_8h": ("o3", 8)}
        ),
        "2026": MappingProxyType({}),
    }
)
"""Real-time inputs that are moving means, by rule set: key → (pollutant, hours).

Every other real-time input is the pollutant's own 1 h mean.
"""

HOUR: Final = timedelta(hours=1)
DAILY_POLLUTANTS: Final = ("so2", "no2", "co", "pm10", "pm25")
"""Scored on their daily means; O3 on its daily maxima."""


@dataclass(frozen=True)
class HourlyGrid:
    """Hourly values of the AQI pollutants: ``values[key][station, hour]``, NaN where
    missing or invalid, and the id of the reading behind each (0 where none)."""

    point_ids: tuple[int, ...]
    start: datetime
    values: Mapping[str, NDArray[np.float64]]
    readings: Mapping[str, NDArray[np.int64]]

    @property
    def hours(self) -> int:
        return next(iter(self.values.values())).shape[1]

    def hour_start(self, column: int) -> datetime:
        return self.start + column * HOUR

    def column_of(self, moment: datetime) -> int:
        return int((moment - self.start) // HOUR)


def hourly_grid(point_ids: Sequence[int], start: datetime, end: datetime) -> HourlyGrid:
    """The hourly readings of these stations from ``start`` (rounded down to the hour)
    up to ``end``, in one query."""
    start = start.replace(minute=0, second=0, microsecond=0)
    hours = max(1, math.ceil((end - start) / HOUR))
    station_of = {point_id: index for index, point_id in enumerate(point_ids)}
    key_of = {code: key for key, code in POLLUTANT_CODES.items()}
    shape = (len(point_ids), hours)
    values = {key: np.full(shape, np.nan) for key in POLLUTANT_CODES}
    readings = {key: np.zeros(shape, dtype=np.int64) for key in POLLUTANT_CODES}
    rows = Reading.objects.filter(
        point_id__in=list(point_ids),
        data_type=DataType.HOUR,
        parameter__code__in=list(POLLUTANT_CODES.values()),
        observed_at__gte=start,
        observed_at__lt=start + hours * HOUR,
    ).values_list("pk", "point_id", "parameter__code", "observed_at", "value", "flag")
    for pk, point_id, code, observed_at, value, flag in rows.order_by():
        if flag in INVALID_FLAGS or not value >= 0 or math.isinf(value):
            continue
        cell = (station_of[point_id], int((observed_at - start) // HOUR))
        values[key_of[code]][cell] = value
        readings[key_of[code]][cell] = pk
    return HourlyGrid(tuple(point_ids), start, values, readings)


class AqiSnapshot(TypedDict):
    rule_set: str
    aqi: int
    level: str
    level_number: int
    category: str
    category_en: str
    colour: str
    primary_pollutants: list[str]
    iaqi: dict[str, int | None]
    publishable: bool


@dataclass(frozen=True)
class GridAqi:
    """The AQI of every (station, column) cell: ``parts[part[s, c]]`` holds it at row
    ``row[s, c]`` (part −1: not scored). One ``AqiArrays`` per rule set met."""

    parts: tuple[AqiArrays, ...]
    part: NDArray[np.int64]
    row: NDArray[np.int64]

    def publishable_aqi(self) -> NDArray[np.float64]:
        """The AQI of each cell where it may be published, else NaN."""
        result = np.full(self.part.shape, np.nan)
        for index, arrays in enumerate(self.parts):
            cells = self.part == index
            rows = self.row[cells]
            result[cells] = np.where(arrays.publishable[rows], arrays.aqi[rows], np.nan)
        return result

    def primary(self, station: int, column: int) -> tuple[str, tuple[str, ...]]:
        """The rule set and primary pollutant keys of one cell."""
        arrays, row = self.parts[self.part[station, column]], self.row[station, column]
        return arrays.rule_set, tuple(
            key
            for key, marked in zip(arrays.indicators, arrays.primary[row], strict=True)
            if marked
        )

    def snapshot(self, station: int, column: int) -> AqiSnapshot | None:
        if self.part[station, column] < 0:
            return None
        arrays, row = self.parts[self.part[station, column]], self.row[station, column]
        if math.isnan(arrays.aqi[row]):
            return None
        aqi = int(arrays.aqi[row])
        level = aqi_level(aqi)
        return {
            "rule_set": arrays.rule_set,
            "aqi": aqi,
            "level": level.name,
            "level_number": level.number,
            "category": level.category,
            "category_en": level.category_en,
            "colour": level.hex,
            "primary_pollutants": list(self.primary(station, column)[1]),
            "iaqi": {
                key: None if math.isnan(value) else int(value)
                for key, value in zip(arrays.indicators, arrays.iaqi[row], strict=True)
            },
            "publishable": bool(arrays.publishable[row]),
        }


def real_time_aqi(grid: HourlyGrid) -> GridAqi:
    """The real-time AQI of every station and hour, each hour by its date's rule set.

    Moving means need the hours before: a cell near the grid's start has fewer and may
    lack them, so callers start the grid a day before the hours they read. An hour with
    no value of its own is not scored, although 2012 moving means could still give it one:
    a station that has stopped reporting has no real-time AQI.
    """
    stations, hours = len(grid.point_ids), grid.hours
    part = np.full((stations, hours), -1, dtype=np.int64)
    row = np.zeros((stations, hours), dtype=np.int64)
    rule_of_column = [rule_set_for(grid.hour_start(column)) for column in range(hours)]
    parts: list[AqiArrays] = []
    for rule_set in sorted(set(rule_of_column)):
        columns = np.array([c for c in range(hours) if rule_of_column[c] == rule_set])
        inputs = dict(grid.values)
        for key, (pollutant, window) in MOVING_MEANS[rule_set].items():
            inputs[key] = _moving_mean(grid.values[pollutant], window, pollutant)
        scored = aqi_arrays(
            {key: values[:, columns].ravel() for key, values in inputs.items()},
            rule_set=rule_set,
            daily=False,
        )
        part[:, columns] = len(parts)
        row[:, columns] = np.arange(stations * columns.size).reshape(stations, columns.size)
        parts.append(scored)
    reported = np.logical_or.reduce([~np.isnan(values) for values in grid.values.values()])
    part[~reported] = -1
    return GridAqi(tuple(parts), part, row)


def daily_aqi(grid: HourlyGrid, day: date) -> GridAqi:
    """The daily AQI of ``day`` for every station; the grid must also hold the day before
    (the first O3 8 h windows of a 2026 day reach into the evening before)."""
    first = grid.column_of(_day_start(day))
    if first < 24 or first + 24 > grid.hours:
        raise ValueError(f"the grid does not hold {day} and the day before it")
    stations = len(grid.point_ids)
    rule_set = rule_set_for(day)
    both = {key: values[:, first - 24 : first + 24] for key, values in grid.values.items()}
    inputs = {key: daily_means(both[key][:, 24:].ravel(), key) for key in DAILY_POLLUTANTS}
    # Stations' two-day series laid end to end: the only 8 h windows that straddle two
    # stations end in the first hours of a "day before", and those days are dropped.
    limit = ambient_limit("o3", "8h", on=day)
    maxima = daily_max_8h(both["o3"].ravel(), rule_set=rule_set, limit=limit)
    inputs["o3_8h"] = maxima.reshape(stations, 2)[:, 1]
    inputs["o3"] = np.fmax.reduce(both["o3"][:, 24:], axis=1)  # daily max 1 h (2012 only)
    scored = aqi_arrays(inputs, rule_set=rule_set, daily=True)
    return GridAqi(
        (scored,),
        np.zeros((stations, 1), dtype=np.int64),
        np.arange(stations, dtype=np.int64).reshape(stations, 1),
    )


class RealTimeAqi(AqiSnapshot):
    """``time`` is the hour the AQI is published for: the end of the hour measured."""

    time: datetime


class DailyAqi(AqiSnapshot):
    date: date


class StationAqi(TypedDict):
    point_id: int
    mn: str
    name: str
    region_id: int
    latitude: float
    longitude: float
    real_time: RealTimeAqi | None
    daily: DailyAqi | None


def station_aqi(points: QuerySet[MonitoringPoint] | None = None) -> list[StationAqi]:
    """The latest real-time AQI and yesterday's daily AQI of every active air station.

    ``points`` narrows the stations (e.g. ``MonitoringPoint.objects.visible_to(user)``).
    Two queries whatever the number of stations. The real-time AQI is that of the latest
    hour since the day before yesterday with a publishable AQI; None when there is none.
    """
    now = clock.now()
    yesterday = now.astimezone(CHINA_STANDARD_TIME).date() - timedelta(days=1)
    stations = list(
        (points if points is not None else MonitoringPoint.objects.all())
        .filter(kind=PointKind.AIR_STATION, active=True)
        .order_by("name", "pk")
        .values("pk", "mn", "name", "region_id", "latitude", "longitude")
    )
    if not stations:
        return []
    grid = hourly_grid([s["pk"] for s in stations], _day_start(yesterday - timedelta(days=1)), now)
    real_time = real_time_aqi(grid)
    available = ~np.isnan(real_time.publishable_aqi())
    latest = np.where(available, np.arange(grid.hours), -1).max(axis=1)
    daily = daily_aqi(grid, yesterday)
    result: list[StationAqi] = []
    for index, station in enumerate(stations):
        hour = int(latest[index])
        now_snapshot = real_time.snapshot(index, hour) if hour >= 0 else None
        day_snapshot = daily.snapshot(index, 0)
        result.append(
            {
                "point_id": station["pk"],
                "mn": station["mn"],
                "name": station["name"],
                "region_id": station["region_id"],
                "latitude": station["latitude"],
                "longitude": station["longitude"],
                "real_time": None
                if now_snapshot is None
                else {**now_snapshot, "time": grid.hour_start(hour + 1)},
                "daily": None if day_snapshot is None else {**day_snapshot, "date": yesterday},
            }
        )
    return result


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=CHINA_STANDARD_TIME)


def _moving_mean(hourly: NDArray[np.float64], window: int, pollutant: str) -> NDArray[np.float64]:
    """Mean of the ``window`` hours ending at each hour, per station; NaN without enough
    valid hours (GB 3095 Table 4: 6 of 8 for O3, 20 of 24 for the others)."""
    padded = np.concatenate([np.full((hourly.shape[0], window - 1), np.nan), hourly], axis=1)
    windows = sliding_window_view(padded, window, axis=1)
    counts = np.count_nonzero(~np.isnan(windows), axis=2)
    valid = valid_eight_hour_mean(counts) if window == 8 else valid_daily_mean(counts, pollutant)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(valid, np.nansum(windows, axis=2) / counts, np.nan)

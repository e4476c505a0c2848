"""A district's environment from the monitoring data: daily air quality, water sections, uptime.

The readings are the largest table by far (a million rows a year per kind of
station), so the database aggregates them wherever the standards allow, and
what must be hourly is read once per computation and laid on a stations ×
hours grid with numpy. Flagged (HJ 212 invalid) and negative values count as
missing throughout.

Air: daily means of SO2, NO2, CO, PM10 and PM2.5 are sums and counts per
station, pollutant and day (one GROUP BY; 20 valid hours make a daily mean,
GB 3095); O3 is read hourly, with the day before the period, for its daily
maximum 8 h means. A district's daily concentration of each pollutant is the
mean over its stations with a valid value that day (the way a city's is taken
from its stations); its daily AQI is scored from those with
``standards.aqi_arrays`` under the rule set of the day's date (HJ 633-2012
before 2026-03-01, HJ 633-2026 from then).

Water and completeness: one GROUP BY per station and parameter gives each
water section's mean of each GB 3838 item over the period (classified by
single-factor evaluation against its target class) and every station's count
of valid hourly values.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

import numpy as np
from django.db import connection
from django.db.models import Avg, BigIntegerField, Count, Func, QuerySet, Sum
from numpy.typing import NDArray

from ecoledger.assessment.catalogue.base import Period
from ecoledger.monitoring.air_quality import DAILY_POLLUTANTS, POLLUTANT_CODES
from ecoledger.monitoring.alerts.judges import LAKE_KINDS, TO_MG_PER_L, WATER_ITEMS
from ecoledger.monitoring.choices import INVALID_FLAGS, DataType, PointKind
from ecoledger.monitoring.models import MonitoringPoint, Parameter, Reading
from ecoledger.monitoring.standards import (
    ambient_limit,
    aqi_arrays,
    classify_samples,
    daily_max_8h,
    rule_set_for,
    valid_daily_mean,
)
from ecoledger.monitoring.standards.water import WATER_ITEMS as GB3838_ITEMS

DAILY_INPUTS: Final = (*DAILY_POLLUTANTS, "o3_8h", "o3")
"""Daily AQI inputs: 24 h means, O3 daily max 8 h mean, O3 daily max 1 h (2012 only)."""

HOUR_SECONDS: Final = 3600
DAY_SECONDS: Final = 86400
FETCH: Final = 100_000
AIR_KEYS: Final = {code: key for key, code in POLLUTANT_CODES.items()}
"""HJ 212 code → AQI input key of the six pollutants an air station is assessed on."""


@dataclass(frozen=True)
class Station:
    point_id: int
    mn: str
    name: str
    district_id: int
    kind: str
    active: bool
    target_class: int | None = None
    lake: bool = False


def _stations(kind: str) -> tuple[Station, ...]:
    rows = MonitoringPoint.objects.filter(kind=kind, region__district__isnull=False).order_by(
        "pk").values_list("pk", "mn", "name", "region__district_id", "kind", "active",
                          "target_class", "water_body__kind")
    return tuple(Station(*row[:7], lake=row[7] in LAKE_KINDS) for row in rows)


class EpochSeconds(Func):
    """A time as whole seconds since 1970 (UTC), computed by the database, so that hours and
    days are integer arithmetic there and no time is converted row by row in Python."""

    output_field = BigIntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection,
                           template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection,
                           template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)", **extra)


def _valid(stations: Sequence[Station], parameters: Sequence[int], start: datetime,
           end: datetime) -> QuerySet[Reading]:
    return Reading.objects.filter(
        point_id__in=[s.point_id for s in stations], parameter_id__in=list(parameters),
        data_type=DataType.HOUR, observed_at__gte=start, observed_at__lt=end, value__gte=0,
    ).exclude(flag__in=sorted(INVALID_FLAGS)).order_by()


def _parameters(codes: Sequence[str]) -> dict[int, str]:
    return dict(Parameter.objects.filter(code__in=list(codes)).values_list("pk", "code"))


def _rows(queryset: QuerySet[Any]) -> Iterator[tuple[NDArray[Any], ...]]:
    """A values_list queryset of numbers, in column arrays per batch.

    Read through a plain cursor over the ORM's own query: every column is
    already a number, and the queryset's per-row converters would cost more
    than the numbers themselves.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(FETCH):
            yield tuple(np.array(column) for column in zip(*chunk, strict=True))


def daily_sums(stations: Sequence[Station], codes: Mapping[str, str], period: Period,
               ) -> dict[str, tuple[NDArray[np.float64], NDArray[np.int64]]]:
    """``{key: (sums, counts)}`` of the valid hourly values per station and day (S × days)."""
    keys = sorted(set(codes.values()))
    sums = np.zeros((len(keys), len(stations), period.days))
    counts = np.zeros((len(keys), len(stations), period.days), dtype=np.int64)
    parameters = _parameters(list(codes))
    if stations and parameters:
        points = np.array([s.point_id for s in stations])
        key_of = {pk: keys.index(codes[code]) for pk, code in parameters.items()}
        day = (EpochSeconds("observed_at") - int(period.start_at.timestamp())) / DAY_SECONDS
        grouped = _valid(stations, list(parameters), period.start_at, period.end_at).values(
            "point_id", "parameter_id", day=day).annotate(total=Sum("value"), n=Count("pk")
                                                          ).values_list(
            "point_id", "parameter_id", "day", "total", "n")
        for point, parameter, column, total, n in _rows(grouped):
            key = np.array([key_of[int(pk)] for pk in parameter], dtype=np.intp)
            cell = (key, np.searchsorted(points, point), column.astype(np.intp))
            sums[cell], counts[cell] = total, n
    return {key: (sums[i], counts[i]) for i, key in enumerate(keys)}


def hourly(stations: Sequence[Station], code: str, start: datetime,
           hours: int) -> NDArray[np.float64]:
    """One parameter's valid hourly values per station from ``start`` (S × hours, NaN where
    missing)."""
    grid = np.full((len(stations), hours), np.nan)
    parameters = _parameters([code])
    if stations and parameters:
        points = np.array([s.point_id for s in stations])
        origin = int(start.timestamp())
        rows = _valid(stations, list(parameters), start, start + timedelta(hours=hours)
                      ).values_list("point_id", EpochSeconds("observed_at"), "value")
        for point, seconds, value in _rows(rows):
            grid[np.searchsorted(points, point), (seconds.astype(np.int64) - origin)
                 // HOUR_SECONDS] = value
    return grid


@dataclass(frozen=True)
class AirYear:
    """Daily air quality of a period: per station (S × days) and per district (D × days)."""

    period: Period
    stations: tuple[Station, ...]
    station_daily: dict[str, NDArray[np.float64]]
    district_ids: tuple[int, ...]
    district_daily: dict[str, NDArray[np.float64]]
    aqi: NDArray[np.float64]

    def row(self, district_id: int) -> int | None:
        return self.district_ids.index(district_id) if district_id in self.district_ids else None

    def day(self, column: int) -> date:
        return self.period.start + timedelta(days=column)

    def stations_of(self, district_id: int) -> list[int]:
        return [i for i, s in enumerate(self.stations) if s.district_id == district_id]

    def fingerprint(self, district_id: int) -> str:
        """SHA-256 of the district's stations and every daily value they gave."""
        digest = hashlib.sha256()
        for index in self.stations_of(district_id):
            digest.update(str(self.stations[index].point_id).encode())
            for key in DAILY_INPUTS:
                digest.update(np.ascontiguousarray(self.station_daily[key][index]).tobytes())
        return digest.hexdigest()


def air_year(period: Period) -> AirYear:
    stations = _stations(PointKind.AIR_STATION)
    days, count = period.days, len(stations)
    daily: dict[str, NDArray[np.float64]] = {}
    sums = daily_sums(stations, {c: k for c, k in AIR_KEYS.items() if k != "o3"}, period)
    for key, (total, hours) in sums.items():
        with np.errstate(invalid="ignore", divide="ignore"):
            daily[key] = np.where(valid_daily_mean(hours, key), total / hours, np.nan)
    ozone = hourly(stations, POLLUTANT_CODES["o3"], period.start_at - timedelta(days=1),
                   (days + 1) * 24)
    daily["o3_8h"] = np.full((count, days), np.nan)
    segments = _segments(period)
    for (rule_set, limit), columns in segments.items():
        maxima = daily_max_8h(ozone.ravel(), rule_set=rule_set, limit=limit)
        daily["o3_8h"][:, columns] = maxima.reshape(count, days + 1)[:, 1:][:, columns]
    ozone_hours = ozone[:, 24:].reshape(count, days, 24)
    with np.errstate(invalid="ignore"):
        daily["o3"] = np.where(np.isnan(ozone_hours).all(axis=2), np.nan,
                               np.fmax.reduce(ozone_hours, axis=2))
    district_ids = tuple(sorted({s.district_id for s in stations}))
    member = np.array([[s.district_id == d for s in stations] for d in district_ids],
                      dtype=np.float64).reshape(len(district_ids), count)
    by_district = {key: _member_mean(member, values) for key, values in daily.items()}
    aqi = np.full((len(district_ids), days), np.nan)
    for (rule_set, _limit), columns in segments.items() if district_ids else ():
        inputs = {key: values[:, columns].ravel() for key, values in by_district.items()}
        scored = aqi_arrays(inputs, rule_set=rule_set, daily=True)
        publishable = np.where(scored.publishable, scored.aqi, np.nan)
        aqi[:, columns] = publishable.reshape(len(district_ids), len(columns))
    return AirYear(period, stations, daily, district_ids, by_district, aqi)


def _segments(period: Period) -> dict[tuple[str, float], list[int]]:
    """Day columns by (AQI rule set, O3 8 h limit) in force: both change on 2026-03-01."""
    segments: dict[tuple[str, float], list[int]] = {}
    for column in range(period.days):
        day = period.start + timedelta(days=column)
        key = (rule_set_for(day), ambient_limit("o3", "8h", on=day))
        segments.setdefault(key, []).append(column)
    return segments


def _member_mean(member: NDArray[np.float64], values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Mean over each district's stations of the values they have (NaN where none has one)."""
    present = ~np.isnan(values)
    sums = member @ np.where(present, values, 0.0)
    counts = member @ present.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)


@dataclass(frozen=True)
class StationCounts:
    """Valid hourly values of every ambient station over a period, per parameter."""

    stations: tuple[Station, ...]
    counts: dict[tuple[int, str], int]
    means: dict[tuple[int, str], float]


def station_counts(period: Period) -> StationCounts:
    """One GROUP BY over the air stations' and water sections' valid hourly values."""
    stations = _stations(PointKind.AIR_STATION) + _stations(PointKind.WATER_SECTION)
    parameters = _parameters([*AIR_KEYS, *WATER_ITEMS])
    counts: dict[tuple[int, str], int] = {}
    means: dict[tuple[int, str], float] = {}
    grouped = _valid(stations, list(parameters), period.start_at, period.end_at).values(
        "point_id", "parameter_id").annotate(mean=Avg("value"), n=Count("pk")).values_list(
        "point_id", "parameter_id", "mean", "n")
    for point, parameter, mean, n in grouped:
        counts[(point, parameters[parameter])] = n
        means[(point, parameters[parameter])] = mean
    return StationCounts(stations, counts, means)


@dataclass(frozen=True)
class SectionResult:
    station: Station
    means: dict[str, float]
    readings: int
    section_class: int
    deciding: tuple[str, ...]

    @property
    def target_class(self) -> int:
        return self.station.target_class or 0

    @property
    def assessed(self) -> bool:
        return self.section_class > 0 and self.target_class > 0

    @property
    def meets(self) -> bool:
        return self.assessed and self.section_class <= self.target_class


def water_sections(counted: StationCounts) -> list[SectionResult]:
    """Every water section with the period's mean of each item and the class they make."""
    units = dict(Parameter.objects.filter(code__in=list(WATER_ITEMS)).values_list("code", "unit"))
    results = []
    for station in counted.stations:
        if station.kind != PointKind.WATER_SECTION:
            continue
        means = {WATER_ITEMS[code]: counted.means[(station.point_id, code)]
                 * TO_MG_PER_L[units[code]]
                 for code in WATER_ITEMS if (station.point_id, code) in counted.means
                 and units.get(code) in TO_MG_PER_L}
        readings = sum(n for (point, _code), n in counted.counts.items()
                       if point == station.point_id)
        results.append(_classified(station, means, readings))
    return results


def _classified(station: Station, means: dict[str, float], readings: int) -> SectionResult:
    routine = {key: [value] for key, value in means.items() if GB3838_ITEMS[key].routine}
    section_class, deciding = 0, ()
    if routine:
        classes = classify_samples(routine, water_body="lake" if station.lake else "river")
        section_class, deciding = int(classes.section[0]), classes.worst_items(0)
    return SectionResult(station, means, readings, section_class, deciding)


@dataclass(frozen=True)
class Uptime:
    station: Station
    values: int
    expected: int


def uptime(counted: StationCounts, period: Period) -> list[Uptime]:
    """Valid hourly values of each active station against one an hour for each parameter it
    is assessed on: the six AQI pollutants at an air station, at a water section the GB 3838
    items it reported at all in the period (none reported: one expected, so a dark section
    scores nought)."""
    hours = period.days * 24
    rows = []
    for station in counted.stations:
        if not station.active:
            continue
        codes = AIR_KEYS if station.kind == PointKind.AIR_STATION else [
            code for code in WATER_ITEMS if (station.point_id, code) in counted.counts]
        values = sum(counted.counts.get((station.point_id, code), 0) for code in codes)
        rows.append(Uptime(station, values, hours * max(1, len(codes))))
    return rows

"""Data validity (GB 3095 Table 4) and period evaluation (HJ 663), standards.md §1.6, §2.3, §2.4.

Hourly series are one-dimensional, one value per hour from 00:00 of the first day, NaN
where the hour is missing or invalid: element ``24·d + h`` is the mean of hour h → h+1 of
day d (published as (h+1):00).

Statistics compared with a limit are computed exactly on the decimals the values were
written as (``fractions``), then rounded once, so a percentile that equals a limit is not
pushed over it by binary rounding.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import Final, TypeVar

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from ecoledger.monitoring.standards.air_limits import ambient_limit, ambient_limit_set_for

_T = TypeVar("_T")

HOURLY_MEAN_MINIMUM_MINUTES: Final = 45
"""SO2, NO2, CO, O3, NOx: an hourly mean needs at least 45 minutes of sampling."""

DAILY_MEAN_MINIMUM_HOURS: Final[Mapping[str, int]] = MappingProxyType(
    # TSP, BaP and Pb are sampled for 24 h; the others need 20 hourly means.
    {"so2": 20, "no2": 20, "co": 20, "pm10": 20, "pm25": 20, "nox": 20, "tsp": 24, "bap": 24,
     "pb": 24}
)  # fmt: skip

EIGHT_HOUR_MINIMUM_HOURS: Final = 6
DAILY_MAX_8H_MINIMUM_WINDOWS: Final = 14
"""HJ 663 §6.1.2: with fewer valid 8 h means the daily max counts only above the limit."""

DAILY_MAX_8H_FIRST_WINDOW_END: Final[Mapping[str, int]] = MappingProxyType({"2012": 7, "2026": 0})
"""Hour index of the day whose 8 h window is the first one in the daily max.

2012: the 17 windows ending 08:00 … 24:00, all inside the day. 2026: "the largest 8 h
moving average in the natural day", read as the 24 windows ending at each hour of the
day, the early ones reaching into the previous evening.
"""


@dataclass(frozen=True)
class PeriodMinimum:
    """Fewest daily means for a period mean: over the period, in each month, in February."""

    per_period: int
    per_month: int
    february: int


ANNUAL_MEAN_MINIMUM: Final[Mapping[str, PeriodMinimum]] = MappingProxyType(
    {
        **dict.fromkeys(("so2", "no2", "pm10", "pm25", "nox"), PeriodMinimum(324, 27, 25)),
        # TSP, BaP and Pb also need the days "evenly spread", which counts cannot show.
        **dict.fromkeys(("tsp", "bap", "pb"), PeriodMinimum(60, 5, 5)),
    }
)
QUARTERLY_MEAN_MINIMUM: Final[Mapping[str, PeriodMinimum]] = MappingProxyType(
    {"pb": PeriodMinimum(15, 5, 5)}
)


def valid_hourly_mean(sampling_minutes: ArrayLike) -> NDArray[np.bool_]:
    return np.asarray(sampling_minutes) >= HOURLY_MEAN_MINIMUM_MINUTES


def valid_daily_mean(hours: ArrayLike, pollutant: str) -> NDArray[np.bool_]:
    """Whether ``hours`` valid hourly means (or hours of sampling) make a daily mean."""
    return np.asarray(hours) >= _lookup(DAILY_MEAN_MINIMUM_HOURS, pollutant, "daily mean")


def valid_eight_hour_mean(hours: ArrayLike) -> NDArray[np.bool_]:
    return np.asarray(hours) >= EIGHT_HOUR_MINIMUM_HOURS


def valid_period_mean(days_per_month: Mapping[int, int], pollutant: str, *, annual: bool) -> bool:
    """Whether the daily means counted per month (1–12) make an annual or quarterly mean.

    A month of the period absent from ``days_per_month`` has no daily mean.
    """
    table = ANNUAL_MEAN_MINIMUM if annual else QUARTERLY_MEAN_MINIMUM
    minimum = _lookup(table, pollutant, "annual mean" if annual else "quarterly mean")
    months = range(1, 13) if annual else sorted(days_per_month)
    return sum(days_per_month.values()) >= minimum.per_period and all(
        days_per_month.get(month, 0) >= (minimum.february if month == 2 else minimum.per_month)
        for month in months
    )


def daily_means(hourly: ArrayLike, pollutant: str) -> NDArray[np.float64]:
    """Daily means of a whole-day hourly series; NaN for a day without enough hours."""
    days = np.asarray(hourly, dtype=np.float64).reshape(-1, 24)
    counts = np.count_nonzero(~np.isnan(days), axis=1)
    sums = np.nansum(days, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(valid_daily_mean(counts, pollutant), sums / counts, np.nan)


def eight_hour_means(hourly: ArrayLike) -> NDArray[np.float64]:
    """O3 8 h moving means: at hour t the mean of t−7 … t, NaN with fewer than 6 valid."""
    values = np.asarray(hourly, dtype=np.float64)
    windows = sliding_window_view(np.concatenate([np.full(7, np.nan), values]), 8)
    counts = np.count_nonzero(~np.isnan(windows), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.nansum(windows, axis=1) / counts
    return np.where(valid_eight_hour_mean(counts), means, np.nan)


def daily_max_8h(hourly: ArrayLike, *, rule_set: str, limit: float = 160.0) -> NDArray[np.float64]:
    """O3 daily maximum 8 h mean of each whole day of ``hourly`` (see the window note above).

    With fewer than 14 valid 8 h means the maximum is kept only when above ``limit``
    (the grade-II O3 8 h limit by default), otherwise NaN.
    """
    first = _lookup(DAILY_MAX_8H_FIRST_WINDOW_END, rule_set, "O3 daily max 8 h rule")
    windows = eight_hour_means(hourly).reshape(-1, 24)[:, first:]
    counts = np.count_nonzero(~np.isnan(windows), axis=1)
    maxima = np.fmax.reduce(windows, axis=1)
    with np.errstate(invalid="ignore"):
        counted = (counts >= DAILY_MAX_8H_MINIMUM_WINDOWS) | (maxima > limit)
    return np.where(counted, maxima, np.nan)


def hj663_percentile(values: ArrayLike, percent: int) -> float:
    """The HJ 663 percentile of the non-missing values; NaN when there are none.

    Sort ascending X(1) … X(n); k = 1 + (n − 1)·p/100, s its integer part;
    m = X(s) + (X(s+1) − X(s))·(k − s). This is numpy's "linear" method, computed here
    in exact arithmetic on the values' decimals.
    """
    ordered = np.sort(_present(values))
    if ordered.size == 0:
        return math.nan
    k = 1 + Fraction((ordered.size - 1) * percent, 100)
    s = math.floor(k)
    low = _decimal(ordered[s - 1])
    if s == ordered.size:
        return float(low)
    return float(low + (_decimal(ordered[s]) - low) * (k - s))


def exact_mean(values: ArrayLike) -> float:
    """Mean of the non-missing values, exact on their decimals; NaN when there are none."""
    present = _present(values)
    if present.size == 0:
        return math.nan
    return float(sum(map(_decimal, present), Fraction(0)) / present.size)


@dataclass(frozen=True)
class GoodDays:
    """优良天数: days with a daily AQI ≤ 100 out of the days with an AQI."""

    valid_days: int
    good_days: int

    @property
    def ratio_percent(self) -> float:
        return math.nan if self.valid_days == 0 else 100 * self.good_days / self.valid_days


def good_days(daily_aqi: ArrayLike) -> GoodDays:
    aqi = np.asarray(daily_aqi, dtype=np.float64)
    return GoodDays(
        valid_days=int(np.count_nonzero(~np.isnan(aqi))),
        good_days=int(np.count_nonzero(aqi <= 100)),
    )


@dataclass(frozen=True)
class PeriodStatistic:
    """One HJ 663 statistic: the mean or a percentile of a daily series, and its limit."""

    key: str
    pollutant: str
    averaging: str
    percent: int | None


PERIOD_STATISTICS: Final = (
    PeriodStatistic("so2", "so2", "annual", None),
    PeriodStatistic("so2", "so2", "24h", 98),
    PeriodStatistic("no2", "no2", "annual", None),
    PeriodStatistic("no2", "no2", "24h", 98),
    PeriodStatistic("pm10", "pm10", "annual", None),
    PeriodStatistic("pm10", "pm10", "24h", 95),
    PeriodStatistic("pm25", "pm25", "annual", None),
    PeriodStatistic("pm25", "pm25", "24h", 95),
    PeriodStatistic("co", "co", "24h", 95),
    PeriodStatistic("o3_8h", "o3", "8h", 90),
)
"""The daily series is keyed as in the daily AQI (``o3_8h``: O3 daily max 8 h)."""


@dataclass(frozen=True)
class StatisticResult:
    statistic: PeriodStatistic
    value: float
    limit: float
    meets: bool
    valid: bool | None
    """Data validity of a mean (GB 3095 Table 4) when dates were given; else None."""


@dataclass(frozen=True)
class PeriodEvaluation:
    limit_set: str
    statistics: tuple[StatisticResult, ...]

    @property
    def meets(self) -> bool:
        """Compliance needs every statistic at or below its limit, and a valid mean."""
        return all(result.meets and result.valid is not False for result in self.statistics)


def period_evaluation(
    daily: Mapping[str, ArrayLike],
    *,
    on: date,
    grade: int = 2,
    dates: ArrayLike | None = None,
) -> PeriodEvaluation:
    """HJ 663 evaluation of daily series (a year, or a shorter period evaluated alike).

    ``on`` picks the GB 3095 limits (the last day of the period, usually). With ``dates``
    (one per daily value, datetime64[D] or date), each annual mean is also checked
    against the annual data-validity rule. Keys absent from ``daily`` are not evaluated.
    """
    limit_set = ambient_limit_set_for(on)
    month_of_day = None if dates is None else _months(dates)
    results = []
    for statistic in PERIOD_STATISTICS:
        if statistic.key not in daily:
            continue
        values = np.asarray(daily[statistic.key], dtype=np.float64)
        if statistic.percent is None:
            value = exact_mean(values)
            valid = None
            if month_of_day is not None and statistic.pollutant in ANNUAL_MEAN_MINIMUM:
                counted = month_of_day[~np.isnan(values)]
                months, counts = np.unique(counted, return_counts=True)
                per_month = dict(zip(months.tolist(), counts.tolist(), strict=True))
                valid = valid_period_mean(per_month, statistic.pollutant, annual=True)
        else:
            value = hj663_percentile(values, statistic.percent)
            valid = None
        limit = ambient_limit(statistic.pollutant, statistic.averaging, on=on, grade=grade)
        results.append(StatisticResult(statistic, value, limit, value <= limit, valid))
    return PeriodEvaluation(limit_set.name, tuple(results))


def _months(dates: ArrayLike) -> NDArray[np.int64]:
    days = np.asarray(dates, dtype="datetime64[D]")
    return (days.astype("datetime64[M]").astype(np.int64) % 12 + 1).astype(np.int64)


def _present(values: ArrayLike) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64).ravel()
    return array[~np.isnan(array)]


def _decimal(value: np.float64) -> Fraction:
    return Fraction(float.__repr__(float(value)))


def _lookup(table: Mapping[str, _T], key: str, what: str) -> _T:
    try:
        return table[key]
    except KeyError:
        raise ValueError(f"no {what} rule for {key!r}; known: {sorted(table)}") from None

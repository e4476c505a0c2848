"""Air Quality Index by HJ 633-2012 and HJ 633-2026, over numpy arrays (standards.md §1).

The sub-index is exact, with no floating-point snapping. Every band of every column
spans 50 or 100 IAQI, so the concentration at which the linear formula reaches an
integer J is a decimal with at most two places. "ceil(IAQI(C))" is therefore the
smallest J whose threshold concentration is ≥ C, which ``searchsorted`` finds in a
table of those thresholds built once from the breakpoints. Comparing the double of an
input with the double of a short decimal threshold is the same as comparing the
decimals themselves, so CO 2.2 mg/m³ gives 55, not the 56 of float-then-ceil.

For speed, that search is also done once for every concentration on a 0.01 grid (after
the rule set's GB/T 8170 rounding), into a lookup table. A value whose decimal has at
most two places (``rint(100·x) / 100 == x`` holds exactly for those alone) is scored by
indexing that table; any other value, a missing one or one above the table goes the
direct way. Both ways give the same result by construction.

Inputs are arrays keyed as :data:`~.aqi_tables.INPUT_KEYS`, NaN for a missing value.
Negative or infinite concentrations are refused with ``ValueError``: neither standard
gives them a meaning, and a zero-drift reading must be invalidated upstream, not scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from functools import cache
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecoledger.monitoring.standards.aqi_tables import (
    AQI_LEVELS,
    IAQI_STEPS,
    INPUT_KEYS,
    RULE_SETS,
    AqiLevel,
    Indicator,
    RuleSet,
)
from ecoledger.monitoring.standards.rounding import round_half_even_array

CHINA_STANDARD_TIME: Final = timezone(timedelta(hours=8))
"""Data dates are local dates in China (no daylight saving since 1991)."""

PRIMARY_ABOVE: Final = 50
"""A primary pollutant is named only when the AQI is above 50 (§1.4)."""

EXCEEDING_ABOVE: Final = 100
"""IAQI above 100: 超标污染物 in 2012; an alert flag only in 2026."""

_LEVEL_UPPERS: Final = np.array([level.upper for level in AQI_LEVELS if level.upper is not None])

_GRID: Final = 100
"""Lookup-table steps per unit: 0.01 µg/m³ (0.01 mg/m³ for CO)."""


def rule_set_for(on: date) -> str:
    """The HJ 633 rule set of data dated ``on``: "2012" before 2026-03-01, "2026" from then.

    An aware datetime is taken at its China Standard Time date; a naive one as local.
    """
    if isinstance(on, datetime):
        on = (on.astimezone(CHINA_STANDARD_TIME) if on.tzinfo else on).date()
    in_force = [rules for rules in RULE_SETS.values() if rules.in_force_from <= on]
    return max(in_force, key=lambda rules: rules.in_force_from).name


def get_rule_set(name: str) -> RuleSet:
    """The rule set called ``name`` ("2012" or "2026")."""
    try:
        return RULE_SETS[name]
    except KeyError:
        raise ValueError(
            f"unknown AQI rule set {name!r}; expected one of {sorted(RULE_SETS)}"
        ) from None


def aqi_level(aqi: int) -> AqiLevel:
    """The level (一级…六级), category and colour of an AQI value."""
    return AQI_LEVELS[int(np.searchsorted(_LEVEL_UPPERS, aqi, side="left"))]


@dataclass(frozen=True)
class AqiArrays:
    """AQI of n samples under one rule set and report type.

    ``iaqi`` has one column per indicator, in ``indicators`` order; NaN where the
    indicator has no sub-index. ``aqi`` is NaN where no indicator has one. ``level`` is
    1–6, or 0 with no AQI. ``complete`` is True where every indicator's input was given;
    ``publishable`` applies HJ 633-2026 §5.3 (an incomplete AQI is published only above
    100) and is simply "has an AQI" under 2012, which has no such rule.
    """

    rule_set: str
    daily: bool
    indicators: tuple[str, ...]
    iaqi: NDArray[np.float64]
    aqi: NDArray[np.float64]
    level: NDArray[np.int8]
    primary: NDArray[np.bool_]
    above_100: NDArray[np.bool_]
    complete: NDArray[np.bool_]
    publishable: NDArray[np.bool_]

    def iaqi_of(self, key: str) -> NDArray[np.float64]:
        return self.iaqi[:, self.indicators.index(key)]


def aqi_arrays(values: Mapping[str, ArrayLike], *, rule_set: str, daily: bool) -> AqiArrays:
    """AQI, sub-indices, level and primary pollutants of arrays of concentrations.

    Steps: check the keys and values; score every indicator (rounding its concentration
    by GB/T 8170 first where the rule set says so, and applying its above-the-top rule);
    take the maximum; mark the primary pollutants (all indicators tied at the maximum,
    AQI above 50).
    Keys the rule set does not use for this report type are accepted and ignored.
    """
    rules = get_rule_set(rule_set)
    concentrations = _checked(values)
    size = next(iter(concentrations.values())).shape[0]
    indicators = rules.indicators(daily=daily)
    # One contiguous row per indicator while scoring; exposed transposed, (n, k).
    by_indicator = np.empty((len(indicators), size))
    complete = np.ones(size, dtype=np.bool_)
    for position, indicator in enumerate(indicators):
        by_indicator[position] = _indicator_iaqi(indicator, concentrations, rules, size)
        given = concentrations.get(indicator.key)
        if given is None:
            complete[:] = False
        else:
            complete &= ~np.isnan(given)
    aqi = np.fmax.reduce(by_indicator, axis=0)
    has_aqi = ~np.isnan(aqi)
    level = np.where(has_aqi, np.searchsorted(_LEVEL_UPPERS, aqi, side="left") + 1, 0)
    publishable = has_aqi
    if rules.incomplete_publish_above is not None:
        publishable = has_aqi & (complete | (aqi > rules.incomplete_publish_above))
    iaqi = by_indicator.T
    with np.errstate(invalid="ignore"):
        primary = (iaqi == aqi[:, np.newaxis]) & (aqi > PRIMARY_ABOVE)[:, np.newaxis]
        above_100 = iaqi > EXCEEDING_ABOVE
    return AqiArrays(
        rule_set=rules.name,
        daily=daily,
        indicators=tuple(indicator.key for indicator in indicators),
        iaqi=iaqi,
        aqi=aqi,
        level=level.astype(np.int8),
        primary=primary,
        above_100=above_100,
        complete=complete,
        publishable=publishable,
    )


def unused_keys(keys: set[str], *, rule_set: str, daily: bool) -> set[str]:
    """Keys the rule set does not score for this report type (e.g. ``o3`` in 2026 daily)."""
    used: set[str] = set()
    for indicator in get_rule_set(rule_set).indicators(daily=daily):
        fallback: Indicator | None = indicator
        while fallback is not None:
            used.add(fallback.key)
            fallback = fallback.fallback
    return keys - used


@cache
def _thresholds(rule_set: str, column: str) -> NDArray[np.float64]:
    """Concentration at which each integer IAQI 0, 1, … of ``column`` is reached.

    Built exactly from the breakpoints: the threshold of J in the band (BP_Lo, BP_Hi] is
    BP_Lo + (J − IAQI_Lo)·(BP_Hi − BP_Lo)/(IAQI_Hi − IAQI_Lo), as a rational, rounded once.
    """
    breakpoints = get_rule_set(rule_set).columns[column]
    thresholds: list[float] = []
    for index in range(1, len(breakpoints)):
        bp_lo, bp_hi = breakpoints[index - 1], breakpoints[index]
        iaqi_lo, iaqi_hi = IAQI_STEPS[index - 1], IAQI_STEPS[index]
        first = iaqi_lo if index == 1 else iaqi_lo + 1
        for target in range(first, iaqi_hi + 1):
            exact = bp_lo + Fraction(target - iaqi_lo) * (bp_hi - bp_lo) / (iaqi_hi - iaqi_lo)
            _require_terminating(exact, column)
            thresholds.append(float(exact))
    result = np.array(thresholds)
    result.setflags(write=False)
    return result


def _require_terminating(value: Fraction, column: str) -> None:
    """The exactness argument needs thresholds that are finite decimals; check the tables."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        raise ValueError(f"column {column}: threshold {value} is not a finite decimal")


@cache
def _grid_table(rule_set: str, column: str, decimals: int | None) -> NDArray[np.int16]:
    """IAQI of every concentration 0, 0.01, 0.02, … up to the column's top, after the
    rule set's rounding; the direct search, done once. int16 keeps the largest table
    (NO2 1 h, 384,001 steps) at 750 kB, and indexing it fast."""
    top = get_rule_set(rule_set).columns[column][-1]
    grid = np.arange(top * _GRID + 1) / _GRID
    if decimals is not None:
        grid = round_half_even_array(grid, decimals)
    table = np.searchsorted(_thresholds(rule_set, column), grid, side="left").astype(np.int16)
    table.setflags(write=False)
    return table


def _score(
    values: NDArray[np.float64], rules: RuleSet, column: str, decimals: int | None
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Sub-indices of ``values`` on ``column`` (NaN where missing or above the top), and
    the mask of values above the top breakpoint."""
    table = _grid_table(rules.name, column, decimals)
    hundredths = np.rint(values * _GRID)
    in_table = (hundredths / _GRID == values) & (hundredths < table.size)
    scored = table.take(np.where(in_table, hundredths, 0).astype(np.intp)).astype(np.float64)
    over_top = np.zeros(values.shape, dtype=np.bool_)
    rest = np.flatnonzero(~in_table)
    if rest.size:
        direct = values[rest] if decimals is None else round_half_even_array(values[rest], decimals)
        thresholds = _thresholds(rules.name, column)
        direct_scored = np.searchsorted(thresholds, direct, side="left").astype(np.float64)
        direct_over = direct > thresholds[-1]
        direct_scored[np.isnan(direct) | direct_over] = np.nan
        scored[rest] = direct_scored
        over_top[rest] = direct_over
    return scored, over_top


def _indicator_iaqi(
    indicator: Indicator,
    concentrations: Mapping[str, NDArray[np.float64]],
    rules: RuleSet,
    size: int,
) -> NDArray[np.float64]:
    values = concentrations.get(indicator.key)
    if values is None:
        return np.full(size, np.nan)
    scored, over_top = _score(values, rules, indicator.column, rules.decimals.get(indicator.key))
    if not over_top.any():
        return scored
    if indicator.fallback is not None:
        replacement = _indicator_iaqi(indicator.fallback, concentrations, rules, size)
    else:
        replacement = np.full(size, np.nan if indicator.over_top is None else indicator.over_top)
    return np.where(over_top, replacement, scored)


def _checked(values: Mapping[str, ArrayLike]) -> dict[str, NDArray[np.float64]]:
    unknown = set(values) - set(INPUT_KEYS)
    if unknown:
        raise ValueError(
            f"unknown AQI input {sorted(unknown)}; expected keys of {list(INPUT_KEYS)}"
        )
    if not values:
        raise ValueError("no concentrations given")
    keys = list(values)
    arrays = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(values[key], dtype=np.float64)) for key in keys)
    )
    if arrays[0].ndim != 1:
        raise ValueError(f"concentrations must be one-dimensional, got shape {arrays[0].shape}")
    for key, array in zip(keys, arrays, strict=True):
        # fmin/fmax skip NaN (all-NaN gives NaN, which compares False): two reductions
        # instead of a mask while all is well.
        if array.size and (np.fmin.reduce(array) < 0 or np.fmax.reduce(array) == np.inf):
            bad = np.flatnonzero((array < 0) | np.isinf(array))[0]
            raise ValueError(
                f"{key}: concentration {array[bad]} at index {bad} is negative or infinite"
            )
    return dict(zip(keys, arrays, strict=True))

"""One sample's AQI: a typed result and the JSON report the ``ecoledger aqi`` command prints.

Both go through :func:`~.aqi.aqi_arrays` with arrays of one element, so a single value
and a million values are scored by the same code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from ecoledger.monitoring.standards.aqi import (
    CHINA_STANDARD_TIME,
    aqi_arrays,
    aqi_level,
    get_rule_set,
    rule_set_for,
    unused_keys,
)
from ecoledger.monitoring.standards.aqi_tables import AqiLevel


@dataclass(frozen=True)
class AqiResult:
    """The AQI of one sample; ``exceeding_pollutants`` is None where the rule set has none."""

    rule_set: str
    daily: bool
    aqi: int | None
    iaqi: Mapping[str, int | None]
    primary_pollutants: tuple[str, ...]
    exceeding_pollutants: tuple[str, ...] | None
    level: AqiLevel | None
    complete: bool
    publishable: bool


def compute_aqi(values: Mapping[str, float | None], *, rule_set: str, daily: bool) -> AqiResult:
    """AQI of one sample; None or NaN marks a missing concentration (see ``aqi_arrays``)."""
    arrays = aqi_arrays(
        {key: np.nan if value is None else value for key, value in values.items()},
        rule_set=rule_set,
        daily=daily,
    )
    aqi = _integer(arrays.aqi[0])
    return AqiResult(
        rule_set=arrays.rule_set,
        daily=daily,
        aqi=aqi,
        iaqi={key: _integer(arrays.iaqi[0, i]) for i, key in enumerate(arrays.indicators)},
        primary_pollutants=_marked(arrays.indicators, arrays.primary[0]),
        exceeding_pollutants=(
            _marked(arrays.indicators, arrays.above_100[0])
            if get_rule_set(arrays.rule_set).reports_exceeding
            else None
        ),
        level=None if aqi is None else aqi_level(aqi),
        complete=bool(arrays.complete[0]),
        publishable=bool(arrays.publishable[0]),
    )


def aqi_report(
    values: dict[str, float],
    *,
    daily: bool = False,
    on: date | None = None,
    rule_set: str | None = None,
) -> dict[str, Any]:
    """The JSON-serialisable AQI report of one sample.

    Accepted keys (µg/m³, CO in mg/m³) are those of ``INPUT_KEYS``: ``pm25``, ``pm10``,
    ``so2``, ``no2``, ``co``, ``o3_8h``, ``o3`` (O3 1 h) and ``so2_24h`` (2012 real-time
    SO2 above 800). ``daily`` chooses the daily report, otherwise the real-time one.
    The rule set is ``rule_set`` when given, else the one in force on ``on``, else today's
    (China Standard Time). ``ignored`` lists keys the rule set does not score in this
    report (``o3`` in a 2026 daily report); ``missing`` lists indicators given no value.
    """
    name = rule_set or rule_set_for(on or datetime.now(CHINA_STANDARD_TIME).date())
    result = compute_aqi(values, rule_set=name, daily=daily)
    level = result.level
    return {
        "rule_set": result.rule_set,
        "standard": get_rule_set(result.rule_set).standard,
        "report": "daily" if daily else "real-time",
        "date": None if on is None else on.isoformat(),
        "aqi": result.aqi,
        "aqi_publishable": result.publishable,
        "iaqi": dict(result.iaqi),
        "primary_pollutants": list(result.primary_pollutants),
        "exceeding_pollutants": (
            None if result.exceeding_pollutants is None else list(result.exceeding_pollutants)
        ),
        "level": None if level is None else level.name,
        "level_number": None if level is None else level.number,
        "category": None if level is None else level.category,
        "category_en": None if level is None else level.category_en,
        "colour": None
        if level is None
        else {
            "name": level.colour,
            "name_en": level.colour_en,
            "hex": level.hex,
            "rgb": list(level.rgb),
            "cmyk": list(level.cmyk),
        },
        "missing": [key for key in result.iaqi if _is_missing(values.get(key))],
        "ignored": sorted(unused_keys(set(values), rule_set=result.rule_set, daily=daily)),
    }


def _is_missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def _integer(value: float) -> int | None:
    return None if math.isnan(value) else int(value)


def _marked(indicators: tuple[str, ...], mask: np.ndarray[Any, Any]) -> tuple[str, ...]:
    return tuple(key for key, marked in zip(indicators, mask, strict=True) if marked)

"""A straightforward per-value AQI, to check the vectorised kernel against.

It reads the same tables (breakpoints and the rule-set rows) but none of the kernel's
machinery: it scans for the band, applies the HJ 633 formula in decimal arithmetic on the
value as written, and takes the ceiling. With 60 significant digits the one inexact step,
the division, cannot move a non-integer across an integer: the inputs have at most 17
significant digits, so a non-integer quotient is at least 1e-25 away from one.
Used by the tests and by ``bench/aqi_throughput.py``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_CEILING, Context, Decimal

from ecoledger.monitoring.standards.aqi_tables import (
    IAQI_STEPS,
    BreakpointColumn,
    Indicator,
    RuleSet,
)
from ecoledger.monitoring.standards.rounding import round_half_even

_CONTEXT = Context(prec=60)

SCORED_BY = {
    "so2_24h": ("so2", True),
    "so2_1h": ("so2", False),
    "no2_24h": ("no2", True),
    "no2_1h": ("no2", False),
    "pm10_24h": ("pm10", True),
    "co_24h": ("co", True),
    "co_1h": ("co", False),
    "o3_1h": ("o3", False),
    "o3_8h": ("o3_8h", True),
    "pm25_24h": ("pm25", True),
}
"""An input key and report type that score each column (under either rule set)."""


def reference_sub_index(column: BreakpointColumn, value: Decimal) -> Decimal | None:
    """IAQI of one concentration by the formula, before the ceiling; None above the top."""
    for index in range(1, len(column)):
        if value <= column[index]:
            bp_lo, bp_hi = column[index - 1], column[index]
            iaqi_lo, iaqi_hi = IAQI_STEPS[index - 1], IAQI_STEPS[index]
            share = _CONTEXT.divide((iaqi_hi - iaqi_lo) * (value - bp_lo), bp_hi - bp_lo)
            return share + iaqi_lo
    return None


def reference_iaqi(column: BreakpointColumn, value: Decimal) -> int | None:
    """ceil(IAQI) of one concentration on one column; None above the last breakpoint."""
    sub_index = reference_sub_index(column, value)
    return None if sub_index is None else int(sub_index.to_integral_value(ROUND_CEILING))


def reference_indicator(indicator: Indicator, values: Mapping[str, float], rules: RuleSet) -> float:
    """One indicator's sub-index of one sample, NaN when it has none."""
    value = values.get(indicator.key, math.nan)
    if math.isnan(value):
        return math.nan
    decimals = rules.decimals.get(indicator.key)
    written = (
        Decimal(float.__repr__(float(value)))
        if decimals is None
        else round_half_even(float(value), decimals)
    )
    iaqi = reference_iaqi(rules.columns[indicator.column], written)
    if iaqi is not None:
        return float(iaqi)
    if indicator.fallback is not None:
        return reference_indicator(indicator.fallback, values, rules)
    return math.nan if indicator.over_top is None else float(indicator.over_top)


def reference_aqi(
    values: Mapping[str, float], rules: RuleSet, *, daily: bool
) -> tuple[float, list[float]]:
    """(AQI, sub-indices in the rule set's indicator order) of one sample; NaN for none."""
    iaqi = [reference_indicator(ind, values, rules) for ind in rules.indicators(daily=daily)]
    present = [value for value in iaqi if not math.isnan(value)]
    return (max(present) if present else math.nan), iaqi

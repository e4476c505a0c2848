"""The vectorised AQI equals a per-value loop over the same tables, value for value."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ecoledger.monitoring.standards import AQI_LEVELS, aqi_arrays, compute_aqi
from ecoledger.monitoring.standards.aqi_tables import (
    COLUMNS_2012,
    COLUMNS_2026,
    IAQI_STEPS,
    RULE_SETS,
)
from tests.monitoring.standards.reference import SCORED_BY, reference_aqi

SAMPLES = 100_000
UPPER = {
    "pm25": 650.0,
    "pm10": 780.0,
    "so2": 1100.0,
    "so2_24h": 3400.0,
    "no2": 5000.0,
    "co": 200.0,
    "o3": 1560.0,
    "o3_8h": 1100.0,
}
"""Beyond every column a key is scored on, so the above-the-top rules are exercised."""

BREAKPOINTS = np.unique(
    [float(bp) for columns in (COLUMNS_2012, COLUMNS_2026) for c in columns.values() for bp in c]
)


def random_concentrations(rng: np.random.Generator, size: int) -> dict[str, np.ndarray]:
    """Mixed values: long decimals, 1-decimal and whole readings, exact breakpoints,
    GB/T 8170 ties (x.5, and x.x5 for CO) and NaN for missing."""
    concentrations = {}
    for key, upper in UPPER.items():
        raw = rng.uniform(0, upper, size)
        kind = rng.integers(0, 6, size)
        values = np.select(
            [kind == 1, kind == 2, kind == 3, kind == 4, kind == 5],
            [
                np.round(raw, 1),
                np.floor(raw),
                rng.choice(BREAKPOINTS, size),
                np.floor(raw) + (0.05 if key == "co" else 0.5),
                np.nan,
            ],
            raw,
        )
        concentrations[key] = values
    return concentrations


@pytest.mark.slow
@pytest.mark.parametrize("rule_set", ["2012", "2026"])
@pytest.mark.parametrize("daily", [True, False], ids=["daily", "real-time"])
def test_vectorised_aqi_equals_the_per_value_loop_on_random_samples(rule_set, daily):
    rng = np.random.default_rng(20260301 + int(rule_set) + daily)
    concentrations = random_concentrations(rng, SAMPLES)

    arrays = aqi_arrays(concentrations, rule_set=rule_set, daily=daily)

    rows = [
        reference_aqi({key: float(v[i]) for key, v in concentrations.items()},
                      RULE_SETS[rule_set], daily=daily)
        for i in range(SAMPLES)
    ]  # fmt: skip
    expected_aqi = np.array([aqi for aqi, _ in rows])
    expected_iaqi = np.array([iaqi for _, iaqi in rows])
    np.testing.assert_array_equal(arrays.iaqi, expected_iaqi)
    np.testing.assert_array_equal(arrays.aqi, expected_aqi)
    expected_level = [_level_by_scan(aqi) for aqi in expected_aqi]
    assert arrays.level.tolist() == expected_level
    expected_primary = (expected_iaqi == expected_aqi[:, None]) & (expected_aqi[:, None] > 50)
    np.testing.assert_array_equal(arrays.primary, expected_primary)


def _level_by_scan(aqi: float) -> int:
    if math.isnan(aqi):
        return 0
    for level in AQI_LEVELS:
        if level.upper is None or aqi <= level.upper:
            return level.number
    raise AssertionError("the last level has no upper bound")


@pytest.mark.parametrize("rule_set", ["2012", "2026"])
@pytest.mark.parametrize("daily", [True, False], ids=["daily", "real-time"])
def test_the_scalar_api_gives_what_the_vector_api_gives(rule_set, daily):
    rng = np.random.default_rng(7 + int(rule_set) + daily)
    concentrations = random_concentrations(rng, 2_000)
    arrays = aqi_arrays(concentrations, rule_set=rule_set, daily=daily)

    for i in range(2_000):
        result = compute_aqi(
            {key: float(v[i]) for key, v in concentrations.items()},
            rule_set=rule_set,
            daily=daily,
        )

        expected_aqi = None if np.isnan(arrays.aqi[i]) else int(arrays.aqi[i])
        assert result.aqi == expected_aqi
        assert [result.iaqi[key] for key in arrays.indicators] == [
            None if np.isnan(v) else int(v) for v in arrays.iaqi[i]
        ]
        assert result.primary_pollutants == tuple(
            key for key, primary in zip(arrays.indicators, arrays.primary[i], strict=True)
            if primary
        )  # fmt: skip
        assert (result.level.number if result.level else 0) == arrays.level[i]


@pytest.mark.parametrize("rule_set", ["2012", "2026"])
def test_every_breakpoint_scores_exactly_its_iaqi_step(rule_set):
    for column_name, column in RULE_SETS[rule_set].columns.items():
        key, daily = SCORED_BY[column_name]

        scored = aqi_arrays({key: np.array(column, dtype=float)}, rule_set=rule_set, daily=daily)

        assert scored.iaqi_of(key).tolist() == list(IAQI_STEPS[: len(column)]), column_name

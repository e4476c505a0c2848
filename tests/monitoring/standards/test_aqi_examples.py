"""Every worked example of standards.md §1.7, under both rule sets, and the float trap."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from ecoledger.monitoring.standards import aqi_arrays, aqi_report, compute_aqi
from ecoledger.monitoring.standards.aqi_tables import COLUMNS_2012, IAQI_STEPS, RULE_SETS
from tests.monitoring.standards.reference import SCORED_BY, reference_iaqi

E1_DAILY = {"pm25": 80, "pm10": 120, "so2": 20, "no2": 45, "co": 1.2, "o3_8h": 130, "o3": 170}
E2_REAL_TIME = {
    "so2": 900,
    "so2_24h": 300,
    "no2": 80,
    "co": 1.0,
    "o3": 90,
    "o3_8h": 70,
    "pm25": 30,
    "pm10": 60,
}
E5_TIE = {"no2": 90, "co": 5.0, "pm25": 40, "pm10": 70, "so2": 12, "o3_8h": 60, "o3": 80}
E6_CLEAN = {"pm25": 20, "pm10": 35, "so2": 5, "no2": 20, "co": 0.5, "o3_8h": 70, "o3": 90}


def test_e1_daily_2012_is_107_lightly_polluted_with_pm25_primary_and_exceeding():
    result = compute_aqi(E1_DAILY, rule_set="2012", daily=True)

    assert dict(result.iaqi) == {
        "so2": 20, "no2": 57, "pm10": 85, "co": 30, "o3": 63, "o3_8h": 75, "pm25": 107,
    }  # fmt: skip
    assert result.aqi == 107
    assert result.level is not None
    assert (result.level.name, result.level.category) == ("三级", "轻度污染")
    assert result.primary_pollutants == ("pm25",)
    assert result.exceeding_pollutants == ("pm25",)


def test_e1_daily_2026_is_119_with_pm10_at_100_and_no_o3_one_hour():
    result = compute_aqi(E1_DAILY, rule_set="2026", daily=True)

    assert result.iaqi["pm25"] == 119
    assert result.iaqi["pm10"] == 100
    assert "o3" not in result.iaqi
    assert result.aqi == 119
    assert result.primary_pollutants == ("pm25",)
    assert result.exceeding_pollutants is None


def test_e2_real_time_2012_scores_so2_above_800_from_its_24_hour_mean():
    result = compute_aqi(E2_REAL_TIME, rule_set="2012", daily=False)

    assert dict(result.iaqi) == {
        "so2": 124, "no2": 40, "pm10": 55, "co": 10, "o3": 29, "o3_8h": 35, "pm25": 43,
    }  # fmt: skip
    assert result.aqi == 124
    assert result.level is not None and result.level.name == "三级"
    assert result.primary_pollutants == ("so2",)


def test_e2_real_time_2026_fixes_so2_above_800_at_200():
    result = compute_aqi(E2_REAL_TIME, rule_set="2026", daily=False)

    assert result.iaqi["so2"] == 200
    assert result.aqi == 200
    assert result.level is not None
    assert (result.level.name, result.level.category) == ("四级", "中度污染")
    assert result.primary_pollutants == ("so2",)


@pytest.mark.parametrize("rule_set", ["2012", "2026"])
def test_e5_a_tie_makes_every_tied_pollutant_primary(rule_set):
    result = compute_aqi(E5_TIE, rule_set=rule_set, daily=True)

    assert result.aqi == 105
    assert result.iaqi["no2"] == result.iaqi["co"] == 105
    assert set(result.primary_pollutants) == {"co", "no2"}
    assert result.level is not None and result.level.name == "三级"


def test_e5_under_2026_rescores_pm_on_the_new_columns():
    result = compute_aqi(E5_TIE, rule_set="2026", daily=True)

    assert (result.iaqi["pm25"], result.iaqi["pm10"]) == (60, 65)


def test_e5_under_2012_both_tied_pollutants_are_exceeding():
    result = compute_aqi(E5_TIE, rule_set="2012", daily=True)

    assert set(result.exceeding_pollutants or ()) == {"co", "no2"}


@pytest.mark.parametrize("rule_set", ["2012", "2026"])
def test_e6_a_clean_day_has_no_primary_pollutant(rule_set):
    result = compute_aqi(E6_CLEAN, rule_set=rule_set, daily=True)

    assert result.aqi == 35
    assert result.level is not None
    assert (result.level.name, result.level.category) == ("一级", "优")
    assert result.primary_pollutants == ()


def test_e6_sub_indices_are_those_of_the_note():
    result = compute_aqi(E6_CLEAN, rule_set="2012", daily=True)

    in_note_order = [
        result.iaqi[key] for key in ("pm25", "pm10", "so2", "no2", "co", "o3_8h", "o3")
    ]
    assert in_note_order == [29, 35, 5, 25, 13, 35, 29]


@pytest.mark.parametrize("rule_set", ["2012", "2026"])
def test_co_daily_2_2_gives_exactly_55_where_float_then_ceiling_gives_56(rule_set):
    naive = math.ceil((100 - 50) / (4 - 2) * (2.2 - 2) + 50)

    result = compute_aqi({"co": 2.2}, rule_set=rule_set, daily=True)

    assert naive == 56
    assert result.iaqi["co"] == 55


def _sweep(column_name: str, column: tuple[int, ...]) -> np.ndarray:
    """Every integer µg/m³, or every 0.1 mg/m³ for CO, up to the column's top."""
    if column_name.startswith("co"):
        return np.arange(column[-1] * 10 + 1) / 10
    return np.arange(column[-1] + 1, dtype=np.float64)


def _naive_iaqi(column: tuple[int, ...], value: float) -> int:
    """Float formula in the note's order, then the ceiling: the trap."""
    for index in range(1, len(column)):
        if value <= column[index]:
            bp_lo, bp_hi = column[index - 1], column[index]
            iaqi_lo, iaqi_hi = IAQI_STEPS[index - 1], IAQI_STEPS[index]
            return math.ceil((iaqi_hi - iaqi_lo) / (bp_hi - bp_lo) * (value - bp_lo) + iaqi_lo)
    raise AssertionError("the sweep stays within the column")


@pytest.mark.parametrize("rule_set", ["2012", "2026"])
def test_the_sweep_of_every_column_matches_exact_decimal_arithmetic(rule_set):
    rules = RULE_SETS[rule_set]
    for column_name, column in rules.columns.items():
        key, daily = SCORED_BY[column_name]
        values = _sweep(column_name, column)

        scored = aqi_arrays({key: values}, rule_set=rule_set, daily=daily).iaqi_of(key)

        exact = [reference_iaqi(column, Decimal(repr(float(v)))) for v in values]
        assert scored.tolist() == exact, column_name


def test_the_naive_float_ceiling_is_wrong_in_the_23_sweep_cases_of_the_note_all_co():
    wrong = [
        (column_name, float(value))
        for column_name, column in COLUMNS_2012.items()
        for value in _sweep(column_name, column)
        if _naive_iaqi(column, float(value)) != reference_iaqi(column, Decimal(repr(float(value))))
    ]

    assert len(wrong) == 23
    assert {column_name for column_name, _ in wrong} == {"co_24h", "co_1h"}
    assert ("co_24h", 2.2) in wrong


@pytest.mark.parametrize(
    ("example", "daily", "rule_set", "aqi"),
    [
        (E1_DAILY, True, "2012", 107),
        (E1_DAILY, True, "2026", 119),
        (E2_REAL_TIME, False, "2012", 124),
        (E2_REAL_TIME, False, "2026", 200),
        (E5_TIE, True, "2012", 105),
        (E5_TIE, True, "2026", 105),
        (E6_CLEAN, True, "2012", 35),
        (E6_CLEAN, True, "2026", 35),
    ],
)
def test_the_report_of_each_example_carries_its_aqi_and_rule_set(example, daily, rule_set, aqi):
    report = aqi_report(example, daily=daily, rule_set=rule_set)

    assert report["aqi"] == aqi
    assert report["rule_set"] == rule_set
    assert report["standard"] == f"HJ 633-{rule_set}"

"""GB 3095 limits by date, data validity (Table 4) and HJ 663 period evaluation."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from ecoledger.monitoring.standards import (
    ambient_limit,
    ambient_limit_set_for,
    daily_max_8h,
    daily_means,
    eight_hour_means,
    exact_mean,
    good_days,
    hj663_percentile,
    meets_ambient_limit,
    period_evaluation,
    valid_daily_mean,
    valid_eight_hour_mean,
    valid_hourly_mean,
    valid_period_mean,
)


@pytest.mark.parametrize(
    ("on", "grade_ii", "grade_i", "limit_set"),
    [
        (date(2026, 2, 28), 75, 35, "2012"),
        (date(2026, 3, 1), 60, 35, "2026-transitional"),
        (date(2030, 12, 31), 60, 35, "2026-transitional"),
        (date(2031, 1, 1), 50, 25, "2026-final"),
    ],
)
def test_the_pm25_24_hour_limit_follows_the_date(on, grade_ii, grade_i, limit_set):
    assert ambient_limit("pm25", "24h", on=on) == grade_ii
    assert ambient_limit("pm25", "24h", on=on, grade=1) == grade_i
    assert ambient_limit_set_for(on).name == limit_set


@pytest.mark.parametrize(
    ("pollutant", "averaging", "limits_2012", "transitional", "final"),
    [
        ("so2", "24h", 150, 150, 50),
        ("no2", "annual", 40, 40, 30),
        ("pm10", "annual", 70, 60, 50),
        ("pm25", "annual", 35, 30, 25),
        ("o3", "8h", 160, 160, 160),
        ("co", "24h", 4, 4, 4),
        ("nox", "24h", 100, 100, 70),
    ],
)
def test_grade_ii_limits_of_each_limit_set(pollutant, averaging, limits_2012, transitional, final):
    assert ambient_limit(pollutant, averaging, on=date(2025, 6, 1)) == limits_2012
    assert ambient_limit(pollutant, averaging, on=date(2027, 6, 1)) == transitional
    assert ambient_limit(pollutant, averaging, on=date(2032, 6, 1)) == final


def test_a_value_equal_to_the_limit_meets_it_and_a_missing_one_does_not():
    met = meets_ambient_limit([75, 75.1, math.nan], "pm25", "24h", on=date(2025, 1, 1))

    assert met.tolist() == [True, False, False]


def test_an_averaging_the_standard_does_not_have_is_refused():
    with pytest.raises(ValueError, match="co"):
        ambient_limit("co", "annual", on=date(2025, 1, 1))
    with pytest.raises(ValueError, match="grade"):
        ambient_limit("so2", "24h", on=date(2025, 1, 1), grade=3)


def test_validity_thresholds_of_table_4():
    assert valid_hourly_mean([44, 45]).tolist() == [False, True]
    assert valid_daily_mean([19, 20], "pm25").tolist() == [False, True]
    assert valid_daily_mean([23, 24], "tsp").tolist() == [False, True]
    assert valid_eight_hour_mean([5, 6]).tolist() == [False, True]


def _per_month(days: int, february: int) -> dict[int, int]:
    return {month: february if month == 2 else days for month in range(1, 13)}


def test_an_annual_mean_needs_324_days_and_27_per_month_25_in_february():
    assert valid_period_mean(_per_month(27, 25) | {1: 32}, "pm25", annual=True)
    assert not valid_period_mean(_per_month(27, 25), "pm25", annual=True)  # 322 days
    assert not valid_period_mean(_per_month(30, 24), "pm25", annual=True)
    assert not valid_period_mean(_per_month(30, 28) | {7: 26}, "pm25", annual=True)
    assert not valid_period_mean(_per_month(30, 28) | {7: 0}, "pm25", annual=True)


def test_a_lead_quarterly_mean_needs_15_days_and_5_per_month():
    assert valid_period_mean({1: 5, 2: 5, 3: 5}, "pb", annual=False)
    assert not valid_period_mean({1: 4, 2: 6, 3: 6}, "pb", annual=False)


def test_a_daily_mean_needs_20_hourly_values():
    day_with_20 = np.r_[np.full(20, 30.0), np.full(4, np.nan)]
    day_with_19 = np.r_[np.full(19, 30.0), np.full(5, np.nan)]

    means = daily_means(np.r_[day_with_20, day_with_19], "pm25")

    assert means[0] == 30.0 and math.isnan(means[1])


def test_an_eight_hour_mean_needs_6_of_its_8_hours():
    hourly = np.r_[np.full(6, 80.0), np.nan, np.nan, np.nan]

    means = eight_hour_means(hourly)

    assert [math.isnan(m) for m in means[:5]] == [True] * 5
    assert means[5:8].tolist() == [80.0, 80.0, 80.0]
    assert math.isnan(means[8])  # hours 1–8: five values


def test_the_2012_daily_max_8h_uses_only_windows_inside_the_day_and_2026_all_24():
    evening = np.r_[np.full(17, 50.0), np.full(7, 300.0)]
    next_day = np.full(24, 50.0)
    hourly = np.r_[evening, next_day]

    by_2012 = daily_max_8h(hourly, rule_set="2012")
    by_2026 = daily_max_8h(hourly, rule_set="2026")

    assert by_2012[1] == 50.0
    assert by_2026[1] == (7 * 300 + 50) / 8  # the window ending 01:00 of day two


def test_a_daily_max_8h_from_fewer_than_14_windows_counts_only_above_the_limit():
    morning_only = np.r_[np.full(12, 1.0), np.full(12, np.nan)]  # 7 valid windows, 08–14:00
    sparse_clean = 100.0 * morning_only
    sparse_polluted = 200.0 * morning_only

    clean, polluted = daily_max_8h(np.r_[sparse_clean, sparse_polluted], rule_set="2012")

    assert math.isnan(clean)
    assert polluted == 200.0


def test_the_hj663_percentile_follows_the_formula_of_the_annex():
    values = np.arange(1, 366, dtype=np.float64)[::-1]  # k = 1 + 364 × 0.95 = 346.8

    assert hj663_percentile(values, 95) == 346.8
    assert hj663_percentile(values, 98) == 357.72
    assert hj663_percentile(values, 90) == 328.6
    assert hj663_percentile([42.0], 95) == 42.0


def test_the_percentile_ignores_missing_days_and_is_nan_without_data():
    assert hj663_percentile([1.0, math.nan, 3.0], 50) == 2.0
    assert math.isnan(hj663_percentile([math.nan], 95))


def test_the_percentile_equals_numpy_linear_on_random_series():
    rng = np.random.default_rng(663)
    for n in (1, 2, 31, 90, 365, 366):
        values = np.round(rng.gamma(3, 15, n), 1)
        for percent in (90, 95, 98):
            assert hj663_percentile(values, percent) == pytest.approx(
                np.percentile(values, percent), rel=1e-12
            )


def test_a_percentile_exactly_at_the_limit_meets_it_where_float_arithmetic_would_not():
    values = np.r_[np.linspace(10, 70, 345), 71.0, np.full(19, 76.0)]  # X(346)=71, X(347)=76

    assert np.percentile(values, 95) > 75
    assert hj663_percentile(values, 95) == 75.0


def test_the_mean_is_exact_on_the_written_decimals():
    assert exact_mean([0.1, 0.2, 0.3, math.nan]) == 0.2
    assert math.isnan(exact_mean([]))


def test_good_days_are_valid_days_with_aqi_at_most_100():
    counted = good_days([35, 100, 101, math.nan, 250])

    assert (counted.valid_days, counted.good_days) == (4, 2)
    assert counted.ratio_percent == 50.0
    assert math.isnan(good_days([math.nan]).ratio_percent)


def test_a_year_meets_the_standard_only_if_every_statistic_does():
    days = np.arange("2025-01-01", "2026-01-01", dtype="datetime64[D]")
    clean = {
        "pm25": np.full(days.size, 30.0),
        "pm10": np.full(days.size, 60.0),
        "o3_8h": np.full(days.size, 120.0),
    }
    polluted = clean | {"o3_8h": np.r_[np.full(300, 120.0), np.full(65, 170.0)]}

    good = period_evaluation(clean, on=date(2025, 12, 31), dates=days)
    bad = period_evaluation(polluted, on=date(2025, 12, 31), dates=days)

    assert good.limit_set == "2012"
    assert good.meets
    assert [(r.statistic.key, r.statistic.percent) for r in good.statistics] == [
        ("pm10", None), ("pm10", 95), ("pm25", None), ("pm25", 95), ("o3_8h", 90),
    ]  # fmt: skip
    assert not bad.meets
    o3 = bad.statistics[-1]
    assert (o3.value, o3.limit, o3.meets) == (170.0, 160, False)


def test_the_same_year_judged_by_the_2026_transitional_limits_fails_on_pm25():
    days = np.arange("2026-01-01", "2027-01-01", dtype="datetime64[D]")
    year = {"pm25": np.full(days.size, 32.0)}

    evaluation = period_evaluation(year, on=date(2026, 12, 31), dates=days)

    assert evaluation.limit_set == "2026-transitional"
    annual = evaluation.statistics[0]
    assert (annual.value, annual.limit, annual.meets) == (32.0, 30, False)


def test_an_annual_mean_from_too_few_days_is_invalid_and_the_year_does_not_meet():
    days = np.arange("2025-01-01", "2026-01-01", dtype="datetime64[D]")
    pm25 = np.full(days.size, 20.0)
    pm25[31:36] = np.nan  # February keeps 23 days

    evaluation = period_evaluation({"pm25": pm25}, on=date(2025, 12, 31), dates=days)

    assert evaluation.statistics[0].valid is False
    assert evaluation.statistics[0].meets
    assert not evaluation.meets

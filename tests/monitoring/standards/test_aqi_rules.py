"""AQI rules: the rule set by date, the special cases of each version, edges and refusals."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime

import numpy as np
import pytest

from ecoledger.monitoring.standards import (
    AQI_LEVELS,
    INPUT_KEYS,
    aqi_arrays,
    aqi_level,
    aqi_report,
    compute_aqi,
    rule_set_for,
)


@pytest.mark.parametrize(
    ("on", "rule_set"),
    [
        (date(2012, 1, 1), "2012"),
        (date(2026, 2, 28), "2012"),
        (date(2026, 3, 1), "2026"),
        (date(2031, 1, 1), "2026"),
        (datetime(2026, 2, 28, 23, 59), "2012"),
        (datetime(2026, 3, 1, 0, 0), "2026"),
        # 16:00 UTC on 28 February is midnight of 1 March in China.
        (datetime(2026, 2, 28, 15, 59, tzinfo=UTC), "2012"),
        (datetime(2026, 2, 28, 16, 0, tzinfo=UTC), "2026"),
    ],
)
def test_the_rule_set_changes_with_data_dated_from_2026_03_01(on, rule_set):
    assert rule_set_for(on) == rule_set


def test_the_report_picks_the_rule_set_by_date_unless_one_is_forced():
    values = {"pm25": 70}

    before = aqi_report(values, daily=True, on=date(2026, 2, 28))
    after = aqi_report(values, daily=True, on=date(2026, 3, 1))
    forced = aqi_report(values, daily=True, on=date(2026, 3, 1), rule_set="2012")

    assert (before["rule_set"], before["aqi"]) == ("2012", 94)
    assert (after["rule_set"], after["aqi"]) == ("2026", 110)
    assert (forced["rule_set"], forced["aqi"]) == ("2012", 94)
    assert after["date"] == "2026-03-01"


def test_the_report_is_json_serialisable_with_every_documented_field():
    report = aqi_report({"pm25": 80, "o3": 170}, daily=True, rule_set="2012")

    decoded = json.loads(json.dumps(report, ensure_ascii=False))

    assert decoded["aqi"] == 107
    assert decoded["iaqi"]["pm25"] == 107
    assert decoded["primary_pollutants"] == ["pm25"]
    assert decoded["level"] == "三级"
    assert decoded["category"] == "轻度污染"
    assert decoded["colour"] == {
        "name": "橙", "name_en": "orange", "hex": "#FF7E00", "rgb": [255, 126, 0],
        "cmyk": [0, 52, 100, 0],
    }  # fmt: skip
    assert decoded["missing"] == ["so2", "no2", "pm10", "co", "o3_8h"]


def test_the_report_lists_keys_the_rule_set_does_not_score_as_ignored():
    report = aqi_report({"pm25": 30, "o3": 250}, daily=True, rule_set="2026")

    assert report["ignored"] == ["o3"]
    assert "o3" not in report["iaqi"]


def test_every_documented_input_key_is_accepted():
    result = compute_aqi(dict.fromkeys(INPUT_KEYS, 10.0), rule_set="2012", daily=False)

    assert result.complete


def test_an_unknown_key_is_refused_naming_it():
    with pytest.raises(ValueError, match="pm2_5"):
        compute_aqi({"pm2_5": 10}, rule_set="2012", daily=True)


def test_an_unknown_rule_set_is_refused():
    with pytest.raises(ValueError, match="2019"):
        compute_aqi({"pm25": 10}, rule_set="2019", daily=True)


@pytest.mark.parametrize("bad", [-0.1, -5, math.inf, -math.inf])
def test_negative_and_infinite_concentrations_are_refused(bad):
    with pytest.raises(ValueError, match="pm10"):
        aqi_arrays({"pm25": [10, 20], "pm10": [30, bad]}, rule_set="2026", daily=True)


def test_two_dimensional_input_is_refused():
    with pytest.raises(ValueError, match="one-dimensional"):
        aqi_arrays({"pm25": np.zeros((2, 2))}, rule_set="2012", daily=True)


def test_a_missing_pollutant_leaves_the_aqi_to_the_others():
    result = compute_aqi({"pm25": 80, "pm10": None, "so2": math.nan}, rule_set="2012", daily=True)

    assert result.aqi == 107
    assert result.iaqi["pm10"] is None and result.iaqi["so2"] is None
    assert not result.complete


def test_no_value_at_all_gives_no_aqi_and_no_level():
    result = compute_aqi({"pm25": None}, rule_set="2012", daily=True)

    assert result.aqi is None
    assert result.level is None
    assert not result.publishable


def test_2026_publishes_an_incomplete_aqi_only_above_100():
    low = compute_aqi({"pm25": 40}, rule_set="2026", daily=True)
    high = compute_aqi({"pm25": 70}, rule_set="2026", daily=True)
    full = compute_aqi(
        {"pm25": 40, "pm10": 40, "so2": 5, "no2": 20, "co": 0.5, "o3_8h": 80},
        rule_set="2026",
        daily=True,
    )

    assert (low.aqi, low.publishable) == (60, False)
    assert (high.aqi, high.publishable) == (110, True)
    assert full.complete and full.publishable


def test_2012_has_no_rule_against_publishing_an_incomplete_aqi():
    assert compute_aqi({"pm25": 40}, rule_set="2012", daily=True).publishable


def test_so2_one_hour_exactly_800_is_still_scored_on_its_own_column():
    for rule_set in ("2012", "2026"):
        result = compute_aqi({"so2": 800, "so2_24h": 10}, rule_set=rule_set, daily=False)

        assert result.iaqi["so2"] == 200


def test_2012_so2_one_hour_above_800_without_a_24_hour_mean_has_no_sub_index():
    result = compute_aqi({"so2": 801, "pm25": 30}, rule_set="2012", daily=False)

    assert result.iaqi["so2"] is None
    assert result.aqi == 43


def test_2012_daily_o3_8h_above_800_gives_way_to_the_one_hour_sub_index():
    result = compute_aqi({"o3_8h": 850, "o3": 900}, rule_set="2012", daily=True)

    assert result.iaqi["o3_8h"] is None
    assert result.iaqi["o3"] == 350
    assert result.aqi == 350
    assert result.primary_pollutants == ("o3",)


def test_2026_daily_o3_8h_above_800_is_fixed_at_300():
    result = compute_aqi({"o3_8h": 850}, rule_set="2026", daily=True)

    assert result.iaqi["o3_8h"] == 300


def test_2026_real_time_scores_o3_one_hour_and_not_the_8_hour_mean():
    result = compute_aqi({"o3": 170, "o3_8h": 400}, rule_set="2026", daily=False)

    assert dict(result.iaqi)["o3"] == 63
    assert "o3_8h" not in result.iaqi


def test_2012_real_time_scores_pm_on_the_24_hour_columns_as_2026_does_one_hour_means():
    for rule_set, expected in (("2012", 107), ("2026", 119)):
        result = compute_aqi({"pm25": 80}, rule_set=rule_set, daily=False)

        assert result.iaqi["pm25"] == expected


@pytest.mark.parametrize("rule_set", ["2012", "2026"])
def test_above_the_top_breakpoint_the_sub_index_is_500(rule_set):
    result = compute_aqi({"pm25": 501, "co": 61, "no2": 10_000}, rule_set=rule_set, daily=True)

    assert (result.iaqi["pm25"], result.iaqi["co"], result.iaqi["no2"]) == (500, 500, 500)


@pytest.mark.parametrize(
    ("values", "aqi_2012", "aqi_2026"),
    [
        # 2026 rounds before scoring (GB/T 8170, half to even); 2012 scores the value.
        ({"pm25": 35.4}, 51, 50),
        ({"pm25": 34.5}, 50, 49),
        ({"co": 2.25}, 57, 55),
        ({"co": 2.35}, 59, 60),
    ],
)
def test_2026_rounds_concentrations_half_to_even_before_scoring(values, aqi_2012, aqi_2026):
    assert compute_aqi(values, rule_set="2012", daily=True).aqi == aqi_2012
    assert compute_aqi(values, rule_set="2026", daily=True).aqi == aqi_2026


def test_zero_everywhere_scores_zero_in_level_one():
    result = compute_aqi({"pm25": 0, "so2": 0}, rule_set="2026", daily=True)

    assert result.aqi == 0
    assert result.level is not None and result.level.number == 1


@pytest.mark.parametrize(
    ("aqi", "level"),
    [(0, 1), (50, 1), (51, 2), (100, 2), (101, 3), (150, 3), (151, 4), (200, 4), (201, 5),
     (300, 5), (301, 6), (500, 6)],
)  # fmt: skip
def test_levels_change_just_above_each_upper_bound(aqi, level):
    assert aqi_level(aqi).number == level


def test_the_levels_carry_the_names_and_colours_of_annex_a():
    assert [(lv.name, lv.category, lv.hex) for lv in AQI_LEVELS] == [
        ("一级", "优", "#00E400"),
        ("二级", "良", "#FFFF00"),
        ("三级", "轻度污染", "#FF7E00"),
        ("四级", "中度污染", "#FF0000"),
        ("五级", "重度污染", "#99004C"),
        ("六级", "严重污染", "#7E0023"),
    ]
    assert [lv.rgb for lv in AQI_LEVELS][4] == (153, 0, 76)


def test_a_tie_at_or_below_50_names_no_primary_pollutant():
    result = compute_aqi({"pm25": 35, "pm10": 50}, rule_set="2012", daily=True)

    assert result.aqi == 50
    assert result.primary_pollutants == ()


def test_the_arrays_mark_pollutants_above_100_in_both_rule_sets():
    arrays = aqi_arrays({"pm25": [80, 20], "no2": [90, 90]}, rule_set="2026", daily=True)

    assert arrays.above_100[:, arrays.indicators.index("pm25")].tolist() == [True, False]
    assert arrays.above_100[:, arrays.indicators.index("no2")].tolist() == [True, True]


def test_scalars_broadcast_against_arrays():
    arrays = aqi_arrays({"pm25": [10, 80], "so2": 5}, rule_set="2012", daily=True)

    assert arrays.iaqi_of("so2").tolist() == [5, 5]
    assert arrays.aqi.tolist() == [15, 107]


def test_the_smallest_step_above_a_breakpoint_moves_the_sub_index_up_by_one():
    just_above = float(np.nextafter(75.0, np.inf))

    arrays = aqi_arrays({"pm25": [75.0, just_above, 75.01]}, rule_set="2012", daily=True)

    assert arrays.iaqi_of("pm25").tolist() == [100, 101, 101]

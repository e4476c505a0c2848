"""GB 3838-2002 classes (single-factor, worst item) and urban black-odorous grades."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ecoledger.monitoring.standards import (
    black_odorous_grades,
    black_odorous_sample_grades,
    classify_samples,
    exceedance_multiple,
    item_class,
)
from ecoledger.monitoring.standards.water import CLASS_NAMES, WATER_ITEMS, water_item


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("do", 7.5, "I"),
        ("do", 7.4, "II"),
        ("do", 5.0, "III"),
        ("do", 2.0, "V"),
        ("do", 1.9, "劣V"),
        ("cod", 15, "I"),
        ("cod", 15.1, "III"),
        ("cod", 40, "V"),
        ("cod", 40.1, "劣V"),
        ("nh3n", 0.15, "I"),
        ("nh3n", 1.0, "III"),
        ("nh3n", 2.1, "劣V"),
        ("ph", 6.0, "I"),
        ("ph", 9.0, "I"),
        ("ph", 5.9, "劣V"),
        ("ph", 9.2, "劣V"),
        ("hg", 0.00005, "I"),
        ("hg", 0.0001, "III"),
        ("fecal_coliform", 20000, "IV"),
    ],
)
def test_each_value_takes_the_best_class_whose_limit_it_meets(key, value, expected):
    assert CLASS_NAMES[item_class([value], key)[0]] == expected


def test_lakes_use_their_own_total_phosphorus_limits():
    assert CLASS_NAMES[item_class([0.05], "tp", water_body="river")[0]] == "II"
    assert CLASS_NAMES[item_class([0.05], "tp", water_body="lake")[0]] == "III"
    assert water_item("tp", "lake").limits[0] == 0.01


def test_rivers_never_assess_total_nitrogen():
    with pytest.raises(ValueError, match="TN"):
        item_class([1.0], "tn", water_body="river")
    assert CLASS_NAMES[item_class([1.0], "tn", water_body="lake")[0]] == "III"


def test_dissolved_oxygen_saturation_of_90_percent_is_class_one():
    assert item_class([6.5, 6.5], "do", do_saturation=[91, 80]).tolist() == [1, 2]


def test_a_missing_value_has_class_zero():
    assert item_class([math.nan], "cod").tolist() == [0]


def test_an_unknown_item_is_refused():
    with pytest.raises(ValueError, match="chlorophyll"):
        item_class([1.0], "chlorophyll")


def test_the_section_class_is_the_worst_routine_item():
    samples = {"do": [6.5, 8.0], "cod": [18, 14], "nh3n": [0.4, 2.5], "fecal_coliform": [50000, 1]}

    classes = classify_samples(samples)

    assert [CLASS_NAMES[c] for c in classes.section] == ["III", "劣V"]
    assert classes.worst_items(0) == ("cod",)
    assert classes.worst_items(1) == ("nh3n",)
    assert classes.wording().tolist() == ["良好", "重度污染"]
    assert CLASS_NAMES[classes.items["fecal_coliform"][0]] == "劣V"  # reported, not deciding


def test_a_section_needs_a_routine_item():
    with pytest.raises(ValueError, match="routine"):
        classify_samples({"fecal_coliform": [10]})


def test_the_exceedance_multiple_is_over_the_class_three_limit():
    assert exceedance_multiple([30, 10, math.nan], "cod").tolist()[:2] == [0.5, 0.0]
    with pytest.raises(ValueError, match="ph"):
        exceedance_multiple([5], "ph")


def _class_by_loop(key: str, value: float) -> int:
    item = WATER_ITEMS[key]
    if math.isnan(value):
        return 0
    for number, limit in enumerate(item.limits, start=1):
        if item.direction == "max" and value <= limit:
            return number
        if item.direction == "min" and value >= limit:
            return number
    if item.direction == "range" and item.limits[0] <= value <= item.limits[1]:
        return 1
    return 6


@pytest.mark.parametrize("key", sorted(set(WATER_ITEMS) - {"tn"}))
def test_vectorised_classes_equal_a_per_value_loop(key):
    rng = np.random.default_rng(3838)
    limits = np.array(WATER_ITEMS[key].limits, dtype=np.float64)
    values = np.concatenate(
        [
            rng.uniform(0, limits.max() * 1.5, 20_000),
            np.repeat(limits, 10),
            np.nextafter(limits, np.inf),
            [math.nan],
        ]
    )

    classes = item_class(values, key)

    assert classes.tolist() == [_class_by_loop(key, float(v)) for v in values]


@pytest.mark.parametrize(
    ("indicator", "values", "grades"),
    [
        ("transparency", [25.1, 25, 10, 9.9], [0, 1, 1, 2]),
        ("do", [2.1, 2.0, 0.2, 0.19], [0, 1, 1, 2]),
        ("orp", [51, 50, -200, -201], [0, 1, 1, 2]),
        ("nh3n", [7.9, 8.0, 15, 15.1], [0, 1, 1, 2]),
    ],
)
def test_black_odorous_light_ranges_include_both_ends(indicator, values, grades):
    assert black_odorous_grades(values, indicator).tolist() == grades


def test_in_water_shallower_than_25_cm_transparency_is_judged_on_the_depth():
    transparency = [20, 10, 7.9, 30]
    depth = [20, 20, 20, 100]

    assert black_odorous_grades(transparency, "transparency", depth_cm=depth).tolist() == [
        0, 1, 2, 0,
    ]  # fmt: skip


def test_a_sample_takes_its_worst_indicator_and_orp_may_be_left_out():
    samples = {"transparency": [30, 30, math.nan], "do": [3, 0.1, math.nan], "nh3n": [9, 1, 2]}

    assert black_odorous_sample_grades(samples).tolist() == [1, 2, 0]
    assert black_odorous_sample_grades({"do": [math.nan]}).tolist() == [-1]

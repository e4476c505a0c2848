"""Scoring rules as data: checked when a version is saved, applied in decimal arithmetic."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecoledger.assessment.rules import describe, score, validate_rule
from ecoledger.lib.errors import InvalidInput

LINEAR_UP = {"kind": "linear", "direction": "higher", "floor": 60, "target": 90}
LINEAR_DOWN = {"kind": "linear", "direction": "lower", "floor": 30, "target": 5}
DEDUCTION = {"kind": "deduction", "per_case": 2.5, "cap": 30}
BANDS = {"kind": "bands", "direction": "higher", "bands": [[80, 60], [95, 100], [90, 85]],
         "otherwise": 20}


@pytest.mark.parametrize(("rule", "value", "expected"), [
    (LINEAR_UP, "60", "0.00"), (LINEAR_UP, "75", "50.00"), (LINEAR_UP, "95", "100.00"),
    (LINEAR_UP, "70", "33.33"), (LINEAR_UP, "40", "0.00"),
    (LINEAR_DOWN, "10", "80.00"), (LINEAR_DOWN, "2", "100.00"), (LINEAR_DOWN, "31", "0.00"),
    (DEDUCTION, "0", "100.00"), (DEDUCTION, "3", "92.50"), (DEDUCTION, "40", "70.00"),
    (BANDS, "96", "100.00"), (BANDS, "90", "85.00"), (BANDS, "85", "60.00"),
    (BANDS, "50", "20.00"),
])
def test_a_rule_scores_a_value(rule, value, expected):
    assert score(validate_rule(rule), Decimal(value)) == Decimal(expected)


def test_bands_are_kept_best_first_and_lower_is_better_bands_reach_down():
    lower = {"kind": "bands", "direction": "lower", "bands": [[10, 60], [2, 100]],
             "otherwise": 0}

    assert validate_rule(BANDS)["bands"] == [[95, 100], [90, 85], [80, 60]]
    assert score(validate_rule(lower), Decimal("1.5")) == Decimal("100.00")
    assert score(validate_rule(lower), Decimal("11")) == Decimal("0.00")


@pytest.mark.parametrize("rule", [
    None, {"kind": "curve"}, {"kind": "linear", "direction": "higher", "floor": 90, "target": 60},
    {"kind": "linear", "direction": "up", "floor": 1, "target": 2},
    {"kind": "linear", "direction": "higher", "floor": "60", "target": 90},
    {"kind": "deduction", "per_case": 0, "cap": 10},
    {"kind": "deduction", "per_case": 1, "cap": 120},
    {"kind": "bands", "direction": "higher", "bands": [[90, 120]], "otherwise": 0},
    {"kind": "bands", "direction": "higher", "bands": [[90, 50], [90, 60]], "otherwise": 0},
    {"kind": "bands", "direction": "higher", "bands": [], "otherwise": 0},
    {"kind": "linear", "direction": "higher", "floor": True, "target": 90},
])
def test_a_bad_rule_is_refused_with_the_field(rule):
    with pytest.raises(InvalidInput) as error:
        validate_rule(rule)
    assert "rule" in error.value.fields


def test_a_rule_reads_in_plain_words():
    assert describe(validate_rule(LINEAR_UP), "%") == (
        "0 points at 60%, 100 at 90%, linear in between.")
    assert describe(validate_rule(DEDUCTION), " cases") == (
        "100 points, less 2.5 for each of the cases counted, at most 30 less.")

"""Scoring rules as data: validate one, score a value with it, say it in words.

Three kinds, each scoring 0–100 in decimal arithmetic, rounded half up to two
places, so that a scorecard can be checked by hand:

- ``linear``: 0 at ``floor``, 100 at ``target``, straight in between, clamped;
  ``direction`` "higher" needs floor < target, "lower" floor > target.
- ``deduction``: 100 less ``per_case`` for each unit of the value, at most ``cap``.
- ``bands``: ``[[threshold, score], …]``; the score of the first band the value
  reaches (≥ threshold when higher is better, ≤ when lower), else ``otherwise``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecoledger.assessment.choices import Direction, RuleKind
from ecoledger.lib.errors import InvalidInput

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

Rule = dict[str, Any]


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_of(value: Any) -> Decimal:
    """A JSON number (or its text) as the decimal it was written as; floats via their repr."""
    if isinstance(value, bool):
        raise InvalidOperation
    result = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    if not result.is_finite():
        raise InvalidOperation
    return result


def validate_rule(rule: Any) -> Rule:
    """The rule, checked and normalised (bands sorted best first); ``InvalidInput`` otherwise."""
    if not isinstance(rule, dict) or rule.get("kind") not in RuleKind.values:
        raise _invalid(_("Give a rule with a kind: %(kinds)s.") % {
            "kinds": ", ".join(RuleKind.values)})
    try:
        return _VALIDATORS[rule["kind"]](rule)
    except (InvalidOperation, TypeError, ValueError, KeyError, IndexError):
        raise _invalid(_("The %(kind)s rule needs %(needs)s.") % {
            "kind": rule["kind"], "needs": _NEEDS[rule["kind"]]}) from None


def score(rule: Rule, value: Decimal) -> Decimal:
    """The 0–100 score of ``value`` under a validated rule."""
    kind = rule["kind"]
    if kind == RuleKind.LINEAR:
        floor, target = decimal_of(rule["floor"]), decimal_of(rule["target"])
        share = (value - floor) / (target - floor)
        return quantize(min(HUNDRED, max(ZERO, share * HUNDRED)))
    if kind == RuleKind.DEDUCTION:
        deduction = min(decimal_of(rule["cap"]), decimal_of(rule["per_case"]) * value)
        return quantize(max(ZERO, HUNDRED - deduction))
    higher = rule["direction"] == Direction.HIGHER
    for threshold, points in rule["bands"]:
        limit = decimal_of(threshold)
        if (value >= limit) if higher else (value <= limit):
            return quantize(decimal_of(points))
    return quantize(decimal_of(rule["otherwise"]))


def describe(rule: Rule, unit: str) -> str:
    """The rule in plain words, for the scorecard."""
    kind = rule["kind"]
    if kind == RuleKind.LINEAR:
        return _("0 points at %(floor)s%(unit)s, 100 at %(target)s%(unit)s, "
                 "linear in between.") % {"floor": rule["floor"], "target": rule["target"],
                                          "unit": unit}
    if kind == RuleKind.DEDUCTION:
        return _("100 points, less %(per_case)s for each of the %(unit)s counted, at most "
                 "%(cap)s less.") % {"per_case": rule["per_case"],
                                     "unit": unit.strip() or _("cases"), "cap": rule["cap"]}
    sign = "≥" if rule["direction"] == Direction.HIGHER else "≤"
    steps = "; ".join(f"{sign} {threshold}{unit}: {points}" for threshold, points in rule["bands"])
    return _("Banded: %(steps)s; otherwise %(otherwise)s.") % {
        "steps": steps, "otherwise": rule["otherwise"]}


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(message, fields={"rule": message})


def _number(value: Any) -> int | float:
    """A JSON number, kept as written (text that looks like one is refused)."""
    if not isinstance(value, int | float):
        raise TypeError(value)
    decimal_of(value)
    return value


def _direction(rule: Rule) -> str:
    if rule.get("direction") not in Direction.values:
        raise ValueError("direction")
    return rule["direction"]


def _linear(rule: Rule) -> Rule:
    direction = _direction(rule)
    floor, target = _number(rule["floor"]), _number(rule["target"])
    if (floor < target) != (direction == Direction.HIGHER) or floor == target:
        raise _invalid(_("With %(direction)s the floor must be %(side)s the target.") % {
            "direction": Direction(direction).label,
            "side": _("below") if direction == Direction.HIGHER else _("above")})
    return {"kind": RuleKind.LINEAR.value, "direction": direction, "floor": floor,
            "target": target}


def _deduction(rule: Rule) -> Rule:
    per_case, cap = _number(rule["per_case"]), _number(rule["cap"])
    if not (per_case > 0 and 0 < cap <= 100):
        raise _invalid(_("The deduction per case must be positive and the cap 0–100."))
    return {"kind": RuleKind.DEDUCTION.value, "per_case": per_case, "cap": cap}


def _bands(rule: Rule) -> Rule:
    direction = _direction(rule)
    bands = [[_number(threshold), _number(points)] for threshold, points in rule["bands"]]
    otherwise = _number(rule["otherwise"])
    points = [p for _t, p in bands] + [otherwise]
    thresholds = [t for t, _p in bands]
    if not bands or len(set(thresholds)) != len(thresholds) or not all(
            0 <= p <= 100 for p in points):
        raise _invalid(_("Bands need distinct thresholds and scores of 0–100."))
    bands.sort(key=lambda band: band[0], reverse=direction == Direction.HIGHER)
    return {"kind": RuleKind.BANDS.value, "direction": direction, "bands": bands,
            "otherwise": otherwise}


_VALIDATORS = {RuleKind.LINEAR.value: _linear, RuleKind.DEDUCTION.value: _deduction,
               RuleKind.BANDS.value: _bands}
_NEEDS = {
    RuleKind.LINEAR.value: gettext_lazy(
        "direction (higher or lower), floor and target as numbers"),
    RuleKind.DEDUCTION.value: gettext_lazy("per_case and cap as numbers"),
    RuleKind.BANDS.value: gettext_lazy(
        "direction, bands as [[threshold, score], …] and otherwise as numbers"),
}

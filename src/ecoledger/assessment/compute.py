"""Computing a scheme version's results for a period: scores, totals, ranks, inputs hash.

Steps: take the approved exemptions of the year as items to leave out and the
upheld appeals as score adjustments; measure every indicator of the version
for every unit kind it applies to (each one GROUP BY, or one pass over the
monitoring grid); score each value by its rule (``rules``); weigh the scores
into a 0–100 total over the indicators that scored; rank each kind; hash the
inputs. Nothing is written: ``services.publish_results`` stores what this
returns, ``services.preview_results`` only shows it.

Weights: a unit's total is Σ score × weight / Σ weight over its indicators with
a score, so an indicator without a value that the scheme leaves out
(``when_missing = exclude``) does not pull the total down, and the weighted
scores add up to the total (give or take a cent of rounding).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ecoledger.assessment.catalogue import CATALOGUE, Context, Measure, Period
from ecoledger.assessment.choices import (
    APPLIES_TO_KINDS,
    AppealStatus,
    DecisionStatus,
    ItemKind,
    UnitKind,
    WhenMissing,
)
from ecoledger.assessment.models import Appeal, Exemption, SchemeIndicator, SchemeVersion
from ecoledger.assessment.rules import HUNDRED, ZERO, quantize, score
from ecoledger.org.models import Department, Region

MISSING_SCORES = {WhenMissing.ZERO: ZERO, WhenMissing.FULL: HUNDRED}


@dataclass
class IndicatorOutcome:
    code: str
    position: int
    weight: Decimal
    value: Decimal | None
    score: Decimal | None
    adjustment: Decimal
    weighted_score: Decimal | None
    details: dict[str, Any]
    exemptions: list[int] = field(default_factory=list)
    appeals: list[int] = field(default_factory=list)


@dataclass
class UnitOutcome:
    kind: str
    unit_id: int
    name: str
    indicators: list[IndicatorOutcome]
    total: Decimal | None = None
    rank: int | None = None
    ranked_among: int = 0


@dataclass
class Computation:
    version: SchemeVersion
    period: Period
    units: list[UnitOutcome]
    inputs_sha256: str

    def ranking(self, kind: str) -> list[UnitOutcome]:
        """Units of one kind, best first; units without a total last, by name."""
        of_kind = [unit for unit in self.units if unit.kind == kind]
        return sorted(of_kind, key=lambda u: (u.rank is None, u.rank or 0, u.name))


@dataclass
class Decisions:
    """The year's approved exemptions and upheld appeals, arranged for the computation."""

    exclusions: dict[tuple[str, str], dict[int, frozenset[int]]]
    exemption_ids: dict[tuple[str, str, int, int], list[int]]
    adjustments: dict[tuple[str, str, int], list[tuple[int, Decimal]]]


def units_of(kind: str) -> list[tuple[int, str]]:
    """Every unit of a kind: all districts, or all departments."""
    if kind == UnitKind.DISTRICT:
        return [(r.pk, r.name) for r in Region.objects.districts().order_by("code")]
    return [(d.pk, str(d)) for d in Department.objects.order_by("code")]


def compute(version: SchemeVersion, period: Period) -> Computation:
    entries = list(version.indicators.order_by("position"))
    decisions = decisions_for(period.year, [entry.code for entry in entries])
    context = Context(period, decisions.exclusions)
    units: dict[tuple[str, int], UnitOutcome] = {}
    for kind in UnitKind.values:
        for unit_id, name in units_of(kind):
            units[(kind, unit_id)] = UnitOutcome(kind, unit_id, name, [])
    hashed: dict[str, Any] = {}
    for entry in entries:
        indicator = CATALOGUE[entry.code]
        for kind in sorted(APPLIES_TO_KINDS[entry.applies_to] & indicator.kinds):
            measures = indicator.measure(context, kind)
            for (unit_kind, unit_id), unit in units.items():
                if unit_kind != kind:
                    continue
                measure = measures.get(unit_id) or indicator.empty()
                outcome = _outcome(entry, measure, decisions, kind, unit_id)
                unit.indicators.append(outcome)
                hashed.setdefault(f"{kind}:{unit_id}", {})[entry.code] = _hashed(outcome)
    for kind in UnitKind.values:
        _rank([unit for (k, _id), unit in units.items() if k == kind])
    digest = _digest(version, period, entries, hashed)
    return Computation(version, period, list(units.values()), digest)


def decisions_for(year: int, codes: list[str]) -> Decisions:
    exclusions: dict[tuple[str, str], dict[int, set[int]]] = defaultdict(dict)
    exemption_ids: dict[tuple[str, str, int, int], list[int]] = defaultdict(list)
    approved = Exemption.objects.filter(year=year, status=DecisionStatus.APPROVED).order_by("pk")
    for exemption in approved:
        item_kind = ItemKind.PROBLEM if exemption.problem_id else ItemKind.COMPLAINT
        item = exemption.problem_id or exemption.complaint_id
        targets = [exemption.indicator_code] if exemption.indicator_code else codes
        for code in targets:
            if code in CATALOGUE and CATALOGUE[code].item == item_kind:
                key = (code, exemption.kind)
                exclusions[key].setdefault(exemption.unit_id, set()).add(item)
                exemption_ids[(code, exemption.kind, exemption.unit_id, item)].append(
                    exemption.pk)
    adjustments: dict[tuple[str, str, int], list[tuple[int, Decimal]]] = defaultdict(list)
    upheld = Appeal.objects.filter(year=year, status=AppealStatus.UPHELD).order_by("pk")
    for appeal in upheld:
        adjustments[(appeal.indicator_code, appeal.kind, appeal.unit_id)].append(
            (appeal.pk, appeal.adjustment))
    frozen = {key: {unit: frozenset(items) for unit, items in by_unit.items()}
              for key, by_unit in exclusions.items()}
    return Decisions(frozen, dict(exemption_ids), dict(adjustments))


def _outcome(entry: SchemeIndicator, measure: Measure, decisions: Decisions, kind: str,
             unit_id: int) -> IndicatorOutcome:
    base = (MISSING_SCORES.get(entry.when_missing) if measure.value is None
            else score(entry.rule, measure.value))
    appeals = decisions.adjustments.get((entry.code, kind, unit_id), []) if base is not None else []
    adjustment = sum((points for _id, points in appeals), ZERO)
    final = None if base is None else min(HUNDRED, max(ZERO, base + adjustment))
    exemptions = sorted({pk for item in measure.removed
                         for pk in decisions.exemption_ids.get((entry.code, kind, unit_id, item),
                                                               [])})
    details = {"figures": measure.figures, "fingerprint": measure.fingerprint,
               "rule": entry.rule, "when_missing": entry.when_missing,
               "base_score": None if base is None else str(base),
               "exempted_items": sorted(measure.removed)}
    return IndicatorOutcome(entry.code, entry.position, entry.weight, measure.value, final,
                            adjustment, None, details, exemptions,
                            [pk for pk, _points in appeals])


def _rank(units: list[UnitOutcome]) -> None:
    """Totals, weighted scores and competition ranks (1, 1, 3) of one kind's units."""
    for unit in units:
        scored = [i for i in unit.indicators if i.score is not None]
        weights = sum((i.weight for i in scored), ZERO)
        if not scored or not weights:
            continue
        for indicator in scored:
            indicator.weighted_score = quantize(indicator.score * indicator.weight / weights)
        unit.total = quantize(sum((i.score * i.weight for i in scored), ZERO) / weights)
    ranked = sorted((u for u in units if u.total is not None), key=lambda u: -u.total)
    for position, unit in enumerate(ranked):
        previous = ranked[position - 1] if position else None
        unit.rank = previous.rank if previous and previous.total == unit.total else position + 1
    for unit in units:
        unit.ranked_among = len(ranked)


def _hashed(outcome: IndicatorOutcome) -> dict[str, Any]:
    return {"value": outcome.value, "figures": outcome.details["figures"],
            "fingerprint": outcome.details["fingerprint"], "exemptions": outcome.exemptions,
            "appeals": outcome.appeals, "adjustment": outcome.adjustment}


def _digest(version: SchemeVersion, period: Period, entries: list[SchemeIndicator],
            hashed: dict[str, Any]) -> str:
    """SHA-256 of everything the results were computed from, as canonical JSON."""
    document = {
        "year": period.year, "period": [period.start, period.end],
        "version": version.pk,
        "indicators": [[e.code, e.weight, e.applies_to, e.rule, e.when_missing] for e in entries],
        "units": hashed,
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str,
                      ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

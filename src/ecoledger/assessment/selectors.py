"""Scoped reads of assessments for pages and the API: ranking, scorecard, drill-down.

Every function takes the reading user and refuses (``ActionRefused``) what the
role may not read: the ranking is for supervisors, leaders and district and
department officers; a scorecard and its drill-downs for supervisors, leaders
and the unit's own officers. Published results are read as frozen; the
drill-down lists today's rows for the publication's period and says whether
they still give the published figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from ecoledger.assessment.access import may_read_ranking, may_read_unit
from ecoledger.assessment.catalogue import CATALOGUE, Context, DrillDown, Measure, Period
from ecoledger.assessment.choices import UnitKind
from ecoledger.assessment.compute import decisions_for, units_of
from ecoledger.assessment.explain import explanation
from ecoledger.assessment.models import IndicatorResult, Publication, SchemeVersion, UnitResult
from ecoledger.assessment.services.checks import check_may_preview
from ecoledger.assessment.services.results import current_period
from ecoledger.lib.errors import ActionRefused, InvalidInput

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ecoledger.org.models import User


def _check_ranking(user: User | AnonymousUser) -> None:
    if not may_read_ranking(user):
        raise ActionRefused(_("Assessments are read by the office, leaders and the assessed "
                              "units' officers."), code="refused_role")


def _check_unit(user: User | AnonymousUser, kind: str, unit_id: int) -> None:
    if not may_read_unit(user, kind, unit_id):
        raise ActionRefused(_("You may read your own unit's scorecard only."),
                            code="refused_scope")


def _kind(kind: str) -> str:
    if kind not in UnitKind.values:
        raise InvalidInput.field("kind", _("Choose one of: %(values)s.") % {
            "values": ", ".join(UnitKind.values)})
    return kind


def published_years(user: User | AnonymousUser) -> list[int]:
    """Years with a publication, newest first (for a year picker)."""
    _check_ranking(user)
    return sorted(set(Publication.objects.values_list("year", flat=True)), reverse=True)


@dataclass(frozen=True)
class RankingRow:
    unit_id: int
    name: str
    total: Decimal | None
    rank: int | None
    last_total: Decimal | None
    last_rank: int | None


@dataclass(frozen=True)
class Ranking:
    year: int
    kind: str
    publication: Publication | None
    rows: list[RankingRow]


def ranking(user: User | AnonymousUser, *, year: int, kind: str) -> Ranking:
    """The year's standing publication for one kind of unit, best first, with last year's."""
    _check_ranking(user)
    publication = Publication.objects.current(year)
    if publication is None:
        return Ranking(year, _kind(kind), None, [])
    last = _totals(Publication.objects.current(year - 1), kind)
    names = dict(units_of(kind))
    rows = [
        RankingRow(unit.unit_id, names.get(unit.unit_id, str(unit.unit)), unit.total, unit.rank,
                   *last.get(unit.unit_id, (None, None)))
        for unit in _units(publication, _kind(kind))
    ]
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.name))
    return Ranking(year, kind, publication, rows)


def _units(publication: Publication, kind: str) -> QuerySet[UnitResult]:
    return publication.units.filter(kind=kind).select_related("district", "department")


def _totals(publication: Publication | None, kind: str) -> dict[int, tuple[Decimal | None,
                                                                           int | None]]:
    if publication is None:
        return {}
    return {unit.unit_id: (unit.total, unit.rank) for unit in _units(publication, kind)}


@dataclass(frozen=True)
class ScorecardLine:
    code: str
    name: str | Promise
    description: str | Promise
    unit: str | Promise
    weight: Decimal
    value: Decimal | None
    score: Decimal | None
    adjustment: Decimal
    weighted_score: Decimal | None
    explanation: str
    exemptions: list[int]
    appeals: list[int]
    last_value: Decimal | None
    last_score: Decimal | None


@dataclass(frozen=True)
class Scorecard:
    year: int
    kind: str
    unit_id: int
    unit_name: str
    publication: Publication
    period: tuple[date, date]
    total: Decimal | None
    rank: int | None
    ranked_among: int
    last_total: Decimal | None
    last_rank: int | None
    lines: list[ScorecardLine]


def scorecard(user: User | AnonymousUser, *, year: int, kind: str, unit_id: int) -> Scorecard:
    """One unit's published result, indicator by indicator, beside last year's."""
    _check_unit(user, _kind(kind), unit_id)
    publication = Publication.objects.current(year)
    result = _unit_result(publication, kind, unit_id)
    last = _unit_result(Publication.objects.current(year - 1), kind, unit_id, missing_ok=True)
    last_lines = {line.code: line for line in last.indicators.all()} if last else {}
    lines = []
    for line in result.indicators.all():
        entry = CATALOGUE[line.code]
        before = last_lines.get(line.code)
        lines.append(ScorecardLine(
            line.code, entry.name, entry.description, entry.unit, line.weight, line.value,
            line.score, line.adjustment, line.weighted_score, explanation(line),
            line.exemptions, line.appeals, before.value if before else None,
            before.score if before else None))
    return Scorecard(
        year, kind, unit_id, str(result.unit), result.publication,
        (result.publication.period_start, result.publication.period_end), result.total,
        result.rank, result.ranked_among, last.total if last else None,
        last.rank if last else None, lines)


def _unit_result(publication: Publication | None, kind: str, unit_id: int, *,
                 missing_ok: bool = False) -> UnitResult | None:
    field = "district_id" if kind == UnitKind.DISTRICT else "department_id"
    result = None if publication is None else (
        publication.units.filter(kind=kind, **{field: unit_id})
        .select_related("publication", "district", "department")
        .prefetch_related(Prefetch("indicators", IndicatorResult.objects.order_by("position")))
        .first())
    if result is None and not missing_ok:
        raise Http404(_("No published result for this unit and year."))
    return result


@dataclass(frozen=True)
class UnitDrillDown:
    """The rows behind one unit's value, and that value as published and as the rows give it.

    ``published`` is None for a preview of a version; ``current`` is what today's
    rows give over the same period, with the same exemptions.
    """

    drilldown: DrillDown
    period: tuple[date, date]
    published: IndicatorResult | None
    current: Measure

    @property
    def matches_published(self) -> bool | None:
        if self.published is None:
            return None
        return self.published.details["fingerprint"] == self.current.fingerprint


def drilldown(
    user: User | AnonymousUser, *, year: int, kind: str, unit_id: int, code: str,
    version: SchemeVersion | None = None,
) -> UnitDrillDown:
    """The rows behind a unit's published value (or, with ``version``, its preview value)."""
    _check_unit(user, _kind(kind), unit_id)
    entry = CATALOGUE.get(code)
    if entry is None or kind not in entry.kinds:
        raise Http404(_("No such indicator for this kind of unit."))
    published = None
    if version is None:
        result = _unit_result(Publication.objects.current(year), kind, unit_id)
        published = next((line for line in result.indicators.all() if line.code == code), None)
        if published is None:
            raise Http404(_("The published scheme has no such indicator for this unit."))
        publication = result.publication
        period = Period.between(publication.period_start, publication.period_end)
        removed = frozenset(published.details.get("exempted_items", []))
        context = Context(period, {(code, kind): {unit_id: removed}} if removed else {})
    else:
        check_may_preview(user)
        period = current_period(version)
        context = Context(period, decisions_for(period.year, [code]).exclusions)
    current = entry.measure(context, kind).get(unit_id) or entry.empty()
    return UnitDrillDown(entry.drilldown(context, kind, unit_id), (period.start, period.end),
                         published, current)

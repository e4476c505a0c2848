"""What the assessment pages show, read through the engine's selectors and services.

The selectors give the ranking, a published scorecard and a drill-down; the
pages also need each unit's score on every indicator beside its total, a
scorecard of a version's what-if preview, and a drill-down's rows as cells,
with links only to the problems the reader may see. Every function here checks
the reader's right through a selector or service before it reads anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Min
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from ecoledger.assessment import selectors, services
from ecoledger.assessment.access import may_read_all, may_read_unit
from ecoledger.assessment.catalogue import CATALOGUE, Column
from ecoledger.assessment.choices import APPLIES_TO_KINDS, UnitKind, VersionStatus
from ecoledger.assessment.compute import Computation
from ecoledger.assessment.explain import explanation
from ecoledger.assessment.models import (
    Appeal,
    Exemption,
    IndicatorResult,
    Publication,
    SchemeVersion,
)
from ecoledger.intake.choices import Satisfaction
from ecoledger.ledger.choices import FollowUpStatus, Status
from ecoledger.ledger.models import Problem
from ecoledger.lib.errors import ActionRefused
from ecoledger.monitoring.choices import PointKind
from ecoledger.org.models import Department, Region

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ecoledger.org.models import User

# Drill-down columns that name a problem by its code: linked when the reader may see it.
PROBLEM_KEYS = frozenset({"code", "problem_code"})
STATUS_LABELS: dict[str, dict[str, Any]] = {
    "problems": dict(Status.choices), "followups": dict(FollowUpStatus.choices),
}
SATISFACTION_LABELS = dict(Satisfaction.choices)


def _change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    return None if now is None or before is None else now - before


@dataclass(frozen=True)
class IndicatorColumn:
    code: str
    name: str | Promise


@dataclass(frozen=True)
class TableRow:
    """One unit in the ranking: its total, rank, each indicator's score and last year's."""

    unit_id: int
    name: str
    total: Decimal | None
    rank: int | None
    last_total: Decimal | None
    last_rank: int | None
    scores: list[Decimal | None]
    readable: bool

    @property
    def change(self) -> Decimal | None:
        return _change(self.total, self.last_total)


@dataclass(frozen=True)
class RankingTable:
    """A ranking as published, or (``version`` set) a version's preview that stores nothing."""

    year: int
    kind: str
    columns: list[IndicatorColumn]
    rows: list[TableRow]
    publication: Publication | None = None
    version: SchemeVersion | None = None
    period: tuple[date, date] | None = None
    inputs_sha256: str = ""

    @property
    def preview(self) -> bool:
        return self.version is not None


def preview_versions(user: User | AnonymousUser) -> list[SchemeVersion]:
    """The versions whose live preview a supervisor or leader may pick: of each year's scheme,
    the adopted version and the newest draft."""
    if not may_read_all(user):
        return []
    versions = (SchemeVersion.objects.visible_to(user)
                .filter(status__in=[VersionStatus.ADOPTED, VersionStatus.DRAFT])
                .select_related("scheme").order_by("-scheme__year", "-number"))
    chosen, seen = [], set()
    for version in versions:
        key = (version.scheme_id, version.status)
        if key not in seen:
            seen.add(key)
            chosen.append(version)
    return chosen


def published_table(user: User | AnonymousUser, *, year: int, kind: str) -> RankingTable:
    """The year's standing publication for one kind of unit, with every indicator's score."""
    ranking = selectors.ranking(user, year=year, kind=kind)
    publication = ranking.publication
    if publication is None:
        return RankingTable(year, kind, [], [])
    unit_field = "unit_result__district_id" if kind == UnitKind.DISTRICT else (
        "unit_result__department_id")
    lines = IndicatorResult.objects.filter(unit_result__publication=publication,
                                           unit_result__kind=kind)
    codes = [row["code"] for row in lines.values("code").annotate(first=Min("position"))
             .order_by("first", "code")]
    scores = {(unit, code): score
              for unit, code, score in lines.values_list(unit_field, "code", "score")}
    rows = [TableRow(row.unit_id, row.name, row.total, row.rank, row.last_total, row.last_rank,
                     [scores.get((row.unit_id, code)) for code in codes],
                     may_read_unit(user, kind, row.unit_id))
            for row in ranking.rows]
    return RankingTable(year, kind, _columns(codes), rows, publication=publication,
                        period=(publication.period_start, publication.period_end),
                        inputs_sha256=publication.inputs_sha256)


def preview(user: User, version: SchemeVersion) -> Computation:
    """The version's results with today's data; refused for anyone but supervisors and
    leaders, and nothing is stored."""
    return services.preview_results(version, acting_user=user)


def preview_table(user: User, computation: Computation, *, kind: str) -> RankingTable:
    """One kind's ranking from a preview, beside last year's published totals."""
    version, year = computation.version, computation.period.year
    last = {row.unit_id: row for row in selectors.ranking(user, year=year - 1, kind=kind).rows}
    codes = [entry.code for entry in version.indicators.order_by("position")
             if kind in APPLIES_TO_KINDS[entry.applies_to] & CATALOGUE[entry.code].kinds]
    rows = []
    for unit in computation.ranking(kind):
        scores = {line.code: line.score for line in unit.indicators}
        before = last.get(unit.unit_id)
        rows.append(TableRow(
            unit.unit_id, unit.name, unit.total, unit.rank,
            before.total if before else None, before.rank if before else None,
            [scores.get(code) for code in codes], may_read_unit(user, kind, unit.unit_id)))
    return RankingTable(year, kind, _columns(codes), rows, version=version,
                        period=(computation.period.start, computation.period.end),
                        inputs_sha256=computation.inputs_sha256)


def _columns(codes: Iterable[str]) -> list[IndicatorColumn]:
    return [IndicatorColumn(code, CATALOGUE[code].name) for code in codes]


@dataclass(frozen=True)
class CardLine:
    """One indicator of a scorecard, with last year's value and score and the changes."""

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

    @property
    def value_change(self) -> Decimal | None:
        return _change(self.value, self.last_value)

    @property
    def score_change(self) -> Decimal | None:
        return _change(self.score, self.last_score)


@dataclass(frozen=True)
class Card:
    """A unit's scorecard, published (``publication``) or previewed (``version``)."""

    year: int
    kind: str
    unit_id: int
    unit_name: str
    period: tuple[date, date]
    total: Decimal | None
    rank: int | None
    ranked_among: int
    last_total: Decimal | None
    last_rank: int | None
    lines: list[CardLine]
    inputs_sha256: str
    publication: Publication | None = None
    version: SchemeVersion | None = None
    exemptions: list[Exemption] = field(default_factory=list)
    appeals: list[Appeal] = field(default_factory=list)

    @property
    def total_change(self) -> Decimal | None:
        return _change(self.total, self.last_total)

    @property
    def preview(self) -> bool:
        return self.version is not None


def published_card(user: User | AnonymousUser, *, year: int, kind: str, unit_id: int) -> Card:
    """The unit's published scorecard, with the exemptions and appeals that changed it."""
    card = selectors.scorecard(user, year=year, kind=kind, unit_id=unit_id)
    lines = [CardLine(**{item.name: getattr(line, item.name) for item in fields(CardLine)})
             for line in card.lines]
    return Card(card.year, card.kind, card.unit_id, card.unit_name, card.period, card.total,
                card.rank, card.ranked_among, card.last_total, card.last_rank, lines,
                card.publication.inputs_sha256, publication=card.publication,
                exemptions=_applied(Exemption, user, lines, "exemptions"),
                appeals=_applied(Appeal, user, lines, "appeals"))


def preview_card(user: User, computation: Computation, *, kind: str, unit_id: int) -> Card:
    """The unit's scorecard in a preview, beside its published scorecard of last year."""
    if not may_read_unit(user, kind, unit_id):
        raise ActionRefused(_("You may read your own unit's scorecard only."),
                                     code="refused_scope")
    unit = next((u for u in computation.units if (u.kind, u.unit_id) == (kind, unit_id)), None)
    if unit is None:
        raise Http404(_("This version does not assess this unit."))
    year = computation.period.year
    try:
        last = selectors.scorecard(user, year=year - 1, kind=kind, unit_id=unit_id)
    except Http404:
        last = None
    before = {line.code: line for line in last.lines} if last else {}
    lines = []
    for line in unit.indicators:
        entry, old = CATALOGUE[line.code], before.get(line.code)
        lines.append(CardLine(
            line.code, entry.name, entry.description, entry.unit, line.weight, line.value,
            line.score, line.adjustment, line.weighted_score, explanation(line),
            line.exemptions, line.appeals, old.value if old else None,
            old.score if old else None))
    return Card(year, kind, unit_id, unit.name,
                (computation.period.start, computation.period.end), unit.total, unit.rank,
                unit.ranked_among, last.total if last else None, last.rank if last else None,
                lines, computation.inputs_sha256, version=computation.version,
                exemptions=_applied(Exemption, user, lines, "exemptions"),
                appeals=_applied(Appeal, user, lines, "appeals"))


def _applied(model: type[Exemption] | type[Appeal], user: User | AnonymousUser,
             lines: Sequence[CardLine], attribute: str) -> list[Any]:
    ids = sorted({pk for line in lines for pk in getattr(line, attribute)})
    if not ids:
        return []
    related = ("problem", "complaint", "decided_by") if model is Exemption else ("decided_by",)
    return list(model.objects.visible_to(user).filter(pk__in=ids).select_related(*related)
                .order_by("pk"))


@dataclass(frozen=True)
class Cell:
    label: str
    text: str
    problem_code: str = ""


@dataclass(frozen=True)
class DrillRow:
    cells: list[Cell]
    exempted: bool


@dataclass(frozen=True)
class DrillPage:
    """The rows behind one unit's value, as cells, and the figures the value came from."""

    found: selectors.UnitDrillDown
    unit_name: str
    name: str | Promise
    description: str | Promise
    columns: Sequence[Column]
    rows: list[DrillRow]
    published_explanation: str
    current_explanation: str


def drilldown_page(user: User | AnonymousUser, found: selectors.UnitDrillDown,
                   rows: Sequence[dict[str, Any]]) -> DrillPage:
    """``rows`` (one page of ``found``'s rows) as cells; a problem's code is a link only if
    the reader may see that problem."""
    drill = found.drilldown
    entry = CATALOGUE[drill.code]
    codes = {row[key] for row in rows for key in PROBLEM_KEYS if row.get(key)}
    visible = set(Problem.objects.visible_to(user).filter(code__in=codes)
                  .values_list("code", flat=True)) if codes else set()
    statuses = STATUS_LABELS.get(drill.row_kind, {})
    cells = [
        DrillRow([_cell(column, row.get(column.key), visible, statuses)
                  for column in drill.columns], bool(row.get("exempted")))
        for row in rows
    ]
    published = found.published
    return DrillPage(
        found, _unit_name(drill.kind, drill.unit_id), entry.name, entry.description,
        drill.columns, cells,
        explanation(published) if published is not None else "",
        entry.explain(found.current.figures) if found.current.figures
        else _("No data in the period."))


def _unit_name(kind: str, unit_id: int) -> str:
    model = Region if kind == UnitKind.DISTRICT else Department
    return str(model.objects.filter(pk=unit_id).first() or "")


def _cell(column: Column, value: Any, visible: set[str], statuses: dict[str, Any]) -> Cell:
    key, label = column.key, str(column.label)
    if key in PROBLEM_KEYS and value:
        return Cell(label, str(value), value if value in visible else "")
    if key == "status" and value in statuses:
        return Cell(label, str(statuses[value]))
    if key == "point_kind" and value in PointKind.values:
        return Cell(label, str(PointKind(value).label))
    if key == "satisfaction" and value in SATISFACTION_LABELS:
        return Cell(label, str(SATISFACTION_LABELS[value]))
    return Cell(label, _text(value))


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return _("%(days)s days") % {"days": round(value.total_seconds() / 86400, 1)}
    return str(value)

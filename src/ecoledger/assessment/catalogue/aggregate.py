"""Indicators counted from ledger rows with one GROUP BY per unit kind.

A district's rows are those of problems located in it (the problem's
denormalised district); a department's those of problems where it is the lead
or a responsible unit. Rows reach the problem through ``to_problem`` (empty for
problems themselves, ``problem__`` for complaints and follow-ups). The unit
condition goes into the same ``filter()`` call as the join to the problem's
units, so that one join serves both (two calls would make two joins, and count
a problem under any department that merely cooperates on it).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    Expression,
    F,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from ecoledger.assessment.catalogue.base import (
    Column,
    Context,
    DrillDown,
    Figures,
    Indicator,
    Measure,
    Period,
)
from ecoledger.assessment.choices import UnitKind
from ecoledger.ledger.choices import DUTY_ROLES

EXEMPTED = "exempted"


@dataclass(frozen=True)
class Source:
    """The rows an indicator counts for one unit kind (and, for a drill-down, one unit)."""

    rows: QuerySet[Any]
    unit: str
    item: str
    stamp: str


def via_problem(
    rows: QuerySet[Any], kind: str, *, to_problem: str = "", unit_id: int | None = None
) -> tuple[QuerySet[Any], str]:
    """``rows`` narrowed to those that belong to a unit of ``kind``, and the unit's path."""
    if kind == UnitKind.DISTRICT:
        unit = f"{to_problem}district_id"
        condition = {f"{to_problem}district__isnull": False}
    else:
        unit = f"{to_problem}units__department_id"
        condition = {f"{to_problem}units__role__in": sorted(DUTY_ROLES),
                     f"{to_problem}units__department__isnull": False}
    if unit_id is not None:
        condition[unit] = unit_id
    return rows.filter(**condition), unit


class AggregateIndicator(Indicator):
    """An indicator whose figures are counts and sums over ledger rows, per unit."""

    row_kind = "problems"
    query_key: str = ""

    @abstractmethod
    def source(self, period: Period, kind: str, unit_id: int | None = None) -> Source:
        """The counted rows, filtered to the period (and to one unit when given)."""

    @abstractmethod
    def aggregates(self) -> dict[str, Aggregate]:
        """Figure name → aggregate over a unit's rows."""

    @abstractmethod
    def value(self, figures: Figures) -> Decimal | None:
        """The indicator's value from one unit's figures."""

    @abstractmethod
    def columns(self) -> list[Column]:
        """The drill-down's columns, in order."""

    @abstractmethod
    def row_values(self) -> dict[str, Expression | F]:
        """Computed columns: key → expression over one counted row; the other columns are
        field paths. ``exempted`` is added to every row."""

    ordering: tuple[str, ...] = ("code",)

    def measure(self, context: Context, kind: str) -> dict[int, Measure]:
        excluded = context.excluded(self.code, kind)
        frozen = tuple(sorted((unit, tuple(sorted(items))) for unit, items in excluded.items()))
        grouped = context.cached((self.query_key or self.code, kind, frozen),
                                 lambda: self._grouped(context.period, kind, excluded))
        removed = self._removed(context.period, kind, excluded)
        measures: dict[int, Measure] = {}
        for unit, row in grouped.items():
            figures = {name: row[name] for name in self.aggregates()}
            measures[unit] = Measure(self.value(figures), figures, row["_fingerprint"],
                                     removed.get(unit, frozenset()))
        for unit, items in removed.items():
            measures.setdefault(unit, replace(self.empty(), removed=items))
        return measures

    def drilldown(self, context: Context, kind: str, unit_id: int) -> DrillDown:
        source = self.source(context.period, kind, unit_id)
        exempted = context.excluded(self.code, kind).get(unit_id, frozenset())
        flag = Case(When(**{f"{source.item}__in": sorted(exempted)}, then=Value(True)),
                    default=Value(False), output_field=BooleanField())
        columns = self.columns()
        computed = self.row_values()
        plain = [column.key for column in columns if column.key not in computed]
        rows = source.rows.annotate(**{EXEMPTED: flag}).values(
            *plain, EXEMPTED, **computed).order_by(*self.ordering)
        return DrillDown(self.code, kind, unit_id, self.row_kind, columns, rows)

    def _grouped(self, period: Period, kind: str,
                 excluded: Mapping[int, frozenset[int]]) -> dict[int, dict[str, Any]]:
        source = self.source(period, kind)
        rows = source.rows
        if excluded:
            pairs = Q()
            for unit, items in excluded.items():
                pairs |= Q(**{source.unit: unit, f"{source.item}__in": sorted(items)})
            rows = rows.annotate(_exempt=Case(When(pairs, then=Value(True)), default=Value(False),
                                              output_field=BooleanField())).filter(_exempt=False)
        grouped = rows.order_by().values(_unit=F(source.unit)).annotate(
            **self.aggregates(), _n=Count(source.item), _ids=Sum(source.item),
            _stamp=Max(source.stamp),
        )
        result = {}
        for row in grouped:
            row = {name: _plain(value) for name, value in row.items()}
            row["_fingerprint"] = f"{row['_n']}:{row['_ids']}:{row['_stamp']}"
            result[row["_unit"]] = row
        return result

    def _removed(self, period: Period, kind: str,
                 excluded: Mapping[int, frozenset[int]]) -> dict[int, frozenset[int]]:
        """Exempted items that were among a unit's rows (the exemptions that applied)."""
        if not excluded:
            return {}
        source = self.source(period, kind)
        wanted = sorted(set().union(*excluded.values()))
        found: dict[int, set[int]] = {}
        pairs = source.rows.filter(**{f"{source.item}__in": wanted}).values_list(
            source.unit, source.item).distinct()
        for unit, item in pairs:
            if item in excluded.get(unit, ()):
                found.setdefault(unit, set()).add(item)
        return {unit: frozenset(items) for unit, items in found.items()}


def _plain(value: Any) -> Any:
    """Figures as JSON keeps them: durations in whole seconds, times as ISO text."""
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def count(condition: Q | None = None) -> Count:
    """Rows of the group (with ``condition``, those that meet it)."""
    return Count("pk", filter=condition)

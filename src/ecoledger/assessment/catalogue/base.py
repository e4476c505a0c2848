"""What every catalogue indicator is: a value for all units at once, and a drill-down.

An indicator's ``measure`` computes its value for every unit of one kind with a
few aggregate queries (never one query per unit) and returns, per unit, the
figures the value came from and a fingerprint of the rows behind them (what
the inputs hash is made of). ``drilldown`` lists those rows for one unit.
Exemptions reach an indicator through the ``Context``: the items to leave out,
per unit.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from ecoledger.assessment.choices import ItemKind, UnitKind
from ecoledger.assessment.rules import quantize
from ecoledger.lib.errors import InvalidInput

T = TypeVar("T")
Figures = dict[str, Any]


@dataclass(frozen=True)
class Period:
    """The days an assessment covers: 1 January to ``end`` (inclusive), local dates.

    A year still running ends with yesterday, the last whole day: today's
    readings and closures are not all in yet.
    """

    year: int
    start: date
    end: date

    @classmethod
    def of(cls, year: int, today: date) -> Period:
        start, last = date(year, 1, 1), date(year, 12, 31)
        end = min(last, today - timedelta(days=1))
        if end < start:
            raise InvalidInput.field("year", _(
                "%(year)s has no whole day yet to assess.") % {"year": year})
        return cls(year, start, end)

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        return cls(start.year, start, end)

    @property
    def start_at(self) -> datetime:
        return _midnight(self.start)

    @property
    def end_at(self) -> datetime:
        """The moment after the period: midnight that ends its last day."""
        return _midnight(self.end + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole_year(self) -> bool:
        return self.end == date(self.year, 12, 31)

    def previous_year(self) -> Period:
        """Last year's same span (for a whole year, the whole previous year)."""
        start = date(self.year - 1, 1, 1)
        end = date(self.year - 1, 12, 31) if self.whole_year else _same_day(self.end, self.year - 1)
        return Period(self.year - 1, start, end)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.get_current_timezone())


def _same_day(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


@dataclass
class Measure:
    """One unit's value on one indicator, the figures it came from, and what it left out."""

    value: Decimal | None
    figures: Figures
    fingerprint: str = ""
    removed: frozenset[int] = frozenset()


@dataclass
class Context:
    """One computation: its period, the exemptions to apply, and results shared within it."""

    period: Period
    exclusions: Mapping[tuple[str, str], Mapping[int, frozenset[int]]] = field(
        default_factory=dict)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def excluded(self, code: str, kind: str) -> Mapping[int, frozenset[int]]:
        """Unit id → ids of the items (problems or complaints) its exemptions take out."""
        return self.exclusions.get((code, kind), {})

    def cached(self, key: Any, compute: Callable[[], T]) -> T:
        """Indicators that share a query (overdue count and days, air this year) ask once."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise


@dataclass
class DrillDown:
    """The rows behind one unit's value: problems, complaints, follow-ups, days or stations.

    ``rows`` is a queryset of dicts for the ledger's rows (pages and the API
    paginate it) or a list of dicts for monitoring data (a year of days at most).
    """

    code: str
    kind: str
    unit_id: int
    row_kind: str
    columns: Sequence[Column]
    rows: QuerySet[Any] | list[dict[str, Any]]
    note: str = ""


class Indicator(ABC):
    """A catalogue entry. Subclasses say how to measure and what the drill-down lists."""

    code: str
    name: Promise
    description: Promise
    unit: str = ""
    kinds: frozenset[str] = frozenset({UnitKind.DISTRICT, UnitKind.DEPARTMENT})
    item: ItemKind | None = ItemKind.PROBLEM
    default_rule: Figures
    default_weight: int = 10

    @abstractmethod
    def measure(self, context: Context, kind: str) -> dict[int, Measure]:
        """Every unit of ``kind`` that has rows; units absent get ``empty()``."""

    @abstractmethod
    def drilldown(self, context: Context, kind: str, unit_id: int) -> DrillDown:
        """The rows behind one unit's value."""

    @abstractmethod
    def explain(self, figures: Figures) -> str:
        """How the value came from the figures, in words, for the scorecard."""

    def empty(self) -> Measure:
        """What a unit without any row gets: no value."""
        return Measure(None, {})


def percent(part: int, whole: int) -> Decimal | None:
    return None if not whole else quantize(Decimal(part) * 100 / Decimal(whole))


def ratio(total: Decimal | float, count: int) -> Decimal | None:
    return None if not count else quantize(Decimal(total) / Decimal(count))


def rounded(value: float | None) -> Decimal | None:
    """A float figure (from numpy) as the two-place decimal shown and scored."""
    if value is None or value != value:  # NaN
        return None
    return quantize(Decimal(repr(float(value))))

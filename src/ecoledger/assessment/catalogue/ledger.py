"""Indicators of the ledger: deadlines kept, overdue problems, rebounds, acceptance, follow-ups.

Dates are local dates (the platform's time zone), as deadlines are. Dismissed
problems never count.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    DateField,
    DurationField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecoledger.assessment.catalogue.aggregate import AggregateIndicator, Source, count, via_problem
from ecoledger.assessment.catalogue.base import Column, Figures, Measure, Period, percent
from ecoledger.ledger.choices import FollowUpStatus, Status
from ecoledger.ledger.models import Acceptance, FollowUp, Problem

PROBLEM_COLUMNS = [
    Column("code", gettext_lazy("Problem")),
    Column("title", gettext_lazy("Title")),
    Column("status", gettext_lazy("Status")),
    Column("deadline", gettext_lazy("Deadline")),
]
CLOSED_ON = Column("closed_on", gettext_lazy("Closed on"))
# Closed by the deadline, a local date. Closed before that day began in UTC is on time in
# any time zone: a cheap test first spares most rows the local date (a function call per
# row on SQLite).
_CLOSED_ON_TIME = Q(closed_at__isnull=False) & (
    Q(closed_at__lt=F("deadline")) | Q(closed_at__date__lte=F("deadline")))


def _problems(kind: str, unit_id: int | None) -> tuple[QuerySet[Problem], str]:
    return via_problem(Problem.objects.exclude(status=Status.DISMISSED), kind, unit_id=unit_id)


def _day(value: object) -> Value:
    return Value(value, output_field=DateField())


class ProblemIndicator(AggregateIndicator):
    """Counts problems; exemptions name problems; any change to one moves ``updated_at``."""

    def problem_source(self, rows: QuerySet[Problem], unit: str) -> Source:
        return Source(rows, unit, "pk", "updated_at")


class OnTimeClosure(ProblemIndicator):
    code = "on_time_closure"
    name = gettext_lazy("On-time closure rate")
    description = gettext_lazy(
        "Of the problems whose deadline fell in the period, the share closed (accepted) on or "
        "before the deadline. Problems still open, or closed after the deadline, count as "
        "not on time.")
    unit = "%"
    default_rule = {"kind": "linear", "direction": "higher", "floor": 60, "target": 95}
    default_weight = 15

    def source(self, period: Period, kind: str, unit_id: int | None = None) -> Source:
        rows, unit = _problems(kind, unit_id)
        rows = rows.filter(deadline__gte=period.start, deadline__lte=period.end)
        return self.problem_source(rows, unit)

    def aggregates(self) -> dict[str, Aggregate]:
        return {"due": count(), "on_time": count(_CLOSED_ON_TIME)}

    def value(self, figures: Figures) -> Decimal | None:
        return percent(figures["on_time"], figures["due"])

    def explain(self, figures: Figures) -> str:
        return _("%(on_time)s of %(due)s problems due in the period were closed by their "
                 "deadline.") % figures

    def columns(self) -> list[Column]:
        return [*PROBLEM_COLUMNS, CLOSED_ON, Column("on_time", gettext_lazy("On time"))]

    def row_values(self) -> dict[str, Expression | F]:
        return {"closed_on": TruncDate("closed_at"),
                "on_time": Case(When(_CLOSED_ON_TIME, then=Value(True)), default=Value(False),
                                output_field=BooleanField())}


class Overdue(ProblemIndicator):
    """Problems past their deadline while the units held them (the clock states), in the period.

    A problem is overdue from the day after its deadline until it is submitted
    for acceptance (or closed), and only days inside the period count.
    """

    query_key = "overdue"

    def source(self, period: Period, kind: str, unit_id: int | None = None) -> Source:
        rows, unit = _problems(kind, unit_id)
        stopped_at = Coalesce("submitted_at", "closed_at")
        stopped = Coalesce(TruncDate(stopped_at), _day(period.end))
        # Handed in before the deadline's day began in UTC means handed in on time in any
        # time zone: a cheap test that spares most rows the local date (a function call per
        # row on SQLite).
        rows = rows.alias(stopped_at=stopped_at).filter(
            Q(stopped_at__isnull=True) | Q(stopped_at__gte=F("deadline")),
            deadline__lt=period.end,
        ).annotate(
            overdue_until=Least(stopped, _day(period.end)),
            overdue_from=Greatest(F("deadline"), _day(period.start - timedelta(days=1))),
        ).filter(overdue_until__gt=F("overdue_from"))
        return self.problem_source(rows, unit)

    def aggregates(self) -> dict[str, Aggregate]:
        return {"cases": count(), "days": Sum(_overdue_days())}

    def empty(self) -> Measure:
        """No overdue problem is a count of nought, the best value, not a missing one."""
        return Measure(self.value({"cases": 0, "days": 0}), {"cases": 0, "days": 0})

    def columns(self) -> list[Column]:
        return [*PROBLEM_COLUMNS, Column("overdue_until", gettext_lazy("Overdue until")),
                Column("overdue_days", gettext_lazy("Overdue days in the period"))]

    def row_values(self) -> dict[str, Expression | F]:
        return {"overdue_days": _overdue_days()}

    def explain(self, figures: Figures) -> str:
        return _("%(cases)s problems were overdue in the period (past the deadline, not yet "
                 "submitted for acceptance), %(days)s days in all.") % {
            "cases": figures["cases"], "days": figures["days"] // 86400}


def _overdue_days() -> ExpressionWrapper:
    return ExpressionWrapper(F("overdue_until") - F("overdue_from"),
                             output_field=DurationField())


class OverdueCount(Overdue):
    code = "overdue_count"
    name = gettext_lazy("Overdue problems")
    description = gettext_lazy(
        "The number of problems that were past their deadline on some day of the period while "
        "the units still held them (before submission for acceptance).")
    unit = gettext_lazy(" cases")
    default_rule = {"kind": "deduction", "per_case": 2, "cap": 100}

    def value(self, figures: Figures) -> Decimal | None:
        return Decimal(figures["cases"])


class OverdueDays(Overdue):
    code = "overdue_days"
    name = gettext_lazy("Overdue days")
    description = gettext_lazy(
        "The days of the period that problems spent past their deadline before submission for "
        "acceptance, added up over the problems.")
    unit = gettext_lazy(" days")
    default_rule = {"kind": "deduction", "per_case": 0.05, "cap": 100}
    default_weight = 5

    def value(self, figures: Figures) -> Decimal | None:
        return Decimal(figures["days"] // 86400)


def _reviews_in(period: Period) -> Q:
    return Q(reviewed_at__gte=period.start_at, reviewed_at__lt=period.end_at)


class ReboundRate(ProblemIndicator):
    code = "rebound_rate"
    name = gettext_lazy("Rebound rate")
    description = gettext_lazy(
        "Of the problems that passed an acceptance review (were closed) in the period, the "
        "share that has been reopened as a rebound at least once.")
    unit = "%"
    default_rule = {"kind": "linear", "direction": "lower", "floor": 20, "target": 2}

    def source(self, period: Period, kind: str, unit_id: int | None = None) -> Source:
        closings = Acceptance.objects.filter(_reviews_in(period), problem=OuterRef("pk"),
                                             passed=True)
        rows, unit = _problems(kind, unit_id)
        return self.problem_source(rows.filter(Exists(closings)), unit)

    def aggregates(self) -> dict[str, Aggregate]:
        return {"closed": count(), "rebounded": count(Q(rebound_count__gt=0))}

    def value(self, figures: Figures) -> Decimal | None:
        return percent(figures["rebounded"], figures["closed"])

    def explain(self, figures: Figures) -> str:
        return _("%(rebounded)s of %(closed)s problems closed in the period have rebounded.") % (
            figures)

    def columns(self) -> list[Column]:
        return [*PROBLEM_COLUMNS, CLOSED_ON, Column("rebound_count", gettext_lazy("Rebounds"))]

    def row_values(self) -> dict[str, Expression | F]:
        return {"closed_on": TruncDate("closed_at")}


class FirstPassAcceptance(ProblemIndicator):
    code = "first_pass_acceptance"
    name = gettext_lazy("First-pass acceptance rate")
    description = gettext_lazy(
        "Of the problems whose first acceptance review was decided in the period, the share "
        "that passed that first review (was not sent back).")
    unit = "%"
    default_rule = {"kind": "linear", "direction": "higher", "floor": 50, "target": 95}

    def source(self, period: Period, kind: str, unit_id: int | None = None) -> Source:
        first = Acceptance.objects.filter(problem=OuterRef("pk"), reviewed_at__isnull=False
                                          ).order_by("reviewed_at", "pk")
        rows, unit = _problems(kind, unit_id)
        rows = rows.annotate(
            first_review_at=Subquery(first.values("reviewed_at")[:1]),
            first_passed=Subquery(first.values("passed")[:1], output_field=BooleanField()),
        ).filter(first_review_at__gte=period.start_at, first_review_at__lt=period.end_at)
        return self.problem_source(rows, unit)

    def aggregates(self) -> dict[str, Aggregate]:
        return {"reviewed": count(), "passed": count(Q(first_passed=True))}

    def value(self, figures: Figures) -> Decimal | None:
        return percent(figures["passed"], figures["reviewed"])

    def explain(self, figures: Figures) -> str:
        return _("%(passed)s of %(reviewed)s problems passed their first acceptance review.") % (
            figures)

    def columns(self) -> list[Column]:
        return [*PROBLEM_COLUMNS, Column("first_review_at", gettext_lazy("First review")),
                Column("first_passed", gettext_lazy("Passed"))]

    def row_values(self) -> dict[str, Expression | F]:
        return {}


class FollowUpCompletion(AggregateIndicator):
    code = "followup_completion"
    name = gettext_lazy("Follow-up completion")
    description = gettext_lazy(
        "Of the follow-up checks (回头看) of the unit's closed problems that fell due in the "
        "period, the share carried out (recorded stable or rebound). Checks cancelled because "
        "the problem reopened do not count.")
    unit = "%"
    row_kind = "followups"
    default_rule = {"kind": "linear", "direction": "higher", "floor": 60, "target": 100}
    default_weight = 5
    ordering = ("due_on", "problem_code")

    def source(self, period: Period, kind: str, unit_id: int | None = None) -> Source:
        rows = FollowUp.objects.exclude(status=FollowUpStatus.CANCELLED).filter(
            due_on__gte=period.start, due_on__lte=period.end)
        rows, unit = via_problem(rows, kind, to_problem="problem__", unit_id=unit_id)
        return Source(rows, unit, "problem_id", "recorded_at")

    def aggregates(self) -> dict[str, Aggregate]:
        done = [FollowUpStatus.STABLE, FollowUpStatus.REBOUND]
        return {"due": count(), "done": count(Q(status__in=done))}

    def value(self, figures: Figures) -> Decimal | None:
        return percent(figures["done"], figures["due"])

    def explain(self, figures: Figures) -> str:
        return _("%(done)s of %(due)s follow-ups due in the period were carried out.") % figures

    def columns(self) -> list[Column]:
        return [Column("problem_code", gettext_lazy("Problem")),
                Column("due_on", gettext_lazy("Due on")),
                Column("status", gettext_lazy("Status")),
                Column("recorded_at", gettext_lazy("Recorded at"))]

    def row_values(self) -> dict[str, Expression | F]:
        return {"problem_code": F("problem__code")}

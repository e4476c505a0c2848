"""Indicators of public complaints: how fast they were answered, how satisfied the public was.

A complaint counts for the units of the problem it became part of (merged into
or opened for); complaints not accepted have no problem and no unit. The
drill-down shows tracking codes and dates only: names and phones stay with the
supervisors who handle complaints.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    Aggregate,
    DateTimeField,
    DurationField,
    Expression,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecoledger.assessment.catalogue.aggregate import AggregateIndicator, Source, count, via_problem
from ecoledger.assessment.catalogue.base import Column, Figures, Period, percent, ratio
from ecoledger.assessment.choices import ItemKind
from ecoledger.intake.choices import SATISFIED_VERDICTS
from ecoledger.intake.models import Complaint

DAY_SECONDS = 86400


class ComplaintIndicator(AggregateIndicator):
    item = ItemKind.COMPLAINT
    row_kind = "complaints"
    ordering = ("created_at", "tracking_code")

    def complaints(self, period: Period, kind: str, unit_id: int | None) -> Source:
        rows = Complaint.objects.filter(
            problem__isnull=False, created_at__gte=period.start_at, created_at__lt=period.end_at)
        rows, unit = via_problem(rows, kind, to_problem="problem__", unit_id=unit_id)
        return Source(rows, unit, "pk", "updated_at")

    def base_columns(self) -> list[Column]:
        return [Column("tracking_code", gettext_lazy("Complaint")),
                Column("problem_code", gettext_lazy("Problem")),
                Column("created_at", gettext_lazy("Received at"))]


def _waited(period: Period) -> ExpressionWrapper:
    answered = Coalesce(F("ticket__replied_at"), Value(period.end_at,
                                                       output_field=DateTimeField()))
    return ExpressionWrapper(answered - F("created_at"), output_field=DurationField())


class ComplaintResponseTime(ComplaintIndicator):
    code = "complaint_response_days"
    name = gettext_lazy("Complaint answer time")
    description = gettext_lazy(
        "The mean number of days from receiving a complaint (received in the period) to "
        "answering the complainant; a complaint not yet answered counts until the end of the "
        "period.")
    unit = gettext_lazy(" days")
    default_rule = {"kind": "linear", "direction": "lower", "floor": 30, "target": 5}
    default_weight = 5

    def source(self, period: Period, kind: str, unit_id: int | None = None) -> Source:
        source = self.complaints(period, kind, unit_id)
        return Source(source.rows.annotate(waited=_waited(period)), source.unit, source.item,
                      source.stamp)

    def aggregates(self) -> dict[str, Aggregate]:
        return {"complaints": count(), "answered": count(Q(ticket__replied_at__isnull=False)),
                "waited_seconds": Sum("waited")}

    def value(self, figures: Figures) -> Decimal | None:
        return ratio(Decimal(figures["waited_seconds"]) / DAY_SECONDS, figures["complaints"])

    def explain(self, figures: Figures) -> str:
        return _("%(complaints)s complaints, %(answered)s answered; %(days)s days on average "
                 "from receipt to answer.") % {
            "complaints": figures["complaints"], "answered": figures["answered"],
            "days": self.value(figures)}

    def columns(self) -> list[Column]:
        return [*self.base_columns(), Column("replied_at", gettext_lazy("Answered at")),
                Column("waited", gettext_lazy("Waited"))]

    def row_values(self) -> dict[str, Expression | F]:
        return {"problem_code": F("problem__code"), "replied_at": F("ticket__replied_at")}


class ComplaintSatisfaction(ComplaintIndicator):
    code = "complaint_satisfaction"
    name = gettext_lazy("Complainant satisfaction")
    description = gettext_lazy(
        "Of the complaints received in the period whose complainant was asked on a return call, "
        "the share satisfied or basically satisfied with the answer.")
    unit = "%"
    default_rule = {"kind": "bands", "direction": "higher",
                    "bands": [[95, 100], [90, 90], [80, 75], [70, 60]], "otherwise": 40}
    default_weight = 5

    def source(self, period: Period, kind: str, unit_id: int | None = None) -> Source:
        source = self.complaints(period, kind, unit_id)
        return Source(source.rows.exclude(satisfaction=""), source.unit, source.item,
                      source.stamp)

    def aggregates(self) -> dict[str, Aggregate]:
        satisfied = Q(satisfaction__in=sorted(SATISFIED_VERDICTS))
        return {"rated": count(), "satisfied": count(satisfied)}

    def value(self, figures: Figures) -> Decimal | None:
        return percent(figures["satisfied"], figures["rated"])

    def explain(self, figures: Figures) -> str:
        return _("%(satisfied)s of %(rated)s complainants asked were satisfied or basically "
                 "satisfied.") % figures

    def columns(self) -> list[Column]:
        return [*self.base_columns(), Column("satisfaction", gettext_lazy("Satisfaction"))]

    def row_values(self) -> dict[str, Expression | F]:
        return {"problem_code": F("problem__code")}

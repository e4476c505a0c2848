"""Public disclosure (信息公开) of closed problems: what was found, what was done, when accepted.

The one place that decides what the public sees of the ledger: closed
problems not marked confidential, and of them only the facts of the case —
never a person's name, a phone, a responsible person or who reviewed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import Measure, Problem


@dataclass(frozen=True)
class Disclosure:
    code: str
    title: str
    domain: str
    category: str
    region: str
    found: str
    measures: list[str]
    accepted_at: datetime


def disclosed_problems() -> QuerySet[Problem]:
    measures = Measure.objects.order_by("position", "pk")
    return (
        Problem.objects.filter(status=Status.CLOSED, confidential=False,
                               closed_at__isnull=False)
        .select_related("category", "region", "plan")
        .prefetch_related(Prefetch("plan__measures", queryset=measures))
        .order_by("-closed_at", "-pk")
    )


def disclose(problem: Problem) -> Disclosure:
    plan = getattr(problem, "plan", None)
    return Disclosure(
        code=problem.code, title=problem.title, domain=problem.get_domain_display(),
        category=problem.category.name if problem.category else "",
        region=problem.region.name, found=problem.description,
        measures=[m.description for m in plan.measures.all()] if plan else [],
        accepted_at=problem.closed_at or problem.updated_at,
    )

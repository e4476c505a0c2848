"""Keeping ``ProblemTally`` right: every change that moves a problem between keys.

A problem counts once under its own region and once under each department
among its units, keyed by (status, domain, origin). Services compute the keys
before and after a change and move the difference; ``rebuild`` recounts from
the problems themselves (after bulk loads, and to prove the two agree).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q

from ecoledger.ledger.models import ProblemTally, ProblemUnit

if TYPE_CHECKING:
    from ecoledger.ledger.models import Problem

Key = tuple[str, int, str, str, str, bool]
# Problem fields that are part of a tally key; units are the other part.
KEY_FIELDS = frozenset({"status", "region", "domain", "origin", "rebound_count"})
FIELDS = ("scope_kind", "scope_id", "status", "domain", "origin", "rebounded")
REGION = "region"
DEPARTMENT = "department"


def keys_of(problem: Problem) -> Counter[Key]:
    base = (str(problem.status), str(problem.domain), str(problem.origin),
            problem.rebound_count > 0)
    keys: Counter[Key] = Counter({(REGION, problem.region_id, *base): 1})
    department_ids = set(
        ProblemUnit.objects.filter(problem=problem, department__isnull=False).values_list(
            "department_id", flat=True
        )
    )
    for department_id in department_ids:
        keys[(DEPARTMENT, department_id, *base)] += 1
    return keys


def move(before: Counter[Key], after: Counter[Key]) -> None:
    delta = Counter(after)
    delta.subtract(before)
    for key, change in sorted(delta.items()):
        if change:
            _add(key, change)


def _add(key: Key, change: int) -> None:
    lookup = dict(zip(FIELDS, key, strict=True))
    rows = ProblemTally.objects.filter(**lookup)
    if rows.update(count=F("count") + change):
        return
    # First problem under this key: create the row (a racing writer may do the same).
    ProblemTally.objects.bulk_create([ProblemTally(**lookup, count=0)], ignore_conflicts=True)
    rows.update(count=F("count") + change)


def counted() -> Counter[Key]:
    """Recount every key from the problems (what the tallies must equal)."""
    from ecoledger.ledger.models import Problem

    counts: Counter[Key] = Counter()
    rebounded = Q(rebound_count__gt=0)
    by_region = Problem.objects.values("region_id", "status", "domain", "origin").annotate(
        again=ExpressionWrapper(rebounded, output_field=BooleanField()), n=Count("id")
    )
    for row in by_region.order_by():
        key = (REGION, row["region_id"], row["status"], row["domain"], row["origin"],
               bool(row["again"]))
        counts[key] += row["n"]
    by_department = (
        ProblemUnit.objects.filter(department__isnull=False)
        .values("department_id", "problem__status", "problem__domain", "problem__origin")
        .annotate(
            again=ExpressionWrapper(Q(problem__rebound_count__gt=0), output_field=BooleanField()),
            n=Count("problem_id", distinct=True),
        )
    )
    for row in by_department.order_by():
        key = (DEPARTMENT, row["department_id"], row["problem__status"],
               row["problem__domain"], row["problem__origin"], bool(row["again"]))
        counts[key] += row["n"]
    return counts


def stored() -> Counter[Key]:
    return Counter(
        {
            (t.scope_kind, t.scope_id, t.status, t.domain, t.origin, t.rebounded): t.count
            for t in ProblemTally.objects.exclude(count=0)
        }
    )


@transaction.atomic
def rebuild() -> int:
    ProblemTally.objects.all().delete()
    rows = [ProblemTally(**dict(zip(FIELDS, key, strict=True)), count=n)
            for key, n in counted().items()]
    ProblemTally.objects.bulk_create(rows, batch_size=2000)
    return len(rows)

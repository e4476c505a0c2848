"""Keeping ``ProblemWeekTally``: reports and closures counted per scope and week.

A problem counts under its own region and under each department among its
units, as in ``tallies``; weeks start on Monday in the platform's time zone.
``rebuild`` recounts from the problems' current dates (after bulk loads), which
cannot see closures undone by a rebound.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ecoledger.ledger.models import Problem, ProblemUnit, ProblemWeekTally
from ecoledger.ledger.tallies import DEPARTMENT, REGION, increment

Scope = tuple[str, int]


def week_of(moment: datetime) -> date:
    day = timezone.localdate(moment)
    return day - timedelta(days=day.weekday())


def _scopes(problem: Problem) -> list[Scope]:
    departments = ProblemUnit.objects.filter(problem=problem, department__isnull=False)
    return scopes_for(problem, set(departments.values_list("department_id", flat=True)))


def scopes_for(problem: Problem, department_ids: set[int]) -> list[Scope]:
    """The problem's scopes, its departments given (a batch knows them without asking)."""
    return [(REGION, problem.region_id), *((DEPARTMENT, d) for d in department_ids)]


def _add(scope: Scope, week: date, **changes: int) -> None:
    lookup = {"scope_kind": scope[0], "scope_id": scope[1], "week": week}
    rows = ProblemWeekTally.objects.filter(**lookup)
    update = {name: F(name) + value for name, value in changes.items()}
    if not rows.update(**update):
        ProblemWeekTally.objects.bulk_create([ProblemWeekTally(**lookup)], ignore_conflicts=True)
        rows.update(**update)


def count_reported(problem: Problem) -> None:
    for scope in _scopes(problem):
        _add(scope, week_of(problem.reported_at), reported=1)


def count_closed(problem: Problem) -> None:
    for scope in _scopes(problem):
        _add(scope, week_of(problem.closed_at), **closed_counts(problem))


def closed_counts(problem: Problem) -> dict[str, int]:
    """What a closing adds to its week: one closed, and whether on time."""
    on_time = int(problem.deadline is not None
                  and timezone.localdate(problem.closed_at) <= problem.deadline)
    return {"closed": 1, "closed_on_time": on_time}


def add_counts(counts: Mapping[tuple[Scope, date], Mapping[str, int]]) -> None:
    """Add a batch's counts, summed per scope and week: ``_add`` in bulk (``tallies.add_many``)."""
    if not counts:
        return
    ProblemWeekTally.objects.bulk_create(
        [ProblemWeekTally(scope_kind=kind, scope_id=scope_id, week=week)
         for (kind, scope_id), week in sorted(counts)],
        ignore_conflicts=True, batch_size=500,
    )
    increment(ProblemWeekTally, {"reported": 0, "closed": 0, "closed_on_time": 0},
              ("scope_kind", "scope_id", "week"),
              [(changes, (kind, scope_id, week))
               for ((kind, scope_id), week), changes in sorted(counts.items())])


@transaction.atomic
def rebuild() -> int:
    """Recount from the problems (bulk loads, repairs)."""
    counts: Counter[tuple[str, int, date, str]] = Counter()
    departments: dict[int, set[int]] = {}
    for problem_id, department_id in ProblemUnit.objects.filter(
        department__isnull=False
    ).values_list("problem_id", "department_id").iterator(chunk_size=5000):
        departments.setdefault(problem_id, set()).add(department_id)
    rows = Problem.objects.values_list("pk", "region_id", "reported_at", "closed_at", "deadline")
    for pk, region_id, reported_at, closed_at, deadline in rows.iterator(chunk_size=5000):
        scopes = [(REGION, region_id), *((DEPARTMENT, d) for d in departments.get(pk, ()))]
        for kind, scope_id in scopes:
            counts[(kind, scope_id, week_of(reported_at), "reported")] += 1
            if closed_at is not None:
                week = week_of(closed_at)
                counts[(kind, scope_id, week, "closed")] += 1
                if deadline is not None and timezone.localdate(closed_at) <= deadline:
                    counts[(kind, scope_id, week, "closed_on_time")] += 1
    merged: dict[tuple[str, int, date], dict[str, int]] = {}
    for (kind, scope_id, week, metric), n in counts.items():
        merged.setdefault((kind, scope_id, week), {})[metric] = n
    ProblemWeekTally.objects.all().delete()
    ProblemWeekTally.objects.bulk_create(
        [ProblemWeekTally(scope_kind=k, scope_id=i, week=w, **metrics)
         for (k, i, w), metrics in merged.items()],
        batch_size=2000,
    )
    return len(merged)

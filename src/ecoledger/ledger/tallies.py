"""Keeping ``ProblemTally`` right: every change that moves a problem between keys.

A problem counts once under its own region and once under each department
among its units, keyed by (status, domain, origin). Services compute the keys
before and after a change and move the difference; ``rebuild`` recounts from
the problems themselves (after bulk loads, and to prove the two agree).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Model, Q

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
    department_ids = set(
        ProblemUnit.objects.filter(problem=problem, department__isnull=False).values_list(
            "department_id", flat=True
        )
    )
    return keys_for(problem, department_ids)


def keys_for(problem: Problem, department_ids: set[int]) -> Counter[Key]:
    """The problem's keys, its departments given (a batch knows them without asking)."""
    base = (str(problem.status), str(problem.domain), str(problem.origin),
            problem.rebound_count > 0)
    keys: Counter[Key] = Counter({(REGION, problem.region_id, *base): 1})
    for department_id in department_ids:
        keys[(DEPARTMENT, department_id, *base)] += 1
    return keys


def move(before: Counter[Key], after: Counter[Key]) -> None:
    delta = Counter(after)
    delta.subtract(before)
    for key, change in sorted(delta.items()):
        if change:
            _add(key, change)


def add_many(deltas: Mapping[Key, int]) -> None:
    """``move``'s additions for many keys at once (a batch import): ``_add`` in bulk.

    Missing rows are created first (a racing writer may do the same), then
    each key gets the same atomic increment as ``_add``'s, sent as one
    statement with many parameter rows: the ORM would compile one update per
    key, and its ``bulk_update`` writes values read earlier, not increments.
    """
    deltas = {key: change for key, change in deltas.items() if change}
    if not deltas:
        return
    ProblemTally.objects.bulk_create(
        [ProblemTally(**dict(zip(FIELDS, key, strict=True)), count=0) for key in sorted(deltas)],
        ignore_conflicts=True, batch_size=500,
    )
    increment(ProblemTally, {"count": 0}, FIELDS,
              [({"count": change}, key) for key, change in sorted(deltas.items())])


def increment(model: type[Model], columns: Mapping[str, int], key_fields: Sequence[str],
              rows: Sequence[tuple[Mapping[str, int], Sequence[Any]]]) -> None:
    """Add to ``columns`` of the rows found by their ``key_fields``: one statement, many rows."""
    quote, table = connection.ops.quote_name, model._meta.db_table
    sets = ", ".join(f"{quote(column)} = {quote(column)} + %s"
                     for column in (model._meta.get_field(name).column for name in columns))
    where = " AND ".join(f"{quote(model._meta.get_field(name).column)} = %s"
                         for name in key_fields)
    params = [[*(changes.get(name, 0) for name in columns),
               *(model._meta.get_field(name).get_db_prep_value(value, connection)
                 for name, value in zip(key_fields, key, strict=True))]
              for changes, key in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {quote(table)} SET {sets} WHERE {where}", params)


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

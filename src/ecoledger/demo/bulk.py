"""Loading very many problems fast, for benchmarks and load tests.

Problems are made in batches with bulk inserts rather than one service call
each (a million problems through the services would take hours). They are
still real ledger rows: units, tallies rebuilt from them, and a registration
event each in the audit chain, stamped with the time of the load.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ecoledger.audit.services import Entry, record_many
from ecoledger.ledger import tallies, weekly
from ecoledger.ledger.choices import Origin, Severity, Status, UnitRole
from ecoledger.ledger.codes import reserve_codes
from ecoledger.ledger.models import Category, Problem, ProblemUnit
from ecoledger.ledger.schedule import schedule_due_on
from ecoledger.org.choices import RegionLevel
from ecoledger.org.models import Department, PollutionSource, Region, User

BATCH = 10_000


@dataclass
class _Pools:
    towns: list[Region]
    departments: list[Department]
    categories: list[Category]
    sources_by_region: dict[int, list[PollutionSource]]
    actor: User


def _pools(actor: User) -> _Pools:
    sources: dict[int, list[PollutionSource]] = defaultdict(list)
    for source in PollutionSource.objects.all():
        sources[source.region_id].append(source)
    towns = list(Region.objects.filter(level=RegionLevel.TOWN))
    if not towns:
        raise RuntimeError("bulk loading needs a region tree with towns; build the city first")
    return _Pools(towns, list(Department.objects.all()), list(Category.objects.all()), sources,
                  actor)


def _status_for(age_days: int, rng: random.Random) -> str:
    """Older problems are mostly closed; new ones are still on their way."""
    roll = rng.random()
    if age_days > 120:
        return Status.CLOSED if roll < 0.88 else (
            Status.DISMISSED if roll < 0.93 else Status.RECTIFYING)
    if age_days > 30:
        return [Status.CLOSED, Status.RECTIFYING, Status.PENDING_ACCEPTANCE,
                Status.DISMISSED][min(3, int(roll * 4))]
    return [Status.REPORTED, Status.ASSIGNED, Status.RECTIFYING, Status.CONTESTED][
        min(3, int(roll * 4))]


def _problem(pools: _Pools, rng: random.Random, today: date, code: str, reported: datetime):
    town = rng.choice(pools.towns)
    category = rng.choice(pools.categories)
    status = _status_for((today - reported.date()).days, rng)
    assigned = status != Status.REPORTED and status != Status.DISMISSED
    deadline = reported.date() + timedelta(days=rng.randint(30, 120)) if assigned else None
    total = rng.randint(2, 4) if assigned else 0
    done = total if status in (Status.CLOSED, Status.PENDING_ACCEPTANCE) else rng.randint(0, total)
    source = rng.choice(pools.sources_by_region[town.pk]) if (
        pools.sources_by_region.get(town.pk) and rng.random() < 0.4) else None
    closed = status == Status.CLOSED
    return Problem(
        code=code,
        title=f"{category.name}问题（{town.name}）",
        description=f"{town.name}发现{category.name}问题，需要整改。",
        domain=category.domain,
        category=category,
        origin=rng.choice(Origin.values),
        severity=rng.choice([Severity.GENERAL] * 6 + [Severity.SERIOUS] * 3 + [Severity.MAJOR]),
        latitude=(town.latitude or 32.0) + rng.uniform(-0.03, 0.03),
        longitude=(town.longitude or 118.8) + rng.uniform(-0.03, 0.03),
        region=town,
        district_id=town.district_id,
        source=source,
        enterprise_id=source.enterprise_id if source else None,
        deadline=deadline,
        status=status,
        reported_at=reported,
        reported_by=pools.actor,
        assigned_at=reported + timedelta(days=2) if assigned else None,
        started_on=reported.date() + timedelta(days=2) if assigned else None,
        closed_at=reported + timedelta(days=rng.randint(20, 100)) if closed else None,
        rebound_count=1 if closed and rng.random() < 0.04 else 0,
        measures_total=total,
        measures_done=done,
        schedule_due_on=schedule_due_on(
            reported.date() + timedelta(days=2), deadline, total, done) if assigned else None,
        updated_at=reported,
    )


def bulk_problems(count: int, *, actor: User, rng: random.Random, today: date) -> int:
    pools = _pools(actor)
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        _load_batch(pools, rng, today, size)
        made += size
    tallies.rebuild()
    weekly.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return made


@transaction.atomic
def _load_batch(pools: _Pools, rng: random.Random, today: date, size: int) -> None:
    zone = timezone.get_current_timezone()
    moments = sorted(
        datetime.combine(today - timedelta(days=rng.randint(0, 364)),
                         time(rng.randint(7, 19), rng.randint(0, 59)), zone)
        for _ in range(size)
    )
    by_year: dict[int, list[datetime]] = defaultdict(list)
    for moment in moments:
        by_year[moment.year].append(moment)
    problems: list[Problem] = []
    for year, year_moments in sorted(by_year.items()):
        codes = reserve_codes(year, len(year_moments))
        problems += [_problem(pools, rng, today, c, m) for c, m in zip(codes, year_moments,
                                                                          strict=True)]
    Problem.objects.bulk_create(problems)
    ProblemUnit.objects.bulk_create(_units(problems, pools, rng))
    record_many([
        Entry("ledger.problem.registered", pools.actor, problem,
              changes={"status": [None, problem.status]}, message="bulk load")
        for problem in problems
    ])


def _units(problems: list[Problem], pools: _Pools, rng: random.Random) -> list[ProblemUnit]:
    units: list[ProblemUnit] = []
    for problem in problems:
        if problem.status in (Status.REPORTED, Status.DISMISSED):
            continue
        units.append(ProblemUnit(problem=problem, role=UnitRole.LEAD,
                                 region_id=problem.district_id))
        if pools.departments and rng.random() < 0.7:
            units.append(ProblemUnit(problem=problem, role=UnitRole.RESPONSIBLE,
                                     department=rng.choice(pools.departments)))
    return units


def summary() -> dict[str, Any]:
    return {"problems": Problem.objects.count(), "units": ProblemUnit.objects.count()}

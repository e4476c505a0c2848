"""A year of problems replayed through the real services: the demo's ledger and audit chain.

Each problem gets a fate (the state it is in when the history ends) and a
whole life planned to reach it; the life is then placed in the calendar so
that the end of the history falls inside the fate's state. Steps after the
end are dropped, which leaves recent problems open and a realistic share of
them late, and follow-up checks due after the end pending. The public's
complaints that no problem stands behind (declined ones, the newest ones
waiting in triage) are dated on their own. All steps then run in one global
time order, each under the frozen clock of its moment, so the audit chain
reads forwards in time like a real one.
"""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, QuerySet, TextChoices
from django.utils import timezone

from ecoledger.audit.models import Event
from ecoledger.demo import complaints, steps
from ecoledger.demo.cases import Case, Caster
from ecoledger.demo.lives import Beat, Fate, LifePlanner, window
from ecoledger.intake.choices import ComplaintStatus
from ecoledger.intake.models import Complaint
from ecoledger.ledger.choices import OPEN_STATES, FollowUpStatus, LinkKind, Status, TrafficLight
from ecoledger.ledger.models import Category, FollowUp, Problem, ProblemLink
from ecoledger.lib import clock

if TYPE_CHECKING:
    from ecoledger.demo.city import DemoCity

MAX_AGE = 365
# The state problems are in when the history ends (roughly what a city's ledger shows).
SHARES: tuple[tuple[Status, float], ...] = (
    (Status.CLOSED, 0.60),
    (Status.RECTIFYING, 0.17),
    (Status.ASSIGNED, 0.06),
    (Status.PENDING_ACCEPTANCE, 0.06),
    (Status.DISMISSED, 0.05),
    (Status.REPORTED, 0.04),
    (Status.CONTESTED, 0.02),
)
REBOUND_SHARE = 0.045
CONTEST_SHARE = 0.06
REJECT_SHARE = 0.12
# Late units are commoner among problems still open: that is partly why they are open.
LAGGARD_SHARE = {Status.CLOSED: 0.3, Status.PENDING_ACCEPTANCE: 0.3}
LAGGARD_SHARE_OPEN = 0.6
LINK_SHARES = {LinkKind.SAME_SOURCE: 0.6, LinkKind.SAME_WATER_BODY: 0.35}
PLANNING_ATTEMPTS = 10
WORKDAY_START = clock_time(8, 30)


@dataclass(frozen=True)
class SeedReport:
    problems: int
    by_status: dict[str, int]
    by_light: dict[str, int]  # of the problems whose deadline runs, at the history's end
    rebounded: int
    links: int
    complaints: dict[str, int]  # by status
    followups: dict[str, int]  # by status
    events: int  # audit events written
    seconds: float

    def __str__(self) -> str:
        statuses = ", ".join(f"{status} {count}" for status, count in self.by_status.items())
        lights = ", ".join(f"{light} {count}" for light, count in self.by_light.items())
        filed = ", ".join(f"{status} {count}" for status, count in self.complaints.items())
        checks = ", ".join(f"{status} {count}" for status, count in self.followups.items())
        return (f"{self.problems} problems ({statuses}); traffic lights: {lights}; "
                f"{self.rebounded} rebounded; {self.links} links; complaints: {filed}; "
                f"follow-ups: {checks}; {self.events} audit events; {self.seconds:.1f} s")


@dataclass(frozen=True)
class Step:
    at: datetime
    case: int
    order: int
    run: Callable[[], None]


def seed_history(
    city: DemoCity, rng: random.Random, *, problems: int = 600, today: date | None = None
) -> SeedReport:
    """Register ``problems`` problems over the year before ``today`` and drive each to its fate.

    Steps: deal the fates; cast each problem and plan its life; place each
    life so that ``today`` falls where its fate says; link problems on the
    same source or water; date the complaints that no problem stands
    behind; run every step in time order under the frozen clock; count what
    came out.
    """
    started = time.perf_counter()
    today = today or clock.today()
    events_before = Event.objects.count()
    caster = Caster(city, rng, Category.objects.in_bulk(field_name="code"))
    runtime = steps.Runtime(city, random.Random(rng.getrandbits(64)))
    lives: list[tuple[Case, list[Beat]]] = []
    open_cases: list[Case] = []
    for index, fate in enumerate(deal_fates(problems, rng)):
        case = caster.cast(index, contested=fate.contest)
        lives.append((case, _place(case, fate, rng, runtime, today)))
        if fate.target in OPEN_STATES:
            open_cases.append(case)
    _link(lives, rng, runtime)
    unattached = complaints.unattached(open_cases, caster.categories, rng, runtime,
                                       problems=problems, today=today, max_age=MAX_AGE)
    with transaction.atomic(), _quiet(logging.getLogger("ecoledger")):
        for step in _schedule(lives, unattached, today, rng):
            with clock.frozen_at(step.at):
                step.run()
    return _report(problems, today, events_before, time.perf_counter() - started)


@contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """Warnings only: a year replayed in a minute would log every complaint of the year."""
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def deal_fates(total: int, rng: random.Random) -> list[Fate]:
    """Fates in the shares of ``SHARES``, every state at least once, in random order."""
    targets = [status for status, count in _quota(total).items() for _ in range(count)]
    rng.shuffle(targets)
    rebounds = round(total * REBOUND_SHARE)
    # Two in three rebounded problems have been closed again; the rest are being fixed anew.
    closed = [i for i, target in enumerate(targets) if target == Status.CLOSED]
    rectifying = [i for i, target in enumerate(targets) if target == Status.RECTIFYING]
    rebounding = {
        *rng.sample(closed, min(len(closed), rebounds - rebounds // 3)),
        *rng.sample(rectifying, min(len(rectifying), rebounds // 3)),
    }
    fates = []
    for index, target in enumerate(targets):
        if target in {Status.REPORTED, Status.DISMISSED}:
            fates.append(Fate(target))
            continue
        contest = target == Status.CONTESTED or rng.random() < CONTEST_SHARE
        reject = target != Status.ASSIGNED and rng.random() < REJECT_SHARE
        laggard = rng.random() < LAGGARD_SHARE.get(target, LAGGARD_SHARE_OPEN)
        fates.append(Fate(target, contest, reject, laggard, index in rebounding))
    return fates


def _quota(total: int) -> dict[Status, int]:
    """Largest-remainder rounding of the shares; no state left empty when there is room."""
    exact = {status: share * total for status, share in SHARES}
    counts = {status: int(value) for status, value in exact.items()}
    by_remainder = sorted(exact, key=lambda status: exact[status] - counts[status], reverse=True)
    for status in by_remainder[: total - sum(counts.values())]:
        counts[status] += 1
    if total >= len(SHARES):
        for status, count in counts.items():
            if count == 0:
                counts[status] = 1
                counts[Status.CLOSED] -= 1
    return counts


def _place(
    case: Case, fate: Fate, rng: random.Random, runtime: steps.Runtime, today: date
) -> list[Beat]:
    """Plan the case's life and date its report so that ``today`` falls in its fate's window.

    A long life (a late rectification and a rebound) may not fit in the
    year; it is planned again, and at last without the optional turns.
    """
    plain = Fate(fate.target, contest=fate.target == Status.CONTESTED)
    for attempt in range(PLANNING_ATTEMPTS + 1):
        beats = LifePlanner(case, fate if attempt < PLANNING_ATTEMPTS else plain, rng,
                            runtime).plan()
        ages = window(beats, fate.target, MAX_AGE)
        if ages is not None:
            case.registered_on = today - timedelta(days=rng.randint(*ages))
            return beats
    raise RuntimeError(f"no life of case {case.index} reaches {fate.target} within a year")


def _link(lives: list[tuple[Case, list[Beat]]], rng: random.Random,
          runtime: steps.Runtime) -> None:
    """Link some problems to an earlier one on the same source or, failing that, the same water."""
    groups: dict[tuple[str, int], list[tuple[Case, list[Beat]]]] = defaultdict(list)
    for case, beats in lives:
        if any(beat.state == Status.DISMISSED for beat in beats):
            continue
        if case.source is not None:
            groups[(LinkKind.SAME_SOURCE, case.source.pk)].append((case, beats))
        elif case.water_body is not None:
            groups[(LinkKind.SAME_WATER_BODY, case.water_body.pk)].append((case, beats))
    for (kind, _pk), members in groups.items():
        members.sort(key=lambda member: (member[0].registered_on, member[0].index))
        for position, (case, beats) in enumerate(members[1:], start=1):
            if rng.random() >= LINK_SHARES[kind]:
                continue
            other = rng.choice(members[:position])[0]
            user = runtime.city.supervisors[0]
            if other.district == case.district and rng.random() < 0.5:
                user = runtime.city.inspector_of(case.district)
            beats.append(Beat(rng.randint(1, 3), partial(steps.link, case, runtime, other=other,
                                                         user=user, kind=kind)))
            beats.sort(key=lambda beat: beat.day)


def _schedule(lives: list[tuple[Case, list[Beat]]], unattached: list[complaints.Dated],
              today: date, rng: random.Random) -> list[Step]:
    """Give each beat before ``today`` a moment in office hours; merge all in time order.

    The moments of ``unattached`` complaints are their own; they sort after the cases.
    """
    scheduled = [Step(at, len(lives), order, run)
                 for order, (at, run) in enumerate(unattached)]
    for case, beats in lives:
        moment: datetime | None = None
        for order, beat in enumerate(beats):
            on = case.on(beat.day)
            if on >= today:
                break
            if moment is None or timezone.localdate(moment) != on:
                moment = timezone.make_aware(datetime.combine(on, WORKDAY_START))
                moment += timedelta(minutes=rng.randint(0, 540), seconds=rng.randint(0, 59))
            else:
                moment += timedelta(minutes=rng.randint(3, 40), seconds=rng.randint(0, 59))
            scheduled.append(Step(moment, case.index, order, beat.run))
    scheduled.sort(key=lambda step: (step.at, step.case, step.order))
    return scheduled


def _report(problems: int, today: date, events_before: int, seconds: float) -> SeedReport:
    counts = dict(Problem.objects.order_by().values_list("status").annotate(n=Count("id")))
    return SeedReport(
        problems=problems,
        by_status={status.value: counts.get(status.value, 0) for status in Status},
        by_light={light.value: Problem.objects.with_light(light, today).count()
                  for light in TrafficLight},
        rebounded=Problem.objects.filter(rebound_count__gt=0).count(),
        links=ProblemLink.objects.count(),
        complaints=_by_status(Complaint.objects.all(), ComplaintStatus),
        followups=_by_status(FollowUp.objects.all(), FollowUpStatus),
        events=Event.objects.count() - events_before,
        seconds=round(seconds, 1),
    )


def _by_status(rows: QuerySet, statuses: type[TextChoices]) -> dict[str, int]:
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in statuses.values}

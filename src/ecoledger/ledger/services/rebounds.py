"""Rebound detection: flag closed problems when news appears near them, and decide the flags.

The detection job compares every piece of news since the oldest closing in
the window with the problems closed before it: within ``REBOUND_RADIUS_M``
(haversine on WGS-84) or at the same pollution source, and no later than
``REBOUND_WINDOW_DAYS`` after the closing. Closed problems are put in a grid
of cells one radius wide, so each item is compared with its neighbours only.
Each suspicion is recorded once; a supervisor confirms it (the workflow's
rebound action) or dismisses it with a reason.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ecoledger.audit.services import record
from ecoledger.ledger.choices import Status, SuspicionStatus
from ecoledger.ledger.models import Problem, SuspectedRebound
from ecoledger.ledger.rebound_news import News, news_since
from ecoledger.ledger.services.acceptance import rebound_problem
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput, StateConflict
from ecoledger.lib.geo import distance_m
from ecoledger.org.choices import Role
from ecoledger.org.models import User

_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Closed:
    pk: int
    latitude: float | None
    longitude: float | None
    source_id: int | None
    closed_at: datetime


class _Grid:
    """Closed problems by cell, the cells at least one radius wide at every latitude present."""

    def __init__(self, problems: list[Closed], radius_m: float) -> None:
        placed = [(p, p.latitude, p.longitude) for p in problems
                  if p.latitude is not None and p.longitude is not None]
        widest = max((abs(latitude) for _p, latitude, _l in placed), default=0.0)
        shrink = math.cos(math.radians(min(widest + 1.0, 89.0)))
        self.cell = radius_m / (_METRES_PER_DEGREE * shrink)
        self.cells: dict[tuple[int, int], list[tuple[Closed, float, float]]] = defaultdict(list)
        for problem, latitude, longitude in placed:
            self.cells[self._key(latitude, longitude)].append((problem, latitude, longitude))

    def _key(self, latitude: float, longitude: float) -> tuple[int, int]:
        return math.floor(latitude / self.cell), math.floor(longitude / self.cell)

    def near(self, latitude: float, longitude: float) -> Iterator[tuple[Closed, float, float]]:
        """Problems in the cell of the point and the eight around it, with their position."""
        row, column = self._key(latitude, longitude)
        for d_row in (-1, 0, 1):
            for d_column in (-1, 0, 1):
                yield from self.cells.get((row + d_row, column + d_column), ())


def _matches(news: News, grid: _Grid, by_source: dict[int, list[Closed]], radius: float
             ) -> Iterator[tuple[Closed, float | None, bool]]:
    """The closed problems the news is near or shares a source with, with the distance."""
    found: dict[int, tuple[Closed, float | None, bool]] = {}
    if news.latitude is not None and news.longitude is not None:
        for problem, latitude, longitude in grid.near(news.latitude, news.longitude):
            metres = distance_m(news.longitude, news.latitude, longitude, latitude)
            if metres <= radius:
                found[problem.pk] = (problem, metres, False)
    for problem in by_source.get(news.source_id, []) if news.source_id else []:
        metres = found[problem.pk][1] if problem.pk in found else None
        found[problem.pk] = (problem, metres, True)
    yield from found.values()


def detect_rebounds() -> dict[str, Any]:
    """Flag closed problems that news suggests came back; idempotent (each flag once)."""
    now = clock.now()
    window = timedelta(days=settings.REBOUND_WINDOW_DAYS)
    candidates = Problem.objects.filter(status=Status.CLOSED, closed_at__gte=now - window)
    closed = [Closed(*row) for row in candidates.values_list(
        "pk", "latitude", "longitude", "source_id", "closed_at")]
    if not closed:
        return {"closed": 0, "news": 0, "flagged": 0}
    radius = float(settings.REBOUND_RADIUS_M)
    grid = _Grid(closed, radius)
    by_source: dict[int, list[Closed]] = defaultdict(list)
    for problem in closed:
        if problem.source_id:
            by_source[problem.source_id].append(problem)
    seen = set(SuspectedRebound.objects.filter(problem__in=candidates.values("pk"))
               .values_list("problem_id", "kind", "signal_id"))
    news_count = flagged = 0
    for news in news_since(min(p.closed_at for p in closed)):
        news_count += 1
        for problem, metres, same_source in _matches(news, grid, by_source, radius):
            key = (problem.pk, news.kind.value, news.id)
            fresh = problem.closed_at < news.at <= problem.closed_at + window
            if key in seen or not fresh:
                continue
            seen.add(key)
            flagged += _flag(problem, news, metres, same_source, now)
    return {"closed": len(closed), "news": news_count, "flagged": flagged}


@transaction.atomic
def _flag(problem: Closed, news: News, metres: float | None, same_source: bool,
          now: datetime) -> int:
    suspicion, created = SuspectedRebound.objects.get_or_create(
        problem_id=problem.pk, kind=news.kind, signal_id=news.id,
        defaults={"signal_label": news.label[:255], "signal_at": news.at,
                  "distance_m": None if metres is None else round(metres, 1),
                  "same_source": same_source, "detected_at": now},
    )
    if created:
        subject = Problem.objects.get(pk=problem.pk)
        record("ledger.problem.rebound_suspected", actor=None, target=suspicion,
               subject=subject, message=describe(suspicion))
    return int(created)


def describe(suspicion: SuspectedRebound) -> str:
    """What was found and where, in words: the reason a supervisor reads."""
    where = []
    if suspicion.distance_m is not None:
        where.append(_("%(m)s m away") % {"m": f"{suspicion.distance_m:.0f}"})
    if suspicion.same_source:
        where.append(_("at the same pollution source"))
    return _("%(kind)s %(label)s, %(where)s") % {
        "kind": suspicion.get_kind_display(), "label": suspicion.signal_label,
        "where": pgettext("list separator", ", ").join(where)}


def check_may_decide(user: User) -> None:
    if user.role != Role.SUPERVISOR:
        raise ActionRefused(_("Only a supervisor decides suspected rebounds."),
                            code="refused_role")


def _decide(suspicion: SuspectedRebound, user: User, status: SuspicionStatus,
            reason: str) -> None:
    check_may_decide(user)
    if not reason:
        raise InvalidInput.field("reason", _("Give the reason for the decision."))
    now = clock.now()
    moved = SuspectedRebound.objects.filter(pk=suspicion.pk, status=SuspicionStatus.OPEN).update(
        status=status, decided_by=user, decided_at=now, decision_reason=reason)
    if not moved:
        raise StateConflict(_("This suspicion was already decided."), code="refused_state")
    suspicion.status, suspicion.decided_by, suspicion.decided_at = status, user, now
    suspicion.decision_reason = reason
    record(f"ledger.problem.rebound_{status}", actor=user, target=suspicion,
           subject=suspicion.problem, changes={"suspicion": [SuspicionStatus.OPEN, status]},
           message=reason)


@transaction.atomic
def confirm_suspicion(suspicion: SuspectedRebound, *, acting_user: User, reason: str,
                      deadline: date) -> Problem:
    """The problem did come back: reopen it through the workflow's rebound action."""
    reason = reason.strip()
    _decide(suspicion, acting_user, SuspicionStatus.CONFIRMED, reason)
    return rebound_problem(suspicion.problem, acting_user=acting_user, reason=reason,
                           deadline=deadline)


@transaction.atomic
def dismiss_suspicion(suspicion: SuspectedRebound, *, acting_user: User,
                      reason: str) -> SuspectedRebound:
    """Not a rebound (another cause, another place): keep the flag, closed, with the reason."""
    _decide(suspicion, acting_user, SuspicionStatus.DISMISSED, reason.strip())
    return suspicion

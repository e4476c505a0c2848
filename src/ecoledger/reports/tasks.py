"""Briefing jobs, run by ``ecoledger worker``.

``schedule_briefings`` runs every hour and queues the briefings of the last
completed week (on Mondays, for last week) and month (on the 1st, for last
month) for the city and every district, once per period and scope (the job's
unique key): a worker that was down on Monday makes them when it comes back.
They are spread a couple of minutes apart: each takes seconds (LibreOffice
most of them), and the one worker sends notifications in between.
``generate_briefing`` makes one; run twice for the same period it stores
nothing new unless the figures changed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from ecoledger.jobs.registry import job
from ecoledger.jobs.services import enqueue
from ecoledger.lib import clock
from ecoledger.org.choices import RegionLevel
from ecoledger.org.models import Region, User
from ecoledger.reports.briefing import services
from ecoledger.reports.briefing.figures import Period, Scope
from ecoledger.reports.models import ReportKind

GENERATE_JOB = "reports.generate_briefing"
SCHEDULE_JOB = "reports.schedule_briefings"
SPACING = timedelta(minutes=2)


@job(GENERATE_JOB, timeout=900)
def generate_briefing(kind: str, day: str, region: int | None = None,
                      user: int | None = None) -> dict[str, Any]:
    """One briefing; ``user`` is the supervisor who asked for it (None: the schedule)."""
    briefing = services.generate_briefing(
        kind, date.fromisoformat(day),
        acting_user=User.objects.get(pk=user) if user else None,
        region=Region.objects.get(pk=region) if region else None,
    )
    return {"report": briefing.document.pk, "pdf": briefing.pdf.pk if briefing.pdf else None,
            "created": briefing.created, "figures_sha256": briefing.document.figures_sha256}


def last_completed(kind: str, today: date) -> Period:
    """The last week (Monday to Sunday) or calendar month that has ended before ``today``."""
    current = Period.of(kind, today)
    return Period.of(kind, current.start - timedelta(days=1))


def queue_briefing(period: Period, region: Region | None, *, user: User | None = None,
                   unique: bool = True, run_after: datetime | None = None) -> bool:
    """Queue one briefing; a scheduled one (``unique``) at most once per period and scope."""
    scope = Scope.of(region)
    key = f"{GENERATE_JOB}:{period.kind}:{period.key}:{scope.key}" if unique else None
    payload = {"kind": period.kind, "day": period.start.isoformat(),
               "region": None if scope.is_city else scope.region.pk,
               "user": user.pk if user else None}
    return enqueue(GENERATE_JOB, payload, unique_key=key, run_after=run_after) is not None


@job(SCHEDULE_JOB, every=3600)
def schedule_briefings() -> dict[str, int]:
    if not Region.objects.filter(level=RegionLevel.CITY).exists():
        return {"queued": 0}  # nothing to brief on before the city is set up
    today, now = clock.today(), clock.now()
    queued = 0
    for kind in (ReportKind.WEEKLY_BRIEFING, ReportKind.MONTHLY_BRIEFING):
        period = last_completed(kind, today)
        for region in [None, *Region.objects.districts().order_by("code")]:
            queued += queue_briefing(period, region, run_after=now + queued * SPACING)
    return {"queued": queued}

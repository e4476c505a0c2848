"""Enqueueing, claiming and finishing jobs.

A job enqueued inside a transaction commits with it (no job for a change
that rolled back, no change without its job). Claiming is a compare-and-set
on the row, so two workers never run the same job; a job whose worker died
is taken again once its lock expires.
"""

from __future__ import annotations

import logging
import traceback
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from ecoledger.jobs.models import Job, JobStatus, Schedule
from ecoledger.jobs.registry import JOBS
from ecoledger.lib import clock

log = logging.getLogger(__name__)


def enqueue(
    name: str,
    payload: dict[str, Any] | None = None,
    *,
    run_after: datetime | None = None,
    unique_key: str | None = None,
) -> Job | None:
    """Queue a job; with a ``unique_key`` that was queued before, nothing new (returns None)."""
    if name not in JOBS:
        raise ValueError(f"no job is registered under {name!r}")
    now = clock.now()
    try:
        with transaction.atomic():
            return Job.objects.create(
                name=name, payload=payload or {}, unique_key=unique_key,
                run_after=run_after or now, created_at=now,
            )
    except IntegrityError:
        return None


def enqueue_due_schedules() -> int:
    """Create the job of every periodic schedule whose time has come (once per due time)."""
    now = clock.now()
    for spec in JOBS.values():
        if spec.every:
            Schedule.objects.get_or_create(
                name=spec.name, defaults={"interval_seconds": spec.every, "next_run_at": now}
            )
    made = 0
    for schedule in Schedule.objects.filter(next_run_at__lte=now, name__in=list(JOBS)):
        due = schedule.next_run_at
        moved = Schedule.objects.filter(pk=schedule.pk, next_run_at=due).update(
            next_run_at=max(due, now) + timedelta(seconds=schedule.interval_seconds),
            last_run_at=now,
        )
        if moved and enqueue(schedule.name, unique_key=f"{schedule.name}@{due.isoformat()}"):
            made += 1
    return made


def claim_next(worker: str) -> Job | None:
    now = clock.now()
    due = Q(status=JobStatus.QUEUED, run_after__lte=now) | Q(
        status=JobStatus.RUNNING, locked_until__lt=now
    )
    candidates = Job.objects.filter(due).order_by("run_after").values("pk", "status", "name")
    for candidate in candidates[:5]:
        spec = JOBS.get(candidate["name"])
        timeout = spec.timeout if spec else 600
        claimed = Job.objects.filter(pk=candidate["pk"], status=candidate["status"]).filter(
            due
        ).update(status=JobStatus.RUNNING, locked_until=now + timedelta(seconds=timeout))
        if claimed:
            job = Job.objects.get(pk=candidate["pk"])
            Job.objects.filter(pk=job.pk).update(attempts=job.attempts + 1)
            job.attempts += 1
            return job
    return None


def run(job: Job) -> None:
    """Run a claimed job and record how it ended; failures retry with growing delays."""
    spec = JOBS.get(job.name)
    now = clock.now
    try:
        if spec is None:
            raise LookupError(f"no job is registered under {job.name!r}")
        result = spec.function(**job.payload)
    except Exception as error:  # every failure is recorded on the job
        log.exception("job %s #%s failed", job.name, job.pk)
        retry = job.attempts < job.max_attempts and spec is not None
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.QUEUED if retry else JobStatus.FAILED,
            run_after=now() + timedelta(seconds=10 * 2 ** job.attempts),
            locked_until=None,
            last_error="".join(traceback.format_exception(error))[-4000:],
            finished_at=None if retry else now(),
        )
        return
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, locked_until=None, result=result, finished_at=now()
    )


def run_due(worker: str, *, limit: int | None = None) -> int:
    """Enqueue due schedules, then run due jobs until none is left (or ``limit``)."""
    enqueue_due_schedules()
    done = 0
    while limit is None or done < limit:
        job = claim_next(worker)
        if job is None:
            break
        run(job)
        done += 1
    return done

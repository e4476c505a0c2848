"""Notification jobs, run by ``ecoledger worker``: sending deliveries and the reminders.

Each is idempotent: sending goes by the deliveries' own states, and every
reminder is logged under a (problem, level, day) key in the same transaction
as its message, so a rerun after a crash sends nothing twice.
"""

from __future__ import annotations

from datetime import timedelta

from ecoledger.jobs.registry import job
from ecoledger.jobs.services import enqueue
from ecoledger.lib import clock
from ecoledger.notifications import digest, reminders
from ecoledger.notifications.delivery import deliver_due, next_attempt_at
from ecoledger.notifications.services import DELIVER_JOB

DELIVER_EVERY = 30


@job(DELIVER_JOB, every=DELIVER_EVERY, timeout=300)
def deliver() -> dict[str, int]:
    """Send what is due, then book a run for the next retry if it comes before the periodic one.

    So a retry waits its backoff, not the backoff rounded up to the next period.
    """
    outcome = deliver_due()
    upcoming = next_attempt_at()
    if upcoming is not None and upcoming < clock.now() + timedelta(seconds=DELIVER_EVERY):
        key = f"{DELIVER_JOB}:retry@{upcoming.isoformat()}"
        enqueue(DELIVER_JOB, run_after=upcoming, unique_key=key)
    return outcome


@job("notifications.remind_deadlines", every=3600)
def remind_deadlines() -> dict[str, int]:
    return reminders.remind_deadlines(clock.today())


@job("notifications.remind_acceptances", every=3600)
def remind_acceptances() -> dict[str, int]:
    return {"sent": reminders.remind_acceptances(clock.today())}


@job("notifications.remind_follow_ups", every=3600)
def remind_follow_ups() -> dict[str, int]:
    return {"sent": reminders.remind_follow_ups(clock.today())}


@job("notifications.send_digests", every=900)
def send_digests() -> dict[str, int]:
    return {"sent": digest.send_digests(clock.now())}

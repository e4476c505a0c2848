"""Reminders: deadlines near (yellow) and passed (red), acceptances waiting, follow-ups due,
and each user's daily digest.

Every reminder has a key — its kind, the problem (or follow-up, or user) and
the local day — logged in the same transaction as its message. The key is
unique, so a job that runs again (hourly, or after a crash) sends nothing that
was already sent that day, and two workers racing on one key leave one message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoledger.ledger.choices import DUTY_ROLES, Status, TrafficLight
from ecoledger.ledger.models import FollowUp, Problem, ProblemUnit
from ecoledger.lib import clock
from ecoledger.notifications.choices import Kind
from ecoledger.notifications.models import Message, ReminderLog
from ecoledger.notifications.services import notify, notify_units
from ecoledger.org.choices import Role
from ecoledger.org.models import User


def send_once(key: str, send: Callable[[], Message]) -> bool:
    """Send a reminder unless one with this key went out; True when this call sent it."""
    try:
        with transaction.atomic():
            if ReminderLog.objects.filter(key=key).exists():
                return False
            message = send()
            ReminderLog.objects.create(key=key, message=message, created_at=clock.now())
    except IntegrityError:  # another worker logged the same key first; ours rolled back
        return False
    return True


def supervisors() -> QuerySet[User]:
    """The rectification office: where overdue problems are escalated and acceptances wait."""
    return User.objects.filter(is_active=True, role=Role.SUPERVISOR)


def _duty_units(problem: Problem) -> list:
    return [unit.unit for unit in problem.units.all() if unit.role in DUTY_ROLES]


def _running(light: TrafficLight, today: date) -> Iterable[Problem]:
    units = ProblemUnit.objects.select_related("region", "department")
    return (Problem.objects.with_light(light, today).order_by("pk")
            .prefetch_related(Prefetch("units", queryset=units)).iterator(chunk_size=200))


def _link(problem: Problem) -> str:
    return reverse("web:problem-detail", args=[problem.code])


def _warning_text(problem: Problem, today: date) -> str:
    warning_until = today + timedelta(days=settings.WARNING_DAYS)
    if problem.deadline is not None and problem.deadline <= warning_until:
        return _("The deadline is %(deadline)s, in %(days)s days.") % {
            "deadline": problem.deadline, "days": (problem.deadline - today).days}
    return _("Rectification is behind schedule: %(done)s of %(total)s measures done; "
             "the deadline is %(deadline)s.") % {
        "done": problem.measures_done, "total": problem.measures_total,
        "deadline": problem.deadline}


def _about(problem: Problem, subject: str, body: str) -> dict[str, object]:
    """The message fields of a reminder about one problem."""
    title = subject % {"code": problem.code, "title": problem.title}
    return {"subject": title, "body": body, "problem": problem, "link": _link(problem)}


def remind_deadlines(today: date) -> dict[str, int]:
    """Yellow: tell the duty units. Red: tell them and escalate to the supervisors."""
    sent = {"yellow": 0, "red": 0}
    for problem in _running(TrafficLight.YELLOW, today):
        about = _about(problem, _("Deadline approaching: %(code)s %(title)s"),
                       _warning_text(problem, today))
        sent["yellow"] += send_once(
            f"{Kind.DEADLINE_WARNING}:{problem.pk}:{today}",
            partial(notify_units, _duty_units(problem), kind=Kind.DEADLINE_WARNING, **about))
    escalate_to = list(supervisors())
    for problem in _running(TrafficLight.RED, today):
        body = _("The deadline %(deadline)s has passed by %(days)s days.") % {
            "deadline": problem.deadline, "days": problem.overdue_days(today)}
        about = _about(problem, _("Overdue: %(code)s %(title)s"), body)
        sent["red"] += send_once(
            f"{Kind.DEADLINE_OVERDUE}:{problem.pk}:{today}",
            partial(notify_units, _duty_units(problem), also=escalate_to,
                    kind=Kind.DEADLINE_OVERDUE, **about))
    return sent


def remind_acceptances(today: date) -> int:
    """Each problem waiting for acceptance, to every supervisor but its submitter (four eyes)."""
    sent = 0
    acceptors = list(supervisors())
    waiting = Problem.objects.filter(status=Status.PENDING_ACCEPTANCE).order_by("pk")
    for problem in waiting.iterator(chunk_size=200):
        submitted = timezone.localdate(problem.submitted_at) if problem.submitted_at else today
        body = _("Submitted on %(day)s, waiting %(days)s days.") % {
            "day": submitted, "days": (today - submitted).days}
        about = _about(problem, _("Waiting for acceptance: %(code)s %(title)s"), body)
        recipients = [user for user in acceptors if user.pk != problem.submitted_by_id]
        sent += send_once(f"{Kind.ACCEPTANCE_PENDING}:{problem.pk}:{today}",
                          partial(notify, recipients, kind=Kind.ACCEPTANCE_PENDING, **about))
    return sent


def remind_follow_ups(today: date) -> int:
    """A due follow-up, to its inspector; one nobody was assigned, to the supervisors."""
    sent = 0
    due = FollowUp.objects.due(today).select_related("problem", "inspector").order_by("pk")
    for follow_up in due.iterator(chunk_size=200):
        body = _("Check on site that the problem has not come back (due %(day)s, "
                 "%(days)s days after closing).") % {
            "day": follow_up.due_on, "days": follow_up.offset_days}
        about = _about(follow_up.problem, _("Follow-up due: %(code)s %(title)s"), body)
        recipients = [follow_up.inspector] if follow_up.inspector else list(supervisors())
        sent += send_once(f"{Kind.FOLLOW_UP_DUE}:{follow_up.pk}:{today}",
                          partial(notify, recipients, kind=Kind.FOLLOW_UP_DUE, **about))
    return sent

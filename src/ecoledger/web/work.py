"""My work (待办): what needs the signed-in user now, in the order they should act.

Every queue is a filter on ``Problem.objects.visible_to(user)``, so nothing
outside the user's scope can appear; a unit's queues hold the problems where
that unit has the duty (lead or responsible).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.choices import (
    DUTY_ROLES,
    ExtensionStatus,
    FollowUpStatus,
    Status,
    SuspicionStatus,
)
from ecoledger.ledger.models import FollowUp, Problem, ProblemUnit, SuspectedRebound
from ecoledger.lib import clock
from ecoledger.org.choices import Role
from ecoledger.org.models import Region


@dataclass(frozen=True)
class Queue:
    key: str
    label: Any
    roles: frozenset[str]
    select: Callable[[QuerySet[Problem], Any], QuerySet[Problem]]


def _duty(queryset: QuerySet[Problem], user: Any) -> QuerySet[Problem]:
    """Problems where the user's own unit is lead or responsible."""
    units = ProblemUnit.objects.filter(role__in=sorted(DUTY_ROLES))
    if user.role == Role.DEPARTMENT_OFFICER:
        units = units.filter(department_id=user.department_id)
    elif user.role == Role.REGION_OFFICER:
        units = units.filter(region__in=Region.objects.subtree(user.region))
    else:
        return queryset
    return queryset.filter(pk__in=units.values("problem_id"))


SUPERVISOR = frozenset({Role.SUPERVISOR})
OFFICERS = frozenset({Role.REGION_OFFICER, Role.DEPARTMENT_OFFICER})

QUEUES: tuple[Queue, ...] = (
    Queue("to_verify", _("To verify and assign"), SUPERVISOR,
          lambda qs, u: qs.filter(status=Status.REPORTED)),
    Queue("to_arbitrate", _("Contests to arbitrate"), SUPERVISOR,
          lambda qs, u: qs.filter(status=Status.CONTESTED)),
    Queue("to_accept", _("To accept"), SUPERVISOR,
          lambda qs, u: qs.filter(status=Status.PENDING_ACCEPTANCE).exclude(
              submitted_by_id=u.pk)),
    Queue("extensions", _("Extension requests to decide"), SUPERVISOR,
          lambda qs, u: qs.filter(extensions__status=ExtensionStatus.PENDING).distinct()),
    Queue("to_start", _("Assigned to your unit, to start"), OFFICERS,
          lambda qs, u: _duty(qs, u).filter(status=Status.ASSIGNED)),
    Queue("overdue", _("Overdue"), SUPERVISOR | OFFICERS,
          lambda qs, u: _duty(qs, u).overdue(clock.today())),
    Queue("rectifying", _("In rectification"), OFFICERS | {Role.ENTERPRISE},
          lambda qs, u: _duty(qs, u).filter(status=Status.RECTIFYING)),
    Queue("reported_by_me", _("Reported by you, awaiting verification"),
          frozenset({Role.INSPECTOR}) | OFFICERS,
          lambda qs, u: qs.filter(status=Status.REPORTED, reported_by_id=u.pk)),
    Queue("followups_due", _("Follow-ups due"), frozenset({Role.INSPECTOR}),
          lambda qs, u: qs.filter(pk__in=FollowUp.objects.due(clock.today())
                                  .filter(inspector_id=u.pk).values("problem_id"))),
    Queue("followups_unassigned", _("Follow-ups without an inspector"), SUPERVISOR,
          lambda qs, u: qs.filter(pk__in=FollowUp.objects.filter(
              status=FollowUpStatus.PENDING, inspector__isnull=True).values("problem_id"))),
    Queue("suspected_rebounds", _("Suspected rebounds to review"), SUPERVISOR,
          lambda qs, u: qs.filter(pk__in=SuspectedRebound.objects.filter(
              status=SuspicionStatus.OPEN).values("problem_id"))),
)

# Queues that count toward the number in the navigation bar (things to act on).
COUNTED = frozenset({"to_verify", "to_arbitrate", "to_accept", "extensions", "to_start",
                     "overdue", "rectifying", "followups_due", "followups_unassigned",
                     "suspected_rebounds"})


def work_queues(user: Any) -> list[tuple[Queue, QuerySet[Problem]]]:
    visible = Problem.objects.visible_to(user)
    return [(queue, queue.select(visible, user)) for queue in QUEUES if user.role in queue.roles]


def work_counts(user: Any) -> dict[str, int]:
    counts = {queue.key: selected.count() for queue, selected in work_queues(user)}
    counts["total"] = sum(n for key, n in counts.items() if key in COUNTED)
    return counts



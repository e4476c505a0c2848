"""Ledger problems from alerts: one open problem per point, parameter and kind.

A repeat episode while that problem is still open (any state before closed) is one more
occurrence of the same problem: its alert becomes a ticket on it, not a new problem.
Once the problem is closed or dismissed, the next episode opens a new one. Every change
goes through the ledger's services, acting as the monitoring system's account.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Final

from django.db import transaction

from ecoledger.ledger.choices import OPEN_STATES, Domain, Origin, TicketKind
from ecoledger.ledger.models import Problem
from ecoledger.ledger.services import TicketInput, add_ticket, register_problem
from ecoledger.lib.errors import DomainError
from ecoledger.monitoring.alerts.texts import problem_description, problem_title
from ecoledger.monitoring.choices import PointKind
from ecoledger.monitoring.models import Alert, MonitoringPoint
from ecoledger.org.choices import Role
from ecoledger.org.models import User

log = logging.getLogger(__name__)

SYSTEM_USERNAME: Final = "monitoring-system"
SYSTEM_FULL_NAME: Final = "在线监测系统"
ALERT_CHANNEL: Final = "在线监测预警"

DOMAIN_OF_POINT: Final = {
    PointKind.AIR_STATION: Domain.AIR,
    PointKind.MICRO_STATION: Domain.AIR,
    PointKind.STACK: Domain.AIR,
    PointKind.DUST: Domain.AIR,
    PointKind.WASTEWATER: Domain.WATER,
    PointKind.WATER_SECTION: Domain.WATER,
    PointKind.NOISE: Domain.NOISE,
}


def monitoring_user() -> User:
    """The account monitoring acts as: a supervisor no one can log in as."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"role": Role.SUPERVISOR, "full_name": SYSTEM_FULL_NAME},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def attach_problems(alert_ids: Iterable[int], *, actor: User) -> tuple[int, int]:
    """Give each alert its problem, each in its own transaction; (attached, refused).

    A refusal by the ledger (a point whose region or source no longer fits) is logged
    and leaves the alert without a problem, to be tried again while it is active: an
    alert must never be lost because its problem could not be registered.
    """
    attached = refused = 0
    for alert_id in alert_ids:
        try:
            with transaction.atomic():
                attached += attach_problem(alert_id, actor=actor) is not None
        except DomainError as error:
            refused += 1
            log.warning("alert %s: the ledger refused its problem: %s", alert_id, error)
    return attached, refused


def attach_problem(alert_id: int, *, actor: User) -> Problem | None:
    """Open a problem for the alert, or add it to the open problem of an earlier episode.

    Steps: lock the point (so two episodes of a key never open two problems); skip an
    alert that has its problem already; find the open problem of the key; add the alert
    to it as a ticket, or register a new problem with the alert as its first ticket; link
    the alert and number it among the problem's episodes.
    """
    point_id = Alert.objects.values_list("point_id", flat=True).get(pk=alert_id)
    MonitoringPoint.objects.select_for_update().get(pk=point_id)
    alert = Alert.objects.select_related("point", "parameter").get(pk=alert_id)
    if alert.problem_id is not None:
        return None
    earlier = (
        Alert.objects.filter(
            point_id=alert.point_id,
            parameter_id=alert.parameter_id,
            kind=alert.kind,
            problem__status__in=OPEN_STATES,
        )
        .exclude(pk=alert.pk)
        .select_related("problem")
        .order_by("-opened_at")
        .first()
    )
    ticket = TicketInput(
        kind=TicketKind.ALERT, upstream_id=f"alert-{alert.pk}", channel=ALERT_CHANNEL
    )
    if earlier is not None and earlier.problem is not None:
        problem = earlier.problem
        add_ticket(problem, acting_user=actor, ticket=ticket)
    else:
        problem = _register(alert, actor, ticket)
    occurrence = Alert.objects.filter(problem=problem).count() + 1
    Alert.objects.filter(pk=alert.pk).update(problem=problem, occurrences=occurrence)
    return problem


def _register(alert: Alert, actor: User, ticket: TicketInput) -> Problem:
    point = alert.point
    return register_problem(
        acting_user=actor,
        title=problem_title(alert),
        description=problem_description(alert),
        domain=DOMAIN_OF_POINT.get(point.kind, Domain.AIR),
        origin=Origin.MONITORING,
        region=point.region,
        latitude=point.latitude,
        longitude=point.longitude,
        water_body=point.water_body,
        source=point.source,
        tickets=[ticket],
    )

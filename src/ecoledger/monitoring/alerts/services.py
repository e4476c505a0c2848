"""What people do with alerts: acknowledge one with a comment, resolve one by hand.

An alert resolves by itself once its data have been compliant for the rule's run of
values. Resolving by hand is for what data cannot show (a point taken out of service, a
limit withdrawn); it is a supervisor's decision, since the compliance period that a
monitoring problem needs before acceptance is counted from the resolution.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.audit.services import record
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput, StateConflict
from ecoledger.monitoring.choices import ACTIVE_ALERT_STATES, AlertStatus
from ecoledger.monitoring.models import Alert
from ecoledger.org.choices import Role
from ecoledger.org.models import User

READ_ONLY_ROLES = frozenset({Role.LEADER})


@transaction.atomic
def acknowledge_alert(alert: Alert, *, acting_user: User, comment: str) -> Alert:
    """Say the alert has been seen and what is being done; anyone who may see it and act."""
    _check_scope(alert, acting_user)
    if acting_user.role in READ_ONLY_ROLES:
        raise ActionRefused(_("Your role may not acknowledge alerts."), code="refused_role")
    comment = _required(comment)
    now = clock.now()
    moved = Alert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
        status=AlertStatus.ACKNOWLEDGED,
        acknowledged_by=acting_user,
        acknowledged_at=now,
        comment=comment,
    )
    if not moved:
        raise StateConflict(_("Only an open alert can be acknowledged."), code="refused_state")
    before = alert.status
    alert.status, alert.acknowledged_by, alert.acknowledged_at, alert.comment = (
        AlertStatus.ACKNOWLEDGED,
        acting_user,
        now,
        comment,
    )
    record(
        "monitoring.alert.acknowledged",
        actor=acting_user,
        target=alert,
        changes={"status": [before, alert.status]},
        message=comment,
    )
    return alert


@transaction.atomic
def resolve_alert(alert: Alert, *, acting_user: User, comment: str) -> Alert:
    """End an active alert by hand, now, with the reason; supervisors only."""
    _check_scope(alert, acting_user)
    if acting_user.role != Role.SUPERVISOR:
        raise ActionRefused(_("Only a supervisor may resolve an alert."), code="refused_role")
    comment = _required(comment)
    now = clock.now()
    current = Alert.objects.select_for_update().filter(pk=alert.pk).first()
    if current is None or current.status not in ACTIVE_ALERT_STATES:
        raise StateConflict(_("This alert is resolved already."), code="refused_state")
    text = f"{current.comment}\n{comment}".strip()
    Alert.objects.filter(pk=alert.pk).update(
        status=AlertStatus.RESOLVED, resolved_at=now, comment=text
    )
    before = current.status
    alert.status, alert.resolved_at, alert.comment = AlertStatus.RESOLVED, now, text
    record(
        "monitoring.alert.resolved",
        actor=acting_user,
        target=alert,
        changes={"status": [before, alert.status]},
        message=comment,
    )
    return alert


def _check_scope(alert: Alert, user: User) -> None:
    if not Alert.objects.visible_to(user).filter(pk=alert.pk).exists():
        raise ActionRefused(_("This alert is outside your scope."), code="refused_scope")


def _required(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput.field("comment", _("Say what has been done or why."))
    return comment

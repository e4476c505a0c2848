"""Whether a monitoring problem's data have come back within limits, long enough to accept it."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _

from ecoledger.ledger.choices import Origin
from ecoledger.ledger.models import Problem
from ecoledger.lib import clock
from ecoledger.monitoring.models import Alert, AlertRule


def compliant_hours_required(kind: str) -> int:
    rule = AlertRule.objects.filter(kind=kind).first()
    return rule.compliant_hours_to_accept if rule else 72


def monitoring_problem_not_yet_compliant(problem: Problem) -> str | None:
    """Refuse acceptance until the alert behind the problem has been resolved long enough.

    An alert resolves only after the configured run of compliant values, so a
    resolution at least ``compliant_hours_to_accept`` old, with no episode
    open since, means the data have shown compliance for that period.
    """
    if problem.origin != Origin.MONITORING:
        return None
    alerts = Alert.objects.filter(problem=problem)
    if not alerts.exists():
        return None
    latest = alerts.order_by("-opened_at").first()
    if latest.resolved_at is None:
        return _("The monitoring data are still out of compliance (alert open since %(time)s).") % {
            "time": latest.opened_at.strftime("%Y-%m-%d %H:%M")}
    needed = timedelta(hours=compliant_hours_required(latest.kind))
    compliant_since = latest.resolved_at
    if clock.now() - compliant_since < needed:
        return _(
            "The monitoring data have been compliant since %(time)s; acceptance needs "
            "%(hours)s hours of compliance."
        ) % {"time": compliant_since.strftime("%Y-%m-%d %H:%M"),
             "hours": int(needed.total_seconds() // 3600)}
    return None

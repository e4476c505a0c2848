"""Telling the units that hold a problem's duty that it came back (when notifications exist).

The ledger does not depend on the notifications app: without it, the
rebound is still on the problem's timeline and in the units' work lists.
"""

from __future__ import annotations

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext as _

from ecoledger.ledger.choices import DUTY_ROLES
from ecoledger.ledger.models import Problem


def tell_units_of_rebound(problem: Problem, reason: str) -> None:
    """Notify the lead and responsible units: the problem is theirs again, by a new deadline."""
    if not apps.is_installed("ecoledger.notifications"):
        return
    from ecoledger.notifications.choices import Kind
    from ecoledger.notifications.services import notify_units

    duty = problem.units.filter(role__in=sorted(DUTY_ROLES)).select_related(
        "region", "department")
    units = [unit.unit for unit in duty]
    notify_units(
        units,
        kind=Kind.PROBLEM_REBOUNDED,
        subject=_("Rebound: %(code)s %(title)s") % {
            "code": problem.code, "title": problem.title[:150]},
        body=_("%(reason)s\nThe problem is back in rectification; the new deadline is "
               "%(deadline)s.") % {"reason": reason, "deadline": problem.deadline},
        link=reverse("web:problem-detail", args=[problem.code]),
        problem=problem,
    )

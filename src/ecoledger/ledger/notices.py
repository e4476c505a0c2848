"""Telling the units that hold a problem's duty what happened to it (when notifications exist):
it came back, their request for more time was answered, their contest was decided.

The ledger does not depend on the notifications app: without it, the
news is still on the problem's timeline and in the units' work lists.
"""

from __future__ import annotations

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext as _

from ecoledger.ledger.choices import DUTY_ROLES, ArbitrationDecision, ExtensionStatus
from ecoledger.ledger.models import Contest, DeadlineExtension, Problem
from ecoledger.org.models import User


def tell_units_of_rebound(problem: Problem, reason: str) -> None:
    """Notify the lead and responsible units: the problem is theirs again, by a new deadline."""
    _tell_duty_units(
        problem, "PROBLEM_REBOUNDED",
        subject=_("Rebound: %(code)s %(title)s") % {
            "code": problem.code, "title": problem.title[:150]},
        body=_("%(reason)s\nThe problem is back in rectification; the new deadline is "
               "%(deadline)s.") % {"reason": reason, "deadline": problem.deadline},
    )


def tell_units_of_extension(problem: Problem, extension: DeadlineExtension) -> None:
    """The units that asked for more time learn the answer, and the reason for a refusal."""
    approved = extension.status == ExtensionStatus.APPROVED
    _tell_duty_units(
        problem, "EXTENSION_DECIDED",
        subject=(_("Extension approved: %(code)s, deadline now %(deadline)s") if approved
                 else _("Extension refused: %(code)s, deadline stays %(deadline)s")) % {
            "code": problem.code, "deadline": problem.deadline},
        body=extension.decision_note,
    )


def tell_units_of_arbitration(problem: Problem, contest: Contest) -> None:
    """The contesting officer and the units that now hold the duty learn the decision."""
    reassigned = contest.decision == ArbitrationDecision.REASSIGN
    _tell_duty_units(
        problem, "CONTEST_ARBITRATED",
        subject=(_("Contest decided: %(code)s reassigned") if reassigned
                 else _("Contest decided: %(code)s stays with its units")) % {
            "code": problem.code},
        body=contest.decision_reason,
        also=[contest.contested_by] if contest.contested_by_id else [],
    )


def _tell_duty_units(problem: Problem, kind: str, *, subject: str, body: str,
                     also: list[User] | None = None) -> None:
    if not apps.is_installed("ecoledger.notifications"):
        return
    from ecoledger.notifications.choices import Kind
    from ecoledger.notifications.services import notify_units

    duty = problem.units.filter(role__in=sorted(DUTY_ROLES)).select_related(
        "region", "department")
    notify_units(
        [unit.unit for unit in duty], kind=Kind[kind], subject=subject, body=body,
        link=reverse("web:problem-detail", args=[problem.code]), problem=problem,
        also=also or [],
    )

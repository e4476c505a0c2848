"""A supervisor's decision on a new complaint: merge it, open a problem for it, or reject it.

Each decision is taken once: a compare-and-set on the complaint's status means
that of two supervisors deciding at the same moment, the second is told that
it has already been decided.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.audit.services import record
from ecoledger.intake.choices import ComplaintStatus
from ecoledger.intake.models import Complaint, may_triage
from ecoledger.intake.services.answers import answer_complaint
from ecoledger.intake.staff import tell_duty_units_of
from ecoledger.ledger import services as ledger
from ecoledger.ledger.choices import Origin, Severity, Status, TicketKind
from ecoledger.ledger.models import Problem, SourceTicket
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput, StateConflict
from ecoledger.lib.geo import CoordinateSystem
from ecoledger.org.models import Region, User


def _check_supervisor(user: User) -> None:
    if not may_triage(user):
        raise ActionRefused(_("Only supervisors decide on complaints."), code="refused_role")


def _ticket_input(complaint: Complaint) -> ledger.TicketInput:
    """The complaint as the problem's source ticket, with its own deadline to answer."""
    return ledger.TicketInput(
        kind=TicketKind.COMPLAINT, upstream_id=complaint.tracking_code,
        channel=complaint.channel, received_at=complaint.created_at,
        reply_deadline=clock.today() + timedelta(days=settings.INTAKE_REPLY_DAYS),
    )


def _decide(complaint: Complaint, user: User, status: ComplaintStatus, **fields: Any) -> None:
    now = clock.now()
    moved = Complaint.objects.filter(pk=complaint.pk, status=ComplaintStatus.RECEIVED).update(
        status=status, decided_by=user, decided_at=now, updated_at=now, **fields)
    if not moved:
        raise StateConflict(_("Complaint %(code)s has already been decided.") % {
            "code": complaint.tracking_code}, code="already_decided")
    complaint.refresh_from_db()


@transaction.atomic
def merge_complaint(complaint: Complaint, *, acting_user: User, problem: Problem) -> Complaint:
    """Attach the complaint to an existing problem as a source ticket.

    Steps: check the actor; add the ticket through the ledger (its own rules
    and event); mark the complaint merged; if the problem is already closed,
    answer at once with its acceptance, else tell its duty units.
    """
    _check_supervisor(acting_user)
    if not Problem.objects.visible_to(acting_user).filter(pk=problem.pk).exists():
        raise InvalidInput.field("problem", _("This problem is outside your scope."))
    ticket = ledger.add_ticket(problem, acting_user=acting_user,
                               ticket=_ticket_input(complaint))
    _decide(complaint, acting_user, ComplaintStatus.MERGED, problem=problem, ticket=ticket)
    record("intake.complaint.merged", actor=acting_user, target=complaint,
           changes={"problem": [None, problem.code]})
    if problem.status == Status.CLOSED:
        review = problem.acceptances.filter(passed=True).latest("reviewed_at")
        answer_complaint(complaint, acting_user=acting_user, answer=review.opinion)
    else:
        tell_duty_units_of(complaint, problem)
    return complaint


@transaction.atomic
def open_problem_for(
    complaint: Complaint,
    *,
    acting_user: User,
    region: Region,
    title: str,
    severity: str = Severity.GENERAL,
) -> Problem:
    """Register a new problem of origin "complaint" with the complaint as its ticket."""
    _check_supervisor(acting_user)
    problem = ledger.register_problem(
        acting_user=acting_user, title=title, description=complaint.description,
        domain=complaint.category.domain, category=complaint.category, origin=Origin.COMPLAINT,
        region=region, severity=severity, latitude=complaint.latitude,
        longitude=complaint.longitude, coordinate_system=CoordinateSystem.WGS84,
        address=complaint.address, tickets=[_ticket_input(complaint)],
    )
    ticket = SourceTicket.objects.get(problem=problem, kind=TicketKind.COMPLAINT,
                                      upstream_id=complaint.tracking_code)
    _decide(complaint, acting_user, ComplaintStatus.OPENED, problem=problem, ticket=ticket)
    record("intake.complaint.opened", actor=acting_user, target=complaint,
           changes={"problem": [None, problem.code]})
    return problem


@transaction.atomic
def reject_complaint(complaint: Complaint, *, acting_user: User, reason: str) -> Complaint:
    """Decline the complaint; the reason is what the complainant reads on the tracking page."""
    _check_supervisor(acting_user)
    if not reason.strip():
        raise InvalidInput.field("reason", _("Say why the complaint is not accepted."))
    _decide(complaint, acting_user, ComplaintStatus.REJECTED, rejection_reason=reason.strip())
    record("intake.complaint.rejected", actor=acting_user, target=complaint,
           message=reason.strip())
    return complaint

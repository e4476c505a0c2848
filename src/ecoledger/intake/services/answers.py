"""Answering complaints when their problem closes: every ticket gets the acceptance's answer."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.audit.services import record
from ecoledger.intake.choices import AWAITING_ANSWER, ComplaintStatus, Satisfaction
from ecoledger.intake.models import Complaint, may_triage
from ecoledger.ledger.models import Acceptance, Problem
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput, StateConflict
from ecoledger.org.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def answer_complaint(complaint: Complaint, *, acting_user: User, answer: str) -> Complaint:
    """Record the answer on the complaint's ticket; the tracking page shows it from there."""
    now = clock.now()
    ticket = complaint.ticket
    if ticket is not None:
        ticket.reply, ticket.replied_at = answer, now
        ticket.save(update_fields=["reply", "replied_at"])
    complaint.status, complaint.updated_at = ComplaintStatus.ANSWERED, now
    complaint.save(update_fields=["status", "updated_at"])
    record("intake.complaint.answered", actor=acting_user, target=complaint, message=answer)
    logger.info("complaint %s answered", complaint.tracking_code)
    return complaint


def answer_complaints_on_close(
    sender: type[Problem], *, problem: Problem, acting_user: User, review: Acceptance,
    **kwargs: Any,
) -> None:
    """Receiver of ``problem_closed``: runs inside the acceptance's transaction."""
    waiting = Complaint.objects.filter(problem=problem, status__in=sorted(AWAITING_ANSWER))
    for complaint in waiting.select_related("ticket"):
        answer_complaint(complaint, acting_user=acting_user, answer=review.opinion)


@transaction.atomic
def record_satisfaction(
    complaint: Complaint, *, acting_user: User, satisfaction: str
) -> Complaint:
    """Record the complainant's verdict on the answer, as heard on the return call (回访).

    Only supervisors hold the complainants' phone numbers, so only they call
    back; a complaint is asked once, after it has been answered. The verdict
    feeds the annual assessment's satisfaction rate.
    """
    if not may_triage(acting_user):
        raise ActionRefused(_("Only supervisors record return calls."), code="refused_role")
    if satisfaction not in Satisfaction.values:
        raise InvalidInput.field("satisfaction", _("Choose one of: %(values)s.") % {
            "values": ", ".join(Satisfaction.values)})
    now = clock.now()
    moved = Complaint.objects.filter(
        pk=complaint.pk, status=ComplaintStatus.ANSWERED, satisfaction=""
    ).update(satisfaction=satisfaction, satisfaction_at=now, updated_at=now)
    if not moved:
        raise StateConflict(
            _("Complaint %(code)s is not answered yet, or its verdict is already recorded.")
            % {"code": complaint.tracking_code}, code="not_answered_or_recorded")
    complaint.refresh_from_db()
    record("intake.complaint.satisfaction_recorded", actor=acting_user, target=complaint,
           changes={"satisfaction": ["", satisfaction]})
    return complaint

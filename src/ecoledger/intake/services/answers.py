"""Answering complaints when their problem closes: every ticket gets the acceptance's answer."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from ecoledger.audit.services import record
from ecoledger.intake.choices import AWAITING_ANSWER, ComplaintStatus
from ecoledger.intake.models import Complaint
from ecoledger.ledger.models import Acceptance, Problem
from ecoledger.lib import clock
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

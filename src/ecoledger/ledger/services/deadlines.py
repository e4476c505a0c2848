"""Deadline extensions: a unit asks with a reason, a supervisor approves or refuses."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.ledger import workflow
from ecoledger.ledger.choices import Action, ExtensionStatus
from ecoledger.ledger.models import DeadlineExtension, Problem
from ecoledger.ledger.notices import tell_units_of_extension
from ecoledger.ledger.schedule import schedule_due_on
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.models import User


def _check_later(problem: Problem, deadline: date) -> None:
    if problem.deadline is not None and deadline <= problem.deadline:
        raise InvalidInput.field(
            "deadline",
            _("An extension moves the deadline later than %(date)s.") % {"date": problem.deadline},
        )


def _deadline_fields(problem: Problem, deadline: date) -> dict[str, object]:
    return {
        "deadline": deadline,
        "schedule_due_on": schedule_due_on(
            problem.started_on, deadline, problem.measures_total, problem.measures_done
        ),
    }


@transaction.atomic
def request_extension(
    problem: Problem, *, acting_user: User, deadline: date, reason: str
) -> DeadlineExtension:
    row = workflow.authorize(
        problem, Action.REQUEST_EXTENSION, acting_user,
        {"deadline": deadline, "reason": reason.strip()},
    )
    _check_later(problem, deadline)
    extension = DeadlineExtension.objects.create(
        problem=problem,
        requested_by=acting_user,
        requested_at=clock.now(),
        previous_deadline=problem.deadline,
        requested_deadline=deadline,
        reason=reason.strip(),
    )
    workflow.apply(problem, row, acting_user, target=extension, message=reason.strip())
    return extension


@transaction.atomic
def decide_extension(
    problem: Problem, *, acting_user: User, approve: bool, note: str = ""
) -> DeadlineExtension:
    row = workflow.authorize(
        problem, Action.DECIDE_EXTENSION, acting_user, {"approve": "yes" if approve else "no"}
    )
    if not approve and not note.strip():
        raise InvalidInput.field("note", _("Say why the extension is refused: the unit reads it."))
    extension = problem.extensions.get(status=ExtensionStatus.PENDING)
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at = acting_user, clock.now()
    extension.decision_note = note.strip()
    extension.save()
    fields = _deadline_fields(problem, extension.requested_deadline) if approve else {}
    workflow.apply(
        problem, row, acting_user, fields=fields, target=extension,
        effects=lambda: {"extension": [ExtensionStatus.PENDING, extension.status]},
        message=note.strip(),
    )
    tell_units_of_extension(problem, extension)
    return extension


@transaction.atomic
def extend_deadline(
    problem: Problem, *, acting_user: User, deadline: date, reason: str
) -> DeadlineExtension:
    """A supervisor moves the deadline directly; kept as an approved extension for the record."""
    row = workflow.authorize(
        problem, Action.EXTEND_DEADLINE, acting_user,
        {"deadline": deadline, "reason": reason.strip()},
    )
    _check_later(problem, deadline)
    now = clock.now()
    extension = DeadlineExtension.objects.create(
        problem=problem,
        requested_by=acting_user,
        requested_at=now,
        previous_deadline=problem.deadline,
        requested_deadline=deadline,
        reason=reason.strip(),
        status=ExtensionStatus.APPROVED,
        decided_by=acting_user,
        decided_at=now,
    )
    workflow.apply(
        problem, row, acting_user, fields=_deadline_fields(problem, deadline), target=extension,
        message=reason.strip(),
    )
    return extension

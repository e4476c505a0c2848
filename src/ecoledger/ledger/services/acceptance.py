"""Acceptance (验收), rejection, and reopening a closed problem that came back (rebound)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.ledger import weekly, workflow
from ecoledger.ledger.choices import AcceptanceMethod, Action
from ecoledger.ledger.models import Acceptance, Problem
from ecoledger.ledger.schedule import schedule_due_on
from ecoledger.ledger.services.assignment import check_deadline
from ecoledger.ledger.signals import problem_closed, problem_rebounded
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.models import User


def _open_review(problem: Problem) -> Acceptance:
    return problem.acceptances.filter(reviewed_at__isnull=True).latest("submitted_at")


@transaction.atomic
def accept_problem(
    problem: Problem,
    *,
    acting_user: User,
    opinion: str,
    method: str = AcceptanceMethod.ON_SITE,
) -> Acceptance:
    """Accept the rectification and close the problem; never by the person who submitted it."""
    row = workflow.authorize(problem, Action.ACCEPT, acting_user, {"opinion": opinion.strip()})
    return _close(problem, row, acting_user=acting_user, opinion=opinion, method=method)


@transaction.atomic
def record_imported_acceptance(
    problem: Problem,
    *,
    acting_user: User,
    opinion: str,
    method: str = AcceptanceMethod.DOCUMENTS,
) -> Acceptance:
    """Close an imported problem whose acceptance (验收) happened before the platform.

    The ledger the problem came from says it was accepted; its importer, who
    also submitted it, records that through the workflow's own row for it
    (imported problems only, never a button). The closing is then the same
    as ``accept_problem``'s: review, tallies, follow-ups, answers.
    """
    row = workflow.authorize(
        problem, Action.RECORD_IMPORTED_ACCEPTANCE, acting_user, {"opinion": opinion.strip()}
    )
    return _close(problem, row, acting_user=acting_user, opinion=opinion, method=method)


def check_method(method: str) -> None:
    if method not in AcceptanceMethod.values:
        raise InvalidInput.field("method", _("Choose one of: %(values)s.") % {
            "values": ", ".join(AcceptanceMethod.values)})


def _close(problem: Problem, row: workflow.Transition, *, acting_user: User, opinion: str,
           method: str) -> Acceptance:
    check_method(method)
    now = clock.now()
    review = _open_review(problem)
    review.reviewer, review.reviewed_at, review.passed = acting_user, now, True
    review.method, review.opinion = method, opinion.strip()
    review.save()
    workflow.apply(
        problem, row, acting_user, fields={"closed_at": now}, target=review,
        message=opinion.strip(),
    )
    weekly.count_closed(problem)
    problem_closed.send(Problem, problem=problem, acting_user=acting_user, review=review)
    return review


@transaction.atomic
def reject_problem(
    problem: Problem, *, acting_user: User, reason: str, deadline: date | None = None
) -> Acceptance:
    """Send the problem back to rectification with the reason; optionally a new deadline."""
    row = workflow.authorize(problem, Action.REJECT, acting_user, {"reason": reason.strip()})
    now = clock.now()
    review = _open_review(problem)
    review.reviewer, review.reviewed_at, review.passed = acting_user, now, False
    review.opinion = reason.strip()
    review.save()
    fields: dict[str, object] = {"submitted_at": None, "submitted_by_id": None}
    if deadline is not None:
        check_deadline(deadline)
        fields["deadline"] = deadline
        fields["schedule_due_on"] = schedule_due_on(
            problem.started_on, deadline, problem.measures_total, problem.measures_done
        )
    workflow.apply(problem, row, acting_user, fields=fields, target=review, message=reason.strip())
    return review


@transaction.atomic
def rebound_problem(problem: Problem, *, acting_user: User, reason: str, deadline: date) -> Problem:
    """A closed problem came back: reopen it for rectification with a new deadline, counted."""
    row = workflow.authorize(
        problem, Action.REBOUND, acting_user, {"reason": reason.strip(), "deadline": deadline}
    )
    return reopen_as_rebound(problem, row, acting_user=acting_user, reason=reason,
                             deadline=deadline)


def reopen_as_rebound(problem: Problem, row: workflow.Transition, *, acting_user: User,
                      reason: str, deadline: date) -> Problem:
    """The rebound transition itself, once the caller has decided that it may happen.

    ``rebound_problem`` decides by the workflow table (a supervisor); a
    follow-up's finding decides by its own rule (the assigned inspector, due,
    with photos). Both then move the problem the same way, counted and recorded.
    """
    check_deadline(deadline)
    today = clock.today()
    reopened = workflow.apply(
        problem,
        row,
        acting_user,
        fields={
            "closed_at": None,
            "submitted_at": None,
            "submitted_by_id": None,
            "deadline": deadline,
            "started_on": today,
            "rebound_count": problem.rebound_count + 1,
            "schedule_due_on": schedule_due_on(
                today, deadline, problem.measures_total, problem.measures_done
            ),
        },
        message=reason.strip(),
    )
    problem_rebounded.send(Problem, problem=reopened, acting_user=acting_user,
                           reason=reason.strip())
    return reopened

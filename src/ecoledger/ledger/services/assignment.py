"""Verification and assignment, dismissal, contest (退单) and arbitration."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.ledger import workflow
from ecoledger.ledger.choices import Action, ArbitrationDecision, Severity
from ecoledger.ledger.models import Category, Contest, Problem
from ecoledger.ledger.notices import tell_units_of_arbitration
from ecoledger.ledger.schedule import schedule_due_on
from ecoledger.ledger.services.units import (
    UnitAssignment,
    describe_rows,
    describe_units,
    set_units,
    validate_units,
)
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.models import User


def check_deadline(deadline: date, *, field: str = "deadline") -> None:
    if deadline < clock.today():
        raise InvalidInput.field(field, _("The deadline %(date)s is in the past.") % {
            "date": deadline})


@transaction.atomic
def verify_problem(
    problem: Problem,
    *,
    acting_user: User,
    units: UnitAssignment | None,
    deadline: date | None,
    severity: str | None = None,
    category: Category | None = None,
    responsible_person: str | None = None,
    note: str = "",
) -> Problem:
    """Confirm a reported problem and hand it to its units with a deadline; the clock starts."""
    row = workflow.authorize(
        problem, Action.VERIFY, acting_user,
        {"lead_unit": units.lead if units else None, "deadline": deadline},
    )
    assert units is not None and deadline is not None
    check_deadline(deadline)
    validate_units(problem, units)
    fields: dict[str, object] = {
        "deadline": deadline,
        "assigned_at": clock.now(),
        "started_on": clock.today(),
        "schedule_due_on": schedule_due_on(
            clock.today(), deadline, problem.measures_total, problem.measures_done
        ),
    }
    if severity:
        if severity not in Severity.values:
            raise InvalidInput.field("severity", _("Unknown severity."))
        fields["severity"] = severity
    if category is not None:
        if category.domain != problem.domain:
            raise InvalidInput.field("category", _("The category belongs to another domain."))
        fields["category"] = category
    if responsible_person is not None:
        fields["responsible_person"] = responsible_person.strip()
    return workflow.apply(
        problem, row, acting_user, fields=fields, effects=lambda: set_units(problem, units),
        message=note, units_change=True,
    )


@transaction.atomic
def dismiss_problem(problem: Problem, *, acting_user: User, reason: str) -> Problem:
    """Not a problem (unfounded, a duplicate, outside the city's remit): closed without work."""
    row = workflow.authorize(problem, Action.DISMISS, acting_user, {"reason": reason.strip()})
    return workflow.apply(problem, row, acting_user, message=reason.strip())


@transaction.atomic
def contest_problem(problem: Problem, *, acting_user: User, reason: str) -> Contest:
    """A unit returns an assignment it believes is not its own, within the contest window."""
    row = workflow.authorize(problem, Action.CONTEST, acting_user, {"reason": reason.strip()})
    now = clock.now()
    contest = Contest.objects.create(
        problem=problem,
        contested_by=acting_user,
        unit=acting_user.unit_label,
        reason=reason.strip(),
        contested_at=now,
    )
    workflow.apply(
        problem, row, acting_user, fields={"contested_at": now}, target=contest,
        message=reason.strip(),
    )
    return contest


@transaction.atomic
def arbitrate_contest(
    problem: Problem,
    *,
    acting_user: User,
    decision: str,
    reason: str,
    units: UnitAssignment | None = None,
    deadline: date | None = None,
) -> Contest:
    """Uphold the assignment (the same units resume) or reassign it to other units.

    A reassigned unit gets its own contest window; an upheld one does not get
    a second.
    """
    row = workflow.authorize(
        problem, Action.ARBITRATE, acting_user, {"decision": decision, "reason": reason.strip()}
    )
    if decision not in ArbitrationDecision.values:
        raise InvalidInput.field("decision", _("Choose uphold or reassign."))
    reassign = decision == ArbitrationDecision.REASSIGN
    if reassign and units is None:
        raise InvalidInput.field("lead_unit", _("A reassignment names the new lead unit."))
    if not reassign and units is not None:
        raise InvalidInput.field(
            "lead_unit", _("Upholding keeps the units; name units only to reassign.")
        )
    if reassign:
        validate_units(problem, units)  # type: ignore[arg-type]
        if sorted(describe_rows(units.rows())) == sorted(describe_units(problem)):  # type: ignore[union-attr]
            raise InvalidInput.field("lead_unit", _(
                "A reassignment gives the problem to other units; to keep these, uphold."))
    contest = problem.contests.filter(decided_at__isnull=True).latest("contested_at")
    now = clock.now()
    fields: dict[str, object] = {"contested_at": None}
    if reassign:
        fields["assigned_at"] = now
    if deadline is not None:
        check_deadline(deadline)
        fields["deadline"] = deadline
        fields["schedule_due_on"] = schedule_due_on(
            problem.started_on, deadline, problem.measures_total, problem.measures_done
        )
    contest.decided_by = acting_user
    contest.decided_at = now
    contest.decision = decision
    contest.decision_reason = reason.strip()
    contest.save(update_fields=["decided_by", "decided_at", "decision", "decision_reason"])
    workflow.apply(
        problem,
        row,
        acting_user,
        fields=fields,
        effects=(lambda: set_units(problem, units)) if reassign else None,  # type: ignore[arg-type]
        target=contest,
        message=reason.strip(),
        units_change=reassign,
    )
    tell_units_of_arbitration(problem, contest)
    return contest

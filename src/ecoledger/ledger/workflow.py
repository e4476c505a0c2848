"""The problem workflow as one table (DESIGN: the problem's life).

Each row says: from which states an action may be taken, the state it leads
to (None: the state stays), which roles may take it, which inputs it needs,
and which tie to the problem an officer needs. ``authorize`` checks a request
against the table and the extra rules (four eyes, the contest window);
``available_actions`` asks the same questions to decide which buttons a user
sees; ``apply`` is the only code that writes a problem's state.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from ecoledger.audit.services import changes_between, record
from ecoledger.ledger import tallies
from ecoledger.ledger.choices import (
    DUTY_ROLES,
    OPEN_STATES,
    Action,
    ExtensionStatus,
    Status,
    UnitRole,
)
from ecoledger.ledger.models import Problem
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput, StateConflict
from ecoledger.org.choices import Role
from ecoledger.org.models import User

S = Status
R = Role


class Duty(enum.Enum):
    """The tie an officer (region or department) needs to the problem, beyond seeing it."""

    NONE = "none"
    ANY_UNIT = "any_unit"  # lead, responsible or cooperating
    DUTY_UNIT = "duty_unit"  # lead or responsible


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status | None
    roles: frozenset[Role]
    event: str
    requires: tuple[str, ...] = ()
    duty: Duty = Duty.NONE
    offered: bool = True  # False: a row for one path (the ledger import), never a button


def _t(action: Action, sources: set[Status], target: Status | None, roles: set[Role],
       event: str, requires: tuple[str, ...] = (), duty: Duty = Duty.NONE,
       offered: bool = True) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), event, requires, duty,
                      offered)


OFFICERS = {R.REGION_OFFICER, R.DEPARTMENT_OFFICER}
REGISTER_ROLES = frozenset({R.SUPERVISOR, R.INSPECTOR, R.REGION_OFFICER, R.DEPARTMENT_OFFICER})

TRANSITIONS: tuple[Transition, ...] = (
    _t(Action.VERIFY, {S.REPORTED}, S.ASSIGNED, {R.SUPERVISOR}, "verified",
       ("lead_unit", "deadline")),
    _t(Action.DISMISS, {S.REPORTED}, S.DISMISSED, {R.SUPERVISOR}, "dismissed", ("reason",)),
    _t(Action.CONTEST, {S.ASSIGNED}, S.CONTESTED, OFFICERS, "contested", ("reason",),
       Duty.DUTY_UNIT),
    _t(Action.ARBITRATE, {S.CONTESTED}, S.ASSIGNED, {R.SUPERVISOR}, "arbitrated",
       ("decision", "reason")),
    _t(Action.START, {S.ASSIGNED}, S.RECTIFYING, {*OFFICERS, R.SUPERVISOR}, "started",
       (), Duty.DUTY_UNIT),
    _t(Action.EDIT_PLAN, {S.ASSIGNED, S.RECTIFYING}, None, {*OFFICERS, R.SUPERVISOR},
       "plan_saved", ("goal",), Duty.DUTY_UNIT),
    _t(Action.REPORT_PROGRESS, {S.RECTIFYING}, None, {*OFFICERS, R.ENTERPRISE, R.SUPERVISOR},
       "progress_reported", ("text",), Duty.ANY_UNIT),
    _t(Action.ADD_EVIDENCE, {S.REPORTED}, None,
       {R.SUPERVISOR, R.INSPECTOR, *OFFICERS}, "evidence_added", ("file",)),
    _t(Action.ADD_EVIDENCE, {S.ASSIGNED, S.RECTIFYING}, None,
       {*OFFICERS, R.ENTERPRISE, R.SUPERVISOR}, "evidence_added", ("file",), Duty.ANY_UNIT),
    _t(Action.ADD_EVIDENCE, {S.PENDING_ACCEPTANCE, S.CLOSED}, None,
       {R.SUPERVISOR, R.INSPECTOR}, "evidence_added", ("file",)),
    _t(Action.SUBMIT, {S.RECTIFYING}, S.PENDING_ACCEPTANCE, {*OFFICERS, R.SUPERVISOR},
       "submitted", ("summary",), Duty.DUTY_UNIT),
    _t(Action.REJECT, {S.PENDING_ACCEPTANCE}, S.RECTIFYING, {R.SUPERVISOR}, "rejected",
       ("reason",)),
    _t(Action.ACCEPT, {S.PENDING_ACCEPTANCE}, S.CLOSED, {R.SUPERVISOR}, "accepted",
       ("opinion",)),
    # An acceptance made before the platform, as an imported ledger records it. The importer
    # submits and records it, so ACCEPT's four eyes cannot apply; this row is for imported
    # problems only and is never offered, so the four-eyes rule holds for all else.
    _t(Action.RECORD_IMPORTED_ACCEPTANCE, {S.PENDING_ACCEPTANCE}, S.CLOSED, {R.SUPERVISOR},
       "imported_acceptance_recorded", ("opinion",), offered=False),
    _t(Action.REBOUND, {S.CLOSED}, S.RECTIFYING, {R.SUPERVISOR}, "rebounded",
       ("reason", "deadline")),
    _t(Action.REQUEST_EXTENSION, {S.ASSIGNED, S.RECTIFYING}, None, OFFICERS,
       "extension_requested", ("deadline", "reason"), Duty.DUTY_UNIT),
    _t(Action.DECIDE_EXTENSION, {S.ASSIGNED, S.CONTESTED, S.RECTIFYING}, None, {R.SUPERVISOR},
       "extension_decided", ("approve",)),
    _t(Action.EXTEND_DEADLINE, {S.ASSIGNED, S.CONTESTED, S.RECTIFYING}, None, {R.SUPERVISOR},
       "deadline_extended", ("deadline", "reason")),
    _t(Action.EDIT, {S.REPORTED}, None, {R.SUPERVISOR, R.INSPECTOR, *OFFICERS}, "edited"),
    _t(Action.EDIT, {S.ASSIGNED, S.CONTESTED, S.RECTIFYING, S.PENDING_ACCEPTANCE}, None,
       {R.SUPERVISOR}, "edited"),
    _t(Action.ADD_TICKET, {*OPEN_STATES, S.CLOSED}, None, {R.SUPERVISOR}, "ticket_added",
       ("kind",)),
    _t(Action.LINK, {*OPEN_STATES, S.CLOSED}, None, {R.SUPERVISOR, R.INSPECTOR},
       "linked", ("kind",)),
)


def rows_for(action: Action) -> list[Transition]:
    return [row for row in TRANSITIONS if row.action == action]


AcceptanceCheck = Callable[[Problem], str | None]
_ACCEPTANCE_CHECKS: list[AcceptanceCheck] = []


def register_acceptance_check(check: AcceptanceCheck) -> None:
    """Let another part of the platform hold acceptance back (monitoring: data not yet compliant).

    The ledger stays ignorant of who registers; each check returns the reason
    to refuse, or None.
    """
    if check not in _ACCEPTANCE_CHECKS:
        _ACCEPTANCE_CHECKS.append(check)


# Given problems, the pks of those that came from an imported ledger (one question for all).
ImportOrigin = Callable[[Sequence[Problem]], set[int]]
_IMPORT_ORIGINS: list[ImportOrigin] = []


def register_import_origin(check: ImportOrigin) -> None:
    """Let the app that imports ledgers say which problems came from one (reports does)."""
    if check not in _IMPORT_ORIGINS:
        _IMPORT_ORIGINS.append(check)


# Extra rules, each returning the reason for a refusal or None.
def _four_eyes(problem: Problem, user: User, today: date) -> str | None:
    if problem.submitted_by_id == user.pk:
        return _("Four eyes: the person who submitted a problem cannot accept it.")
    return next((reason for check in _ACCEPTANCE_CHECKS if (reason := check(problem))), None)


def _came_from_import(problem: Problem, user: User, today: date) -> str | None:
    return imported_acceptance_refusal([problem])


def imported_acceptance_refusal(problems: Sequence[Problem]) -> str | None:
    """The imported-acceptance guard asked of many problems at once (a batch import's).

    The refusal when any of them did not come from an imported ledger, else None.
    """
    claimed: set[int] = set()
    for came_from in _IMPORT_ORIGINS:
        claimed |= came_from(problems)
    if all(problem.pk in claimed for problem in problems):
        return None
    return _("Only a problem imported from a ledger may have an earlier acceptance recorded; "
             "accept this one on the platform.")


def _contest_window(problem: Problem, user: User, today: date) -> str | None:
    ends = problem.contest_window_ends_on
    if ends is not None and today > ends:
        return _("The window to contest this assignment closed on %(date)s.") % {"date": ends}
    return None


def _no_pending_extension(problem: Problem, user: User, today: date) -> str | None:
    if problem.extensions.filter(status=ExtensionStatus.PENDING).exists():
        return _("An extension request is already waiting for a decision.")
    return None


def _pending_extension(problem: Problem, user: User, today: date) -> str | None:
    if not problem.extensions.filter(status=ExtensionStatus.PENDING).exists():
        return _("There is no extension request waiting for a decision.")
    return None


def _reporter_or_supervisor(problem: Problem, user: User, today: date) -> str | None:
    if user.role != R.SUPERVISOR and problem.reported_by_id != user.pk:
        return _("Only its reporter or a supervisor may edit a problem before verification.")
    return None


GUARDS: Mapping[Action, Callable[[Problem, User, date], str | None]] = {
    Action.ACCEPT: _four_eyes,
    Action.RECORD_IMPORTED_ACCEPTANCE: _came_from_import,
    Action.CONTEST: _contest_window,
    Action.REQUEST_EXTENSION: _no_pending_extension,
    Action.DECIDE_EXTENSION: _pending_extension,
    Action.EDIT: _reporter_or_supervisor,
}


def unit_roles_of(problem: Problem, user: User) -> set[UnitRole]:
    """Which unit roles the user's own unit holds on the problem.

    A region officer acts for their region and the regions below it; a
    department officer for their department.
    """
    held: set[UnitRole] = set()
    for unit in problem.units.select_related("region"):
        if user.role == R.DEPARTMENT_OFFICER:
            ours = unit.department_id == user.department_id
        else:
            ours = bool(unit.region_id) and user.region.contains(unit.region)
        if ours:
            held.add(UnitRole(unit.role))
    return held


def _duty_refusal(row: Transition, user: User,
                  held_roles: Callable[[], set[UnitRole]]) -> str | None:
    if row.duty is Duty.NONE or user.role not in OFFICERS:
        return None
    held = held_roles()
    if row.duty is Duty.DUTY_UNIT and not held & DUTY_ROLES:
        return _("Only the lead or a responsible unit may do this; your unit is not one.")
    if row.duty is Duty.ANY_UNIT and not held:
        return _("Your unit is not among this problem's units.")
    return None


class Refusal(enum.Enum):
    SCOPE = "scope"
    ROLE = "role"
    STATE = "state"
    RULE = "rule"


def check(
    problem: Problem, action: Action, user: User
) -> tuple[Transition | None, Refusal | None, str]:
    """Decide whether ``user`` may take ``action`` now; the reason when not."""
    if not Problem.objects.allows(user, problem):
        return None, Refusal.SCOPE, _("This problem is outside your scope.")
    row, refusal, reason = check_table(problem.status, action, user,
                                       lambda: unit_roles_of(problem, user))
    if row is None:
        return None, refusal, reason
    guard = GUARDS.get(action)
    reason = guard(problem, user, clock.today()) if guard is not None else None
    if reason:
        return None, Refusal.RULE, reason
    return row, None, ""


def check_table(
    status: str, action: Action, user: User, held_roles: Callable[[], set[UnitRole]]
) -> tuple[Transition | None, Refusal | None, str]:
    """The table's answer for a problem in ``status``: role, state and the unit's duty.

    ``held_roles`` gives the unit roles the user's unit holds on the problem;
    it is asked only when the row needs a duty (the ledger import asks this of
    problems not stored yet, their units in hand).
    """
    rows = rows_for(action)
    if not any(user.role in row.roles for row in rows):
        return None, Refusal.ROLE, _("Your role may not %(action)s.") % {
            "action": Action(action).label.lower()
        }
    row = next((r for r in rows if status in r.sources and user.role in r.roles), None)
    if row is None:
        allowed = sorted({str(Status(s).label) for r in rows if user.role in r.roles
                          for s in r.sources})
        return None, Refusal.STATE, _(
            "'%(action)s' is not possible while the problem is '%(status)s' (possible when: "
            "%(allowed)s)."
        ) % {
            "action": Action(action).label,
            "status": Status(status).label,
            "allowed": ", ".join(allowed),
        }
    reason = _duty_refusal(row, user, held_roles)
    if reason:
        return None, Refusal.RULE, reason
    return row, None, ""


def ensure_allowed(problem: Problem, action: Action, user: User) -> Transition:
    """The row that allows this, or the refusal as an error (409 for the state, else 403)."""
    row, refusal, reason = check(problem, action, user)
    if row is None:
        raise refusal_error(refusal, reason)
    return row


def refusal_error(refusal: Refusal | None, reason: str) -> ActionRefused | StateConflict:
    """A refusal as the error the services raise: 409 for the state, 403 otherwise."""
    error = StateConflict if refusal is Refusal.STATE else ActionRefused
    return error(reason, code=f"refused_{refusal.value}" if refusal else None)


def authorize(
    problem: Problem, action: Action, user: User, inputs: Mapping[str, Any]
) -> Transition:
    """The row that allows this with these inputs, or a refusal that changes nothing."""
    row = ensure_allowed(problem, action, user)
    check_inputs(row, inputs)
    return row


def check_inputs(row: Transition, inputs: Mapping[str, Any]) -> None:
    """Refuse, naming each, the inputs the row requires and did not get."""
    missing = {
        name: _("This is required to %(action)s.") % {"action": Action(row.action).label.lower()}
        for name in row.requires
        if inputs.get(name) in (None, "", [], {})
    }
    if missing:
        raise InvalidInput(_("Some required inputs are missing."), fields=missing)


def available_actions(problem: Problem, user: User) -> list[Action]:
    """The actions the user may take on the problem now, in table order (offered rows only)."""
    seen: list[Action] = []
    for row in TRANSITIONS:
        possible = row.offered and user.role in row.roles and problem.status in row.sources
        if possible and row.action not in seen and check(problem, row.action, user)[0]:
            seen.append(row.action)
    return seen


def apply(
    problem: Problem,
    row: Transition,
    actor: User,
    *,
    fields: Mapping[str, Any] | None = None,
    effects: Callable[[], dict[str, list[Any]] | None] | None = None,
    message: str = "",
    target: Model | None = None,
    units_change: bool = False,
) -> Problem:
    """Move the problem (compare-and-set on its status), run effects, keep tallies, record.

    ``effects`` changes related rows (units, records) once the move has
    succeeded and may return extra before/after pairs for the audit event;
    ``units_change`` says they replace the problem's units, which moves tallies.
    """
    now = clock.now()
    values = dict(fields or {})
    if row.target is not None:
        values["status"] = row.target
    before = {name: getattr(problem, name) for name in values}
    counted = units_change or bool(tallies.KEY_FIELDS & set(values))
    keys_before = tallies.keys_of(problem) if counted else None
    moved = Problem.objects.filter(pk=problem.pk, status=problem.status).update(
        **values, updated_at=now
    )
    if not moved:
        raise StateConflict(
            _("Someone else changed this problem a moment ago; reload it and try again."),
            code="concurrent_change",
        )
    for name, value in values.items():
        setattr(problem, name, value)
    problem.updated_at = now
    extra = effects() if effects else None
    if keys_before is not None:
        tallies.move(keys_before, tallies.keys_of(problem))
    record(
        f"ledger.problem.{row.event}",
        actor=actor,
        target=target or problem,
        subject=problem,
        changes={**changes_between(before, values), **(extra or {})},
        message=message,
    )
    return problem

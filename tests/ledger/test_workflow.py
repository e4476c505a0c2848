"""The workflow table, walked whole: every action × state × role, allowed and forbidden."""

from __future__ import annotations

import io
import itertools
from datetime import timedelta

import pytest

from ecoledger.audit.models import Event
from ecoledger.ledger import services, workflow
from ecoledger.ledger.choices import Action, ExtensionStatus, Status
from ecoledger.ledger.models import DeadlineExtension, Problem
from ecoledger.ledger.services import MeasureInput, TicketInput, UnitAssignment
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput, StateConflict
from ecoledger.org.choices import Role
from tests.factories import City, jpeg_bytes, make_problem, make_user

pytestmark = pytest.mark.django_db

_colors = itertools.count(1)


def _photo() -> io.BytesIO:
    return io.BytesIO(jpeg_bytes(seed=next(_colors) + 10_000))


def _units(city: City) -> UnitAssignment:
    return UnitAssignment(lead=city.districts[0], responsible=[city.departments[0]])


def _record_imported_acceptance(problem: Problem, user) -> object:
    """As on a problem a ledger row made (the import's own tests cover the rest of the rule)."""
    from tests.reports.factories import mark_imported

    mark_imported(problem)
    return services.record_imported_acceptance(problem, acting_user=user, opinion="Accepted")


CALLS = {
    Action.VERIFY: lambda p, u, c: services.verify_problem(
        p, acting_user=u, units=_units(c), deadline=clock.today() + timedelta(days=30)),
    Action.DISMISS: lambda p, u, c: services.dismiss_problem(
        p, acting_user=u, reason="Unfounded"),
    Action.CONTEST: lambda p, u, c: services.contest_problem(p, acting_user=u, reason="Not ours"),
    Action.ARBITRATE: lambda p, u, c: services.arbitrate_contest(
        p, acting_user=u, decision="uphold", reason="It is yours"),
    Action.START: lambda p, u, c: services.start_rectification(p, acting_user=u),
    Action.EDIT_PLAN: lambda p, u, c: services.save_plan(
        p, acting_user=u, goal="Cover the pile",
        measures=[MeasureInput("Cover with netting", "site manager",
                               clock.today() + timedelta(days=5))]),
    Action.REPORT_PROGRESS: lambda p, u, c: services.report_progress(
        p, acting_user=u, text="Half covered"),
    Action.ADD_EVIDENCE: lambda p, u, c: services.add_evidence(
        p, acting_user=u, upload=_photo(), name="photo.jpg", stage="during"),
    Action.SUBMIT: lambda p, u, c: services.submit_for_acceptance(
        p, acting_user=u, summary="All covered"),
    Action.REJECT: lambda p, u, c: services.reject_problem(p, acting_user=u, reason="Not enough"),
    Action.ACCEPT: lambda p, u, c: services.accept_problem(p, acting_user=u, opinion="Good"),
    Action.RECORD_IMPORTED_ACCEPTANCE: lambda p, u, c: _record_imported_acceptance(p, u),
    Action.REBOUND: lambda p, u, c: services.rebound_problem(
        p, acting_user=u, reason="Dust again", deadline=clock.today() + timedelta(days=20)),
    Action.REQUEST_EXTENSION: lambda p, u, c: services.request_extension(
        p, acting_user=u, deadline=(p.deadline or clock.today()) + timedelta(days=10),
        reason="Rain"),
    Action.DECIDE_EXTENSION: lambda p, u, c: services.decide_extension(
        p, acting_user=u, approve=True),
    Action.EXTEND_DEADLINE: lambda p, u, c: services.extend_deadline(
        p, acting_user=u, deadline=(p.deadline or clock.today()) + timedelta(days=10),
        reason="Flood season"),
    Action.EDIT: lambda p, u, c: services.update_problem(p, acting_user=u, title="Renamed"),
    Action.ADD_TICKET: lambda p, u, c: services.add_ticket(
        p, acting_user=u, ticket=TicketInput("hotline_12345", f"GD-{next(_colors)}")),
    Action.LINK: lambda p, u, c: services.link_problems(
        p, Problem.objects.get(title="Link target"), acting_user=u, kind="same_area"),
}


def test_every_action_has_a_service_call():
    assert set(CALLS) == set(Action)


def _actors(city: City) -> dict[Role, object]:
    return {
        Role.SUPERVISOR: city.second_supervisor,  # never the submitter: four eyes hold
        Role.REGION_OFFICER: make_user(Role.REGION_OFFICER, region=city.districts[0]),
        Role.DEPARTMENT_OFFICER: make_user(Role.DEPARTMENT_OFFICER,
                                           department=city.departments[0]),
        Role.ENTERPRISE: make_user(Role.ENTERPRISE, enterprise=city.enterprises[0]),
        Role.INSPECTOR: make_user(Role.INSPECTOR, region=city.districts[0]),
        Role.LEADER: make_user(Role.LEADER),
    }


def _problem_in(city: City, status: Status, actors: dict, reporter=None) -> Problem:
    """A problem in ``status`` that every actor can see and holds duty on."""
    city.users["contester"] = actors[Role.REGION_OFFICER]
    if not Problem.objects.filter(title="Link target").exists():
        make_problem(city, title="Link target")
    problem = make_problem(
        city, status=status, units=_units(city), source=city.sources[0],
        reporter=reporter or actors[Role.DEPARTMENT_OFFICER],
    )
    if status == Status.RECTIFYING:
        services.add_evidence(problem, acting_user=city.supervisor, upload=_photo(),
                              name="after.jpg", stage="after")
    problem.refresh_from_db()
    return problem


def _table_allows(action: Action, status: Status, role: Role) -> bool:
    return any(status in row.sources and role in row.roles for row in workflow.rows_for(action))


def _expected(action: Action, status: Status, role: Role) -> bool:
    """The table, less the extra rules that the shared problems do not meet.

    DECIDE_EXTENSION needs a pending request (none here), RECORD_IMPORTED_ACCEPTANCE
    a problem that came from an imported ledger (none here), and a reported problem
    may be edited by its reporter (the department officer) or a supervisor only;
    these rules have tests of their own.
    """
    if action in (Action.DECIDE_EXTENSION, Action.RECORD_IMPORTED_ACCEPTANCE):
        return False
    if action == Action.EDIT and status == Status.REPORTED:
        return role in (Role.SUPERVISOR, Role.DEPARTMENT_OFFICER)
    return _table_allows(action, status, role)


def test_check_matches_the_table_for_every_action_state_and_role(city):
    actors = _actors(city)
    problems = {status: _problem_in(city, status, actors) for status in Status}
    mismatches = []
    for action, status, role in itertools.product(Action, Status, Role):
        allowed = workflow.check(problems[status], action, actors[role])[0] is not None
        if allowed != _expected(action, status, role):
            mismatches.append((action.value, status.value, role.value, allowed))
    assert mismatches == []


ALLOWED = sorted(
    {
        (row.action, status, role)
        for row in workflow.TRANSITIONS
        for status in row.sources
        for role in row.roles
    }
)


@pytest.mark.parametrize(("action", "status", "role"), ALLOWED)
def test_every_allowed_transition_moves_the_problem_as_the_table_says(city, action, status, role):
    actors = _actors(city)
    reporter = actors[role] if (action == Action.EDIT and status == Status.REPORTED
                                and role != Role.SUPERVISOR) else None
    problem = _problem_in(city, status, actors, reporter=reporter)
    if action == Action.DECIDE_EXTENSION:
        services.request_extension(
            problem, acting_user=actors[Role.REGION_OFFICER],
            deadline=problem.deadline + timedelta(days=5), reason="Rain",
        ) if status != Status.CONTESTED else DeadlineExtension.objects.create(
            problem=problem, requested_by=actors[Role.REGION_OFFICER], requested_at=clock.now(),
            previous_deadline=problem.deadline,
            requested_deadline=problem.deadline + timedelta(days=5), reason="Rain",
        )
    row = next(r for r in workflow.rows_for(action) if status in r.sources)
    events_before = Event.objects.count()

    CALLS[action](problem, actors[role], city)

    problem.refresh_from_db()
    assert problem.status == (row.target or status)
    new = Event.objects.filter(seq__gt=events_before, subject_id=str(problem.pk))
    assert new.filter(action=f"ledger.problem.{row.event}").exists()


FORBIDDEN_STATES = sorted(
    {
        (action, status)
        for action in Action
        for status in Status
        if not any(status in row.sources for row in workflow.rows_for(action))
    }
)


def _snapshot(problem: Problem) -> tuple:
    problem.refresh_from_db()
    return (problem.status, problem.deadline, problem.title, problem.updated_at,
            Event.objects.count())


@pytest.mark.parametrize(("action", "status"), FORBIDDEN_STATES)
def test_every_action_outside_its_states_is_refused_and_changes_nothing(city, action, status):
    actors = _actors(city)
    problem = _problem_in(city, status, actors)
    role = next(iter(sorted(workflow.rows_for(action)[0].roles)))
    before = _snapshot(problem)

    with pytest.raises(StateConflict):
        CALLS[action](problem, actors[role], city)

    assert _snapshot(problem) == before


FORBIDDEN_ROLES = sorted(
    {
        (action, role)
        for action in Action
        for role in Role
        if not any(role in row.roles for row in workflow.rows_for(action))
    }
)


@pytest.mark.parametrize(("action", "role"), FORBIDDEN_ROLES)
def test_every_role_outside_an_actions_roles_is_refused_and_changes_nothing(city, action, role):
    actors = _actors(city)
    status = next(iter(sorted(workflow.rows_for(action)[0].sources)))
    problem = _problem_in(city, status, actors)
    before = _snapshot(problem)

    with pytest.raises(ActionRefused):
        CALLS[action](problem, actors[role], city)

    assert _snapshot(problem) == before


def test_pending_extensions_are_decided_once(city):
    actors = _actors(city)
    problem = _problem_in(city, Status.RECTIFYING, actors)
    old_deadline = problem.deadline
    services.request_extension(problem, acting_user=actors[Role.REGION_OFFICER],
                               deadline=old_deadline + timedelta(days=9), reason="Rain")

    with pytest.raises(InvalidInput) as silent:
        services.decide_extension(problem, acting_user=city.supervisor, approve=False, note=" ")
    services.decide_extension(problem, acting_user=city.supervisor, approve=False,
                              note="Rain was forecast when the deadline was set")

    assert silent.value.fields == {"note": [
        "Say why the extension is refused: the unit reads it."]}

    problem.refresh_from_db()
    assert problem.deadline == old_deadline
    assert problem.extensions.get().status == ExtensionStatus.REFUSED
    assert workflow.check(problem, Action.DECIDE_EXTENSION, city.supervisor)[0] is None


def test_the_units_hear_of_a_decided_extension_and_an_arbitrated_contest(city):
    from ecoledger.notifications.models import Notification

    actors = _actors(city)
    officer = actors[Role.REGION_OFFICER]
    rectifying = _problem_in(city, Status.RECTIFYING, actors)
    services.request_extension(rectifying, acting_user=officer,
                               deadline=rectifying.deadline + timedelta(days=9), reason="Rain")
    services.decide_extension(rectifying, acting_user=city.supervisor, approve=False,
                              note="The forecast was known")
    contested = make_problem(city, status=Status.CONTESTED)
    services.arbitrate_contest(contested, acting_user=city.supervisor, decision="uphold",
                               reason="It is on your ground")

    extension = Notification.objects.get(recipient=officer,
                                         message__kind="ledger.extension_decided").message
    arbitration = Notification.objects.filter(message__kind="ledger.contest_arbitrated")
    assert rectifying.code in extension.subject and "refused" in extension.subject
    assert extension.body == "The forecast was known"
    assert arbitration.exists()
    assert {n.message.body for n in arbitration} == {"It is on your ground"}
    assert all(contested.code in n.message.subject for n in arbitration)

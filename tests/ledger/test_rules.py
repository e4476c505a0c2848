"""The workflow's extra rules: four eyes, reasons, windows, deadlines, rebounds."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ecoledger.audit.models import Event
from ecoledger.ledger import services, workflow
from ecoledger.ledger.choices import Action, Status, UnitRole
from ecoledger.ledger.services import UnitAssignment
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput
from ecoledger.org.choices import Role
from tests.factories import jpeg_bytes, make_problem, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_it_refuses_accept_by_the_submitter(city):
    problem = make_problem(city, status=Status.PENDING_ACCEPTANCE)
    events = Event.objects.count()

    with pytest.raises(ActionRefused) as error:
        services.accept_problem(problem, acting_user=city.supervisor, opinion="Fine")

    assert "Four eyes" in str(error.value)
    problem.refresh_from_db()
    assert problem.status == Status.PENDING_ACCEPTANCE
    assert Event.objects.count() == events


def test_another_supervisor_accepts_and_the_review_is_kept(city):
    problem = make_problem(city, status=Status.PENDING_ACCEPTANCE)

    review = services.accept_problem(problem, acting_user=city.second_supervisor, opinion="OK")

    problem.refresh_from_db()
    assert problem.status == Status.CLOSED
    assert problem.closed_at is not None
    assert (review.passed, review.reviewer, review.submitted_by) == (
        True, city.second_supervisor, city.supervisor)


@pytest.mark.parametrize(
    ("status", "call"),
    [
        (Status.REPORTED, lambda p, u: services.dismiss_problem(p, acting_user=u, reason=" ")),
        (Status.PENDING_ACCEPTANCE,
         lambda p, u: services.reject_problem(p, acting_user=u, reason="")),
        (Status.CLOSED, lambda p, u: services.rebound_problem(
            p, acting_user=u, reason="", deadline=clock.today() + timedelta(days=9))),
        (Status.RECTIFYING, lambda p, u: services.extend_deadline(
            p, acting_user=u, reason="", deadline=clock.today() + timedelta(days=99))),
    ],
)
def test_actions_that_need_a_reason_refuse_without_one(city, status, call):
    problem = make_problem(city, status=status)
    events = Event.objects.count()

    with pytest.raises(InvalidInput) as error:
        call(problem, city.second_supervisor)

    assert list(error.value.fields) == ["reason"]
    assert Event.objects.count() == events


def test_a_contest_needs_a_reason(city):
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    problem = make_problem(city, status=Status.ASSIGNED)

    with pytest.raises(InvalidInput) as error:
        services.contest_problem(problem, acting_user=officer, reason="  ")

    assert list(error.value.fields) == ["reason"]


def test_it_refuses_a_contest_after_the_window(city, settings):
    settings.CONTEST_WINDOW_DAYS = 3
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    start = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
    with clock.frozen_at(start):
        problem = make_problem(city, status=Status.ASSIGNED)

    with clock.frozen_at(start + timedelta(days=4)), pytest.raises(ActionRefused) as error:
        services.contest_problem(problem, acting_user=officer, reason="Not ours")

    assert "2026-03-05" in str(error.value)


def test_a_cooperating_unit_may_report_progress_but_not_submit(city):
    cooperating = make_user(Role.DEPARTMENT_OFFICER, department=city.departments[1])
    units = UnitAssignment(lead=city.districts[0], cooperating=[city.departments[1]])
    problem = make_problem(city, status=Status.RECTIFYING, units=units)

    services.report_progress(problem, acting_user=cooperating, text="Sprayed the road")

    with pytest.raises(ActionRefused):
        services.submit_for_acceptance(problem, acting_user=cooperating, summary="Done")


def test_a_district_officer_acts_for_a_town_unit_below_it(city):
    district_officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    town = city.towns[0][0]
    problem = make_problem(city, status=Status.ASSIGNED, units=UnitAssignment(lead=town))

    services.start_rectification(problem, acting_user=district_officer)

    problem.refresh_from_db()
    assert problem.status == Status.RECTIFYING


def test_a_town_officer_does_not_act_for_its_district(city):
    town_officer = make_user(Role.REGION_OFFICER, region=city.towns[0][0])
    problem = make_problem(city, status=Status.ASSIGNED)  # lead: the district

    assert workflow.check(problem, Action.START, town_officer)[0] is None


def test_a_region_cannot_take_duty_outside_its_territory(city):
    problem = make_problem(city)  # in district 1

    with pytest.raises(InvalidInput) as error:
        services.verify_problem(
            problem, acting_user=city.supervisor,
            units=UnitAssignment(lead=city.districts[1]),
            deadline=clock.today() + timedelta(days=10),
        )

    assert "lead_unit" in error.value.fields


def test_verify_refuses_a_deadline_in_the_past(city):
    problem = make_problem(city)

    with pytest.raises(InvalidInput) as error:
        services.verify_problem(
            problem, acting_user=city.supervisor, units=UnitAssignment(lead=city.districts[0]),
            deadline=clock.today() - timedelta(days=1),
        )

    assert list(error.value.fields) == ["deadline"]


def test_arbitration_upholds_or_reassigns(city):
    problem = make_problem(city, status=Status.CONTESTED)

    services.arbitrate_contest(
        problem, acting_user=city.supervisor, decision="reassign", reason="Water is theirs",
        units=UnitAssignment(lead=city.departments[1]),
    )

    problem.refresh_from_db()
    assert problem.status == Status.ASSIGNED
    assert [(u.role, u.department) for u in problem.units.all()] == [
        (UnitRole.LEAD, city.departments[1])]
    contest = problem.contests.get()
    assert (contest.decision, contest.decided_by) == ("reassign", city.supervisor)


def test_a_reassignment_to_the_units_that_contested_is_refused(city):
    problem = make_problem(city, status=Status.CONTESTED)
    lead = problem.units.get(role=UnitRole.LEAD).unit

    with pytest.raises(InvalidInput) as error:
        services.arbitrate_contest(
            problem, acting_user=city.supervisor, decision="reassign", reason="Same again",
            units=UnitAssignment(lead=lead))

    assert error.value.fields == {"lead_unit": [
        "A reassignment gives the problem to other units; to keep these, uphold."]}


def test_rebound_reopens_with_a_new_deadline_and_counts(city):
    problem = make_problem(city, status=Status.CLOSED)
    new_deadline = clock.today() + timedelta(days=15)

    services.rebound_problem(problem, acting_user=city.supervisor, reason="Dust is back",
                             deadline=new_deadline)

    problem.refresh_from_db()
    assert (problem.status, problem.rebound_count, problem.deadline, problem.closed_at) == (
        Status.RECTIFYING, 1, new_deadline, None)


def test_after_a_rebound_the_submission_needs_evidence_of_the_new_round(city):
    problem = make_problem(city, status=Status.CLOSED)
    assert problem.evidence.filter(stage="after").exists()  # the first round's result
    with clock.frozen_at(clock.now() + timedelta(days=10)):
        services.rebound_problem(problem, acting_user=city.supervisor, reason="Dust is back",
                                 deadline=clock.today() + timedelta(days=15))
        problem.refresh_from_db()
        with pytest.raises(InvalidInput) as error:
            services.submit_for_acceptance(problem, acting_user=city.supervisor, summary="Done")
        services.add_evidence(problem, acting_user=city.supervisor, stage="after",
                              upload=io.BytesIO(jpeg_bytes(seed=9)), name="again.jpg")
        services.submit_for_acceptance(problem, acting_user=city.supervisor, summary="Done")

    assert list(error.value.fields) == ["evidence"]
    assert "came back" in error.value.fields["evidence"][0]
    problem.refresh_from_db()
    assert problem.status == Status.PENDING_ACCEPTANCE


def test_submission_needs_evidence_of_the_result(city):
    problem = make_problem(city, status=Status.RECTIFYING)

    with pytest.raises(InvalidInput) as error:
        services.submit_for_acceptance(problem, acting_user=city.supervisor, summary="Done")

    assert list(error.value.fields) == ["evidence"]


def test_a_rejected_problem_goes_back_and_a_new_submission_is_reviewed_anew(city):
    problem = make_problem(city, status=Status.PENDING_ACCEPTANCE)

    services.reject_problem(problem, acting_user=city.second_supervisor, reason="Still dusty")
    problem.refresh_from_db()
    services.submit_for_acceptance(problem, acting_user=city.supervisor, summary="Now covered")
    problem.refresh_from_db()
    services.accept_problem(problem, acting_user=city.second_supervisor, opinion="OK")

    assert [a.passed for a in problem.acceptances.all()] == [False, True]


def test_the_extension_moves_the_deadline_only_later(city):
    problem = make_problem(city, status=Status.RECTIFYING)

    with pytest.raises(InvalidInput):
        services.extend_deadline(problem, acting_user=city.supervisor,
                                 deadline=problem.deadline, reason="Why not")


def test_a_stale_copy_cannot_overwrite_a_newer_state(city):
    problem = make_problem(city, status=Status.REPORTED)
    stale = type(problem).objects.get(pk=problem.pk)
    services.dismiss_problem(problem, acting_user=city.supervisor, reason="Duplicate")

    with pytest.raises(Exception) as error:
        services.verify_problem(
            stale, acting_user=city.supervisor, units=UnitAssignment(lead=city.districts[0]),
            deadline=clock.today() + timedelta(days=5),
        )

    assert getattr(error.value, "code", "") in {"concurrent_change", "refused_state"}
    problem.refresh_from_db()
    assert problem.status == Status.DISMISSED


def test_submitting_withdraws_a_pending_extension_request(city):
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    problem = make_problem(city, status=Status.RECTIFYING)
    services.request_extension(problem, acting_user=officer,
                               deadline=problem.deadline + timedelta(days=5), reason="Rain")
    services.add_evidence(problem, acting_user=officer, upload=io.BytesIO(jpeg_bytes(seed=99)),
                          name="after.jpg", stage="after")

    services.submit_for_acceptance(problem, acting_user=officer, summary="Done early")

    assert problem.extensions.get().status == "withdrawn"


def test_a_link_shows_on_both_timelines(city):
    first, second = make_problem(city), make_problem(city)

    services.link_problems(first, second, acting_user=city.supervisor, kind="same_water_body")

    assert Event.objects.filter(action="ledger.problem.linked").count() == 2
    assert {e.subject_id for e in Event.objects.filter(action="ledger.problem.linked")} == {
        str(first.pk), str(second.pk)}

"""Follow-ups (回头看): scheduled on closing by risk, carried out by an inspector from elsewhere."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from ecoledger.audit.models import Event
from ecoledger.ledger import services
from ecoledger.ledger.choices import EvidenceStage, FollowUpStatus, Status
from ecoledger.ledger.followup_plan import drawn_in_sample, risk_of
from ecoledger.ledger.models import FollowUp, Problem
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput
from ecoledger.org.choices import Role
from tests.factories import make_problem, make_user
from tests.ledger.followup_factories import (
    closed_problem,
    days_after_closing,
    first_check,
    local_day,
    make_inspector,
    photo,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspectors(city):
    """One inspector in district 1 (whose units rectify the problems here), one in district 2."""
    return {"own": make_inspector(city.districts[0]), "other": make_inspector(city.districts[1])}


def test_closing_a_risky_problem_schedules_checks_at_the_offsets_by_an_inspector_elsewhere(
        city, inspectors):
    problem = closed_problem(city, domain="water")

    checks = list(problem.followups.order_by("due_on"))

    closed_on = local_day(problem.closed_at)
    assert [c.due_on for c in checks] == [closed_on + timedelta(days=d) for d in (30, 90, 180)]
    assert {c.inspector for c in checks} == {inspectors["other"]}
    assert {c.status for c in checks} == {FollowUpStatus.PENDING}
    assert checks[0].risk == 1 and not checks[0].sampled
    event = Event.objects.get(action="ledger.problem.followups_scheduled")
    assert "domain" in event.message.lower()


def test_a_domain_may_have_its_own_offsets(city, inspectors, settings):
    settings.FOLLOWUP_DAYS_BY_DOMAIN = {"water": [14, 365]}

    problem = closed_problem(city, domain="water")

    assert sorted(problem.followups.values_list("offset_days", flat=True)) == [14, 365]


def test_a_low_risk_problem_is_followed_up_only_when_drawn_in_the_sample(
        city, inspectors, settings):
    settings.FOLLOWUP_SAMPLE_PERCENT = 0
    skipped = closed_problem(city, domain="noise")
    settings.FOLLOWUP_SAMPLE_PERCENT = 100
    drawn = closed_problem(city, domain="noise")

    assert skipped.followups.count() == 0
    skip_event = Event.objects.filter(action="ledger.problem.followups_scheduled",
                                      subject_id=str(skipped.pk)).get()
    assert "not drawn" in skip_event.message
    assert drawn.followups.count() == 3
    assert set(drawn.followups.values_list("sampled", flat=True)) == {True}


def test_the_sample_is_drawn_from_the_code_so_reruns_agree():
    codes = [f"ZG-2026-{n:06d}" for n in range(1, 401)]

    first = [drawn_in_sample(code, 30) for code in codes]
    again = [drawn_in_sample(code, 30) for code in codes]

    assert first == again
    assert 90 <= sum(first) <= 150  # about 30 % of 400


def test_risk_rises_with_the_domain_the_severity_and_earlier_rebounds(city):
    calm = make_problem(city, domain="noise")
    water = make_problem(city, domain="water", severity="major")
    water.rebound_count = 2

    assert risk_of(calm).score == 0
    assert risk_of(water).score == 1 + 2 + 2


def test_scheduling_again_for_the_same_closing_changes_nothing(city, inspectors):
    problem = closed_problem(city)
    events = Event.objects.count()

    again = services.schedule_followups(problem, acting_user=city.supervisor)

    assert len(again) == 3
    assert FollowUp.objects.filter(problem=problem).count() == 3
    assert Event.objects.count() == events


def test_a_due_follow_up_recorded_as_rebound_puts_the_problem_back_in_rectification(
        city, inspectors):
    problem = closed_problem(city)
    check = first_check(problem)
    inspector = inspectors["other"]

    with clock.frozen_at(days_after_closing(problem, 31)):
        assert list(FollowUp.objects.filter(inspector=inspector).due(clock.today())) == [check]
        services.record_followup(check, acting_user=inspector, finding="rebound",
                                 note="Black water at the outfall again", photos=[photo(1)])
        today = clock.today()

    problem.refresh_from_db()
    check.refresh_from_db()
    assert problem.status == Status.RECTIFYING
    assert problem.rebound_count == 1
    assert problem.deadline == today + timedelta(days=30)
    assert problem.closed_at is None
    assert check.status == FollowUpStatus.REBOUND
    assert check.evidence.get().stage == EvidenceStage.FOLLOW_UP
    later = problem.followups.exclude(pk=check.pk)
    assert set(later.values_list("status", flat=True)) == {FollowUpStatus.CANCELLED}
    rebounded = Event.objects.get(action="ledger.problem.rebounded")
    assert rebounded.actor_id == inspector.pk
    assert "Black water" in rebounded.message


def test_a_stable_finding_keeps_the_problem_closed(city, inspectors):
    problem = closed_problem(city)
    check = first_check(problem)

    with clock.frozen_at(days_after_closing(problem, 30)):
        services.record_followup(check, acting_user=inspectors["other"], finding="stable",
                                 note="", photos=[photo(2)])

    problem.refresh_from_db()
    assert problem.status == Status.CLOSED
    assert problem.rebound_count == 0
    assert FollowUp.objects.get(pk=check.pk).status == FollowUpStatus.STABLE


def test_only_the_assigned_inspector_may_record_and_only_once_due(city, inspectors):
    problem = closed_problem(city)
    check = first_check(problem)
    stranger = make_inspector(city.districts[1])

    with clock.frozen_at(days_after_closing(problem, 10)), pytest.raises(ActionRefused) as early:
        services.record_followup(check, acting_user=inspectors["other"], finding="stable",
                                 note="", photos=[photo(3)])
    with clock.frozen_at(days_after_closing(problem, 31)), pytest.raises(ActionRefused):
        services.record_followup(check, acting_user=stranger, finding="stable", note="",
                                 photos=[photo(4)])

    assert "not due until" in early.value.message
    check.refresh_from_db()
    assert check.status == FollowUpStatus.PENDING
    assert problem.evidence.filter(stage=EvidenceStage.FOLLOW_UP).count() == 0


@pytest.mark.parametrize("files, reason", [
    ([], "at least one photo"),
    ([(io.BytesIO(b"%PDF-1.4 report"), "report.pdf")], "must be a photo"),
])
def test_a_finding_needs_a_photo_and_nothing_is_kept_without_one(city, inspectors, files,
                                                                 reason):
    problem = closed_problem(city)
    check = first_check(problem)

    with clock.frozen_at(days_after_closing(problem, 31)), pytest.raises(InvalidInput) as error:
        services.record_followup(check, acting_user=inspectors["other"], finding="rebound",
                                 note="Smells again", photos=files)

    assert reason in " ".join(error.value.fields["files"]).lower()
    check.refresh_from_db()
    assert check.status == FollowUpStatus.PENDING
    assert Problem.objects.get(pk=problem.pk).status == Status.CLOSED
    assert problem.evidence.filter(stage=EvidenceStage.FOLLOW_UP).count() == 0


def test_a_rebound_finding_must_say_what_came_back(city, inspectors):
    problem = closed_problem(city)

    with clock.frozen_at(days_after_closing(problem, 31)), pytest.raises(InvalidInput) as error:
        services.record_followup(first_check(problem), acting_user=inspectors["other"],
                                 finding="rebound", note="  ", photos=[photo(5)])

    assert set(error.value.fields) == {"note"}


def test_the_inspector_sees_the_problem_and_only_their_own_checks(city, inspectors):
    problem = closed_problem(city)  # in district 1, the inspector is posted in district 2
    elsewhere = make_inspector(city.districts[1])

    assert Problem.objects.visible_to(inspectors["other"]).filter(pk=problem.pk).exists()
    assert Problem.objects.allows(inspectors["other"], problem)
    assert not Problem.objects.visible_to(elsewhere).filter(pk=problem.pk).exists()
    assert not Problem.objects.allows(elsewhere, problem)
    assert FollowUp.objects.visible_to(inspectors["other"]).count() == 3
    assert FollowUp.objects.visible_to(elsewhere).count() == 0
    assert FollowUp.objects.visible_to(inspectors["own"]).count() == 0


def test_an_inspector_posted_at_city_level_still_sees_the_whole_city(city, inspectors):
    problem = closed_problem(city)
    citywide = make_inspector(city.city)

    assert set(Problem.objects.visible_to(citywide)) == set(Problem.objects.all())
    assert Problem.objects.allows(citywide, problem)


def test_without_an_eligible_inspector_checks_wait_for_a_supervisor_to_assign(city):
    own = make_inspector(city.districts[0])
    problem = closed_problem(city)
    check = first_check(problem)
    assert check.inspector is None
    other = make_inspector(city.districts[1])

    with pytest.raises(InvalidInput):
        services.assign_followup(check, acting_user=city.supervisor, inspector=own)
    with pytest.raises(ActionRefused):
        services.assign_followup(check, acting_user=other, inspector=other)
    services.assign_followup(check, acting_user=city.supervisor, inspector=other)

    assert FollowUp.objects.get(pk=check.pk).inspector == other


def test_a_rebound_found_on_follow_up_is_told_to_the_units_that_hold_the_duty(city, inspectors):
    from ecoledger.notifications.models import Notification

    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    bystander = make_user(Role.REGION_OFFICER, region=city.districts[1])
    problem = closed_problem(city)

    with clock.frozen_at(days_after_closing(problem, 31)):
        services.record_followup(first_check(problem), acting_user=inspectors["other"],
                                 finding="rebound", note="Dust again", photos=[photo(6)])

    told = Notification.objects.filter(message__kind="ledger.problem_rebounded")
    assert list(told.values_list("recipient", flat=True)) == [officer.pk]
    assert problem.code in told.get().message.subject
    assert not Notification.objects.filter(recipient=bystander).exists()

"""A monitoring problem is accepted only after its data have been compliant long enough."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from ecoledger.ledger import services
from ecoledger.ledger.choices import EvidenceStage, Status
from ecoledger.ledger.models import Problem
from ecoledger.ledger.services import UnitAssignment
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused
from ecoledger.monitoring.choices import AlertKind, AlertStatus
from ecoledger.monitoring.models import Alert, AlertRule
from tests.factories import jpeg_bytes
from tests.monitoring.alerts.factories import (
    SO2,
    add_readings,
    evaluate_at,
    hours,
)

pytestmark = pytest.mark.django_db



def pending_acceptance(problem: Problem, city) -> Problem:
    """Drive the problem through the ledger's services up to pending acceptance."""
    supervisor = city.supervisor
    services.verify_problem(
        problem,
        acting_user=supervisor,
        units=UnitAssignment(lead=city.districts[0]),
        deadline=clock.today() + timedelta(days=30),
    )
    services.start_rectification(problem, acting_user=supervisor)
    services.add_evidence(
        problem,
        acting_user=supervisor,
        upload=io.BytesIO(jpeg_bytes(seed=1)),
        name="after.jpg",
        stage=EvidenceStage.AFTER,
    )
    services.submit_for_acceptance(problem, acting_user=supervisor, summary="脱硫设施已修复")
    problem.refresh_from_db()
    return problem


def accept(problem: Problem, city, at):
    with clock.frozen_at(at):
        return services.accept_problem(
            problem, acting_user=city.second_supervisor, opinion="数据连续达标"
        )


@pytest.fixture
def problem(stack, city):
    add_readings(stack, SO2, [120, 130, 125])
    evaluate_at(hours(3))
    with clock.frozen_at(hours(3)):
        return pending_acceptance(Alert.objects.get().problem, city)


def test_it_refuses_acceptance_while_the_alert_is_open(problem, city):
    with pytest.raises(ActionRefused, match="still out of compliance"):
        accept(problem, city, hours(4))

    problem.refresh_from_db()
    assert problem.status == Status.PENDING_ACCEPTANCE


def test_it_accepts_only_once_the_data_have_been_compliant_for_the_configured_hours(
    problem, stack, city
):
    add_readings(stack, SO2, [60, 60, 60], start=hours(3))
    evaluate_at(hours(6))
    alert = Alert.objects.get()
    assert (alert.status, alert.resolved_at) == (AlertStatus.RESOLVED, hours(3))

    with pytest.raises(ActionRefused, match="72 hours of compliance"):
        accept(problem, city, hours(3 + 71))
    accept(problem, city, hours(3 + 72))

    problem.refresh_from_db()
    assert problem.status == Status.CLOSED


def test_the_compliant_period_comes_from_the_alert_rule(problem, stack, city):
    AlertRule.objects.create(
        kind=AlertKind.EXCEEDANCE, compliant_hours_to_accept=24, opens_problem=True
    )
    add_readings(stack, SO2, [60, 60, 60], start=hours(3))
    evaluate_at(hours(6))

    accept(problem, city, hours(3 + 24))

    problem.refresh_from_db()
    assert problem.status == Status.CLOSED


def test_a_repeat_before_acceptance_holds_acceptance_back_again(problem, stack, city):
    add_readings(stack, SO2, [60, 60, 60, 120, 130, 125], start=hours(3))
    evaluate_at(hours(9))

    with pytest.raises(ActionRefused, match="still out of compliance"):
        accept(problem, city, hours(9 + 100))
    assert Alert.objects.filter(problem=problem).count() == 2


def test_after_the_problem_is_closed_a_new_episode_opens_a_new_problem(problem, stack, city):
    add_readings(stack, SO2, [60, 60, 60], start=hours(3))
    evaluate_at(hours(6))
    accept(problem, city, hours(80))
    add_readings(stack, SO2, [120, 130, 125], start=hours(80))

    evaluate_at(hours(83))

    newest = Alert.objects.order_by("-opened_at").first()
    assert newest.problem not in (None, problem)
    assert newest.problem.status == Status.REPORTED

"""Alerts open ledger problems: one open problem per point, parameter and kind."""

from __future__ import annotations

import pytest

from ecoledger.audit.services import timeline
from ecoledger.ledger.choices import Status, TicketKind
from ecoledger.ledger.models import Problem
from ecoledger.ledger.services import dismiss_problem
from ecoledger.monitoring.alerts import SYSTEM_USERNAME
from ecoledger.monitoring.choices import AlertKind
from ecoledger.monitoring.models import Alert
from ecoledger.org.choices import Role
from ecoledger.org.models import User
from tests.monitoring.alerts.factories import (
    SO2,
    add_readings,
    evaluate_at,
    hours,
    make_limit,
)

pytestmark = pytest.mark.django_db

EPISODE = [120, 130, 125, 60, 60, 60]
"""Opens an exceedance and clears it, six hours."""



def episode(point, number: int) -> None:
    """Episode ``number`` (0, 1, …) of six hours, evaluated when its last value is in."""
    start = hours(6 * number)
    add_readings(point, SO2, EPISODE, start=start)
    evaluate_at(hours(6, start=start))


def test_an_exceedance_opens_a_problem_in_chinese_with_the_alert_as_its_ticket(stack, city):
    episode(stack, 0)

    alert = Alert.objects.get(kind=AlertKind.EXCEEDANCE)
    problem = alert.problem
    assert problem.title == "某某电厂1号排放口二氧化硫超标排放"
    assert "超过排放限值100mg/m³，最大值130mg/m³" in problem.description
    assert (problem.origin, problem.domain, problem.status) == ("monitoring", "air", "reported")
    assert (problem.region, problem.source, problem.enterprise) == (
        city.towns[0][0],
        city.sources[0],
        city.enterprises[0],
    )
    assert list(problem.tickets.values_list("kind", "upstream_id")) == [
        (TicketKind.ALERT, f"alert-{alert.pk}")
    ]
    assert (problem.reported_by.username, alert.occurrences) == (SYSTEM_USERNAME, 1)


def test_the_monitoring_account_is_a_supervisor_no_one_can_log_in_as(stack):
    episode(stack, 0)

    account = User.objects.get(username=SYSTEM_USERNAME)
    assert (account.role, account.full_name) == (Role.SUPERVISOR, "在线监测系统")
    assert not account.has_usable_password()


def test_a_repeat_while_the_problem_is_open_adds_an_occurrence_not_a_problem(stack):
    episode(stack, 0)
    episode(stack, 1)
    episode(stack, 2)

    problem = Problem.objects.get()
    alerts = list(Alert.objects.order_by("opened_at"))
    assert [a.problem_id for a in alerts] == [problem.pk] * 3
    assert [a.occurrences for a in alerts] == [1, 2, 3]
    assert problem.tickets.count() == 3
    assert [e.action for e in timeline(problem)] == [
        "ledger.problem.registered",
        "ledger.problem.ticket_added",
        "ledger.problem.ticket_added",
    ]


def test_after_the_problem_is_dismissed_a_new_episode_opens_a_new_problem(stack, city):
    episode(stack, 0)
    first = Problem.objects.get()
    dismiss_problem(first, acting_user=city.supervisor, reason="Test run of the analyser")

    episode(stack, 1)

    second = Alert.objects.order_by("-opened_at").first().problem
    assert second != first
    assert (second.status, second.tickets.count()) == (Status.REPORTED, 1)


def test_each_kind_and_parameter_has_its_own_problem(stack):
    make_limit(stack, "a21002", 200.0)
    add_readings(stack, SO2, [120, 130, 125])
    add_readings(stack, "a21002", [220, 230, 225])

    evaluate_at(hours(3))

    assert sorted(Problem.objects.values_list("title", flat=True)) == [
        "某某电厂1号排放口二氧化硫超标排放",
        "某某电厂1号排放口氮氧化物超标排放",
    ]


def test_kinds_whose_rule_does_not_open_problems_open_none(stack):
    add_readings(stack, SO2, [50, 50, 50], flags="D")

    evaluate_at(hours(3))

    assert Alert.objects.get().kind == AlertKind.DEVICE
    assert not Problem.objects.exists()


def test_a_problem_the_ledger_refuses_leaves_the_alert_and_is_tried_again(stack, city):
    User.objects.create(username=SYSTEM_USERNAME, role="", full_name="在线监测系统")
    add_readings(stack, SO2, [120, 130, 125])

    result = evaluate_at(hours(3))

    assert (result["problems"], result["problems_refused"]) == (0, 1)
    assert Alert.objects.get().problem is None
    User.objects.filter(username=SYSTEM_USERNAME).update(role=Role.SUPERVISOR)
    assert evaluate_at(hours(3))["problems"] == 1

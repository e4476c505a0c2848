"""Traffic lights and schedule-proportional progress (序时进度)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ecoledger.ledger import services
from ecoledger.ledger.choices import Status, TrafficLight
from ecoledger.ledger.models import Problem
from ecoledger.ledger.schedule import schedule_due_on
from ecoledger.ledger.services import MeasureInput
from ecoledger.lib import clock
from tests.factories import make_problem

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_four_measures_over_forty_days_need_one_done_per_ten_days():
    start = date(2026, 1, 1)

    assert schedule_due_on(start, start + timedelta(days=40), 4, 0) == date(2026, 1, 10)
    assert schedule_due_on(start, start + timedelta(days=40), 4, 1) == date(2026, 1, 20)
    assert schedule_due_on(start, start + timedelta(days=40), 4, 4) is None


def test_no_plan_means_no_schedule():
    assert schedule_due_on(date(2026, 1, 1), date(2026, 2, 1), 0, 0) is None


@pytest.mark.django_db
def test_the_light_turns_yellow_behind_schedule_and_red_when_overdue(city, settings):
    settings.WARNING_DAYS = 7
    start = datetime(2026, 5, 1, 9, 0, tzinfo=SHANGHAI)
    with clock.frozen_at(start):
        problem = make_problem(city, status=Status.RECTIFYING,
                               deadline=date(2026, 6, 10))  # 40 days
        services.save_plan(problem, acting_user=city.supervisor, goal="Stop the dust", measures=[
            MeasureInput(f"measure {i}", "owner", date(2026, 5, 1) + timedelta(days=10 * i))
            for i in range(1, 5)
        ])
    problem.refresh_from_db()

    def light_on(day: date) -> str | None:
        by_python = problem.traffic_light(day)
        by_query = next(
            (light for light in TrafficLight
             if Problem.objects.with_light(light, day).filter(pk=problem.pk).exists()), None)
        assert by_python == by_query
        return by_python

    assert light_on(date(2026, 5, 10)) == TrafficLight.GREEN
    assert light_on(date(2026, 5, 11)) == TrafficLight.YELLOW  # a quarter passed, none done
    assert light_on(date(2026, 6, 3)) == TrafficLight.YELLOW
    assert light_on(date(2026, 6, 11)) == TrafficLight.RED
    assert problem.overdue_days(date(2026, 6, 13)) == 3


@pytest.mark.django_db
def test_completing_a_measure_brings_the_light_back_to_green(city):
    start = datetime(2026, 5, 1, 9, 0, tzinfo=SHANGHAI)
    with clock.frozen_at(start):
        problem = make_problem(city, status=Status.RECTIFYING, deadline=date(2026, 6, 10))
        plan = services.save_plan(problem, acting_user=city.supervisor, goal="g", measures=[
            MeasureInput(f"m{i}", "owner", date(2026, 6, 1)) for i in range(4)])
    with clock.frozen_at(start + timedelta(days=12)):
        services.set_measure_done(plan.measures.first(), acting_user=city.supervisor)
    problem.refresh_from_db()

    assert (problem.measures_done, problem.measures_total) == (1, 4)
    assert problem.traffic_light(date(2026, 5, 13)) == TrafficLight.GREEN


@pytest.mark.django_db
def test_closed_problems_have_no_light(city):
    problem = make_problem(city, status=Status.CLOSED)

    assert problem.traffic_light(clock.today() + timedelta(days=999)) is None
    assert not Problem.objects.overdue(clock.today() + timedelta(days=999)).exists()

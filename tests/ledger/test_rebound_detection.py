"""Rebound detection: news near a closed problem flags it, once, for a supervisor to decide."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ecoledger.audit.models import Event
from ecoledger.ledger import services
from ecoledger.ledger.choices import Status, SuspicionStatus
from ecoledger.ledger.models import Problem, SuspectedRebound
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput
from ecoledger.monitoring.choices import AlertKind
from ecoledger.monitoring.models import Alert
from ecoledger.org.choices import Role
from tests.factories import make_problem, make_user
from tests.intake.factories import make_complaint
from tests.ledger.followup_factories import METRES_50, METRES_500, closed_problem
from tests.monitoring.alerts.factories import make_point

pytestmark = pytest.mark.django_db


def _patrol_finding(city, *, latitude: float, longitude: float = 118.78, **facts) -> Problem:
    return make_problem(city, region=city.towns[0][1], title="Black smoke again",
                        latitude=latitude, longitude=longitude, origin="patrol", **facts)


def _later(problem: Problem, days: int):
    return clock.frozen_at(problem.closed_at + timedelta(days=days))


def test_a_new_complaint_50_m_from_a_closed_problem_flags_it_as_a_suspected_rebound(city):
    problem = closed_problem(city)

    with _later(problem, 20):
        near = make_complaint(latitude=32.05 + METRES_50, longitude=118.78)
        make_complaint(latitude=32.05 + METRES_500, longitude=118.78)
        result = services.detect_rebounds()

    suspicion = SuspectedRebound.objects.get()
    assert (suspicion.problem, suspicion.kind, suspicion.signal_id) == (problem, "complaint",
                                                                         near.pk)
    assert 45 <= suspicion.distance_m <= 55
    assert suspicion.status == SuspicionStatus.OPEN
    assert near.tracking_code in suspicion.signal_label
    assert result["flagged"] == 1


def test_a_new_patrol_finding_50_m_away_flags_the_closed_problem_and_one_500_m_away_does_not(
        city):
    problem = closed_problem(city)

    with _later(problem, 20):
        near = _patrol_finding(city, latitude=32.05 + METRES_50)
        _patrol_finding(city, latitude=32.05 + METRES_500)
        services.detect_rebounds()

    flagged = SuspectedRebound.objects.get()
    assert (flagged.problem, flagged.kind, flagged.signal_id) == (problem, "patrol", near.pk)
    assert near.code in flagged.signal_label
    event = Event.objects.get(action="ledger.problem.rebound_suspected")
    assert event.subject_id == str(problem.pk)
    assert "50 m" in event.message


def test_a_monitoring_alert_at_the_same_pollution_source_flags_it_wherever_the_point_is(city):
    source = city.sources[0]
    problem = closed_problem(city, source=source)
    point = make_point(city.towns[0][0], source=source, latitude=32.2, longitude=118.9)

    with _later(problem, 40):
        Alert.objects.create(point=point, kind=AlertKind.EXCEEDANCE, opened_at=clock.now(),
                             last_seen_at=clock.now(), message="SO2 over the permit limit")
        services.detect_rebounds()

    flagged = SuspectedRebound.objects.get()
    assert (flagged.problem, flagged.kind, flagged.same_source) == (problem, "alert", True)
    assert flagged.distance_m is None


def test_news_before_closing_or_after_the_window_does_not_flag(city, settings):
    settings.REBOUND_WINDOW_DAYS = 30
    _patrol_finding(city, latitude=32.05 + METRES_50)
    problem = closed_problem(city)  # closed after that finding was registered

    with _later(problem, 5):
        before = services.detect_rebounds()
    with _later(problem, 31):
        _patrol_finding(city, latitude=32.05 + METRES_50)
        after = services.detect_rebounds()

    assert before["flagged"] == 0
    assert after["flagged"] == 0
    assert SuspectedRebound.objects.count() == 0


def test_detection_records_each_suspicion_once_however_often_it_runs(city):
    problem = closed_problem(city)

    with _later(problem, 5):
        _patrol_finding(city, latitude=32.05 + METRES_50)
        services.detect_rebounds()
        again = services.detect_rebounds()

    assert SuspectedRebound.objects.count() == 1
    assert Event.objects.filter(action="ledger.problem.rebound_suspected").count() == 1
    assert again["flagged"] == 0


def test_confirming_a_suspicion_reopens_the_problem_as_a_rebound(city):
    problem = closed_problem(city)
    with _later(problem, 5):
        _patrol_finding(city, latitude=32.05 + METRES_50)
        _patrol_finding(city, latitude=32.05 - METRES_50)
        services.detect_rebounds()
        first, second = SuspectedRebound.objects.order_by("pk")
        deadline = clock.today() + timedelta(days=20)

        services.confirm_suspicion(first, acting_user=city.supervisor,
                                   reason="Same dust, same site", deadline=deadline)

    problem.refresh_from_db()
    assert (problem.status, problem.rebound_count, problem.deadline) == (
        Status.RECTIFYING, 1, deadline)
    assert SuspectedRebound.objects.get(pk=first.pk).status == SuspicionStatus.CONFIRMED
    assert SuspectedRebound.objects.get(pk=second.pk).status == SuspicionStatus.SUPERSEDED


def test_dismissing_needs_a_reason_and_a_supervisor_and_keeps_the_problem_closed(city):
    problem = closed_problem(city)
    with _later(problem, 5):
        _patrol_finding(city, latitude=32.05 + METRES_50)
        services.detect_rebounds()
    suspicion = SuspectedRebound.objects.get()

    with pytest.raises(InvalidInput):
        services.dismiss_suspicion(suspicion, acting_user=city.supervisor, reason=" ")
    with pytest.raises(ActionRefused):
        services.dismiss_suspicion(suspicion, acting_user=make_user(Role.LEADER),
                                   reason="Another site")
    services.dismiss_suspicion(suspicion, acting_user=city.supervisor,
                               reason="A different construction site across the road")

    suspicion.refresh_from_db()
    assert suspicion.status == SuspicionStatus.DISMISSED
    assert suspicion.decided_by == city.supervisor
    assert Problem.objects.get(pk=problem.pk).status == Status.CLOSED


def test_only_the_city_office_sees_the_review_queue(city):
    problem = closed_problem(city)
    with _later(problem, 5):
        _patrol_finding(city, latitude=32.05 + METRES_50)
        services.detect_rebounds()

    assert SuspectedRebound.objects.visible_to(city.supervisor).count() == 1
    assert SuspectedRebound.objects.visible_to(make_user(Role.LEADER)).count() == 1
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    assert SuspectedRebound.objects.visible_to(officer).count() == 0


def test_the_worker_runs_detection_every_hour(city):
    from ecoledger.jobs.registry import JOBS

    problem = closed_problem(city)
    spec = JOBS["ledger.detect_rebounds"]

    with _later(problem, 5):
        _patrol_finding(city, latitude=32.05 + METRES_50)
        result = spec.function()

    assert spec.every == 3600
    assert result == {"closed": 1, "news": 1, "flagged": 1}

"""What the ledger said on a past day, replayed from the audit chain: a problem's fields and
the counts by status, through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from ecoledger.ledger import history, services
from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import Problem
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.choices import Role
from tests.factories import make_problem, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY_X = date(2026, 11, 10)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


@dataclass
class Story:
    changed: Problem  # assigned before day X, re-titled and given a new deadline after it
    later: Problem  # registered after day X


@pytest.fixture
def story(city) -> Story:
    with clock.frozen_at(at(DAY_X - timedelta(days=3))):
        problem = make_problem(city, status=Status.RECTIFYING, title="Smoke from a boiler",
                               deadline=date(2026, 12, 31))
    with clock.frozen_at(at(DAY_X + timedelta(days=2))):
        services.update_problem(problem, acting_user=city.supervisor, title="Boiler smoke, east")
        services.extend_deadline(problem, acting_user=city.supervisor,
                                 deadline=date(2027, 1, 31), reason="Parts on order")
    with clock.frozen_at(at(DAY_X + timedelta(days=4))):
        later = make_problem(city)
    return Story(Problem.objects.get(pk=problem.pk), later)


def test_a_problem_changed_after_day_x_reads_as_it_stood_on_day_x(city, story):
    problem = story.changed

    then = history.problem_as_of(problem, history.parse_moment(DAY_X.isoformat()))

    assert then.existed
    assert then.fields["title"] == "Smoke from a boiler"
    assert then.fields["deadline"] == "2026-12-31"
    assert then.fields["status"] == Status.RECTIFYING
    assert then.fields["region"] == city.towns[0][0].pk
    assert then.names["region"] == city.towns[0][0].name
    assert then.names["units"] == f"lead: {city.districts[0].name}"
    assert {"title", "deadline"} <= set(then.changed_since)
    assert (problem.title, problem.deadline) == ("Boiler smoke, east", date(2027, 1, 31))


def test_a_problem_registered_later_had_not_existed_yet(city, story):
    then = history.problem_as_of(story.later, history.parse_moment(DAY_X.isoformat()))

    assert not then.existed and then.fields == {}


def test_counts_by_status_on_day_x_leave_out_what_came_after(city, story):
    with clock.frozen_at(at(DAY_X + timedelta(days=5))):
        services.dismiss_problem(story.later, acting_user=city.supervisor, reason="Duplicate")

    on_x = history.counts_as_of(city.supervisor, history.parse_moment(DAY_X.isoformat()))
    now = history.counts_as_of(city.supervisor, clock.now())

    assert on_x[Status.RECTIFYING] == 1 and sum(on_x.values()) == 1
    assert now[Status.RECTIFYING] == 1 and now[Status.DISMISSED] == 1


def test_counts_cover_only_the_users_scope(city, story):
    outsider = make_user(Role.REGION_OFFICER, region=city.districts[1])

    counts = history.counts_as_of(outsider, clock.now())

    assert sum(counts.values()) == 0


def test_a_moment_is_a_day_or_a_date_time_and_nothing_else():
    assert history.parse_moment("2026-11-10") == datetime(2026, 11, 10, 23, 59, 59, 999999,
                                                          tzinfo=SHANGHAI)
    assert history.parse_moment("2026-11-10T08:30") == at(DAY_X, 8).replace(minute=30)
    with pytest.raises(InvalidInput) as refused:
        history.parse_moment("last tuesday")
    assert "at" in refused.value.fields


def test_the_api_answers_as_of_day_x_within_scope(city, story):
    problem = story.changed
    inside, outside = APIClient(), APIClient()
    inside.force_login(make_user(Role.REGION_OFFICER, region=city.districts[0]))
    outside.force_login(make_user(Role.REGION_OFFICER, region=city.districts[1]))
    url = reverse("problem-as-of", args=[problem.code])

    answer = inside.get(url, {"at": DAY_X.isoformat()})

    assert answer.status_code == 200
    assert answer.json()["fields"]["title"] == "Smoke from a boiler"
    assert answer.json()["existed"] is True
    assert outside.get(url, {"at": DAY_X.isoformat()}).status_code == 404
    assert inside.get(url, {"at": "soon"}).json()["fields"] == {"at": [
        "Give a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM)."]}
    counts = inside.get(reverse("ledger-as-of"), {"at": DAY_X.isoformat()}).json()
    assert counts["by_status"][Status.RECTIFYING] == 1 and counts["total"] == 1


def test_the_page_shows_the_problem_as_it_stood(city, story):
    problem = story.changed
    client = Client()
    client.force_login(city.supervisor)

    page = client.get(reverse("reports:problem-as-of", args=[problem.code]),
                      {"at": DAY_X.isoformat()})
    detail = client.get(reverse("web:problem-detail", args=[problem.code]))

    assert page.status_code == 200
    assert "Smoke from a boiler" in page.content.decode()
    assert "Boiler smoke, east" not in page.content.decode()
    assert reverse("reports:problem-as-of", args=[problem.code]) in detail.content.decode()

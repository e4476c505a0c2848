"""Reminder jobs: who is told about what, and that a reminder goes out once per day."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ecoledger.jobs.registry import JOBS
from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import FollowUp
from ecoledger.ledger.services import UnitAssignment
from ecoledger.lib import clock
from ecoledger.notifications import digest, reminders
from ecoledger.notifications.choices import Kind
from ecoledger.notifications.models import Message, Notification
from ecoledger.org.choices import Role
from tests.factories import make_problem, make_user
from tests.notifications.factories import make_endpoint

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _told(kind: str) -> set[str]:
    return set(Notification.objects.filter(message__kind=kind).values_list(
        "recipient__username", flat=True))


@pytest.fixture
def officer(city):
    return make_user(Role.REGION_OFFICER, region=city.districts[0], username="officer")


def _rectifying(city, deadline_in_days: int = 60):
    units = UnitAssignment(lead=city.districts[0])
    return make_problem(city, status=Status.RECTIFYING, units=units,
                        deadline=clock.today() + timedelta(days=deadline_in_days))


def test_the_periodic_jobs_are_registered():
    assert {name: JOBS[name].every for name in JOBS if name.startswith("notifications.")} == {
        "notifications.deliver": 30, "notifications.remind_deadlines": 3600,
        "notifications.remind_acceptances": 3600, "notifications.remind_follow_ups": 3600,
        "notifications.send_digests": 900}


def test_a_deadline_within_the_warning_window_warns_the_duty_unit_once_a_day(city, officer):
    problem = _rectifying(city, deadline_in_days=3)
    bot = make_endpoint(city.districts[0], "https://bots.example/hook")
    today = clock.today()

    first = reminders.remind_deadlines(today)
    again = reminders.remind_deadlines(today)
    next_day = reminders.remind_deadlines(today + timedelta(days=1))

    assert (first, again, next_day) == ({"yellow": 1, "red": 0}, {"yellow": 0, "red": 0},
                                        {"yellow": 1, "red": 0})
    assert _told(Kind.DEADLINE_WARNING) == {"officer"}
    message = Message.objects.filter(kind=Kind.DEADLINE_WARNING).earliest("pk")
    assert message.subject == f"Deadline approaching: {problem.code} {problem.title}"
    assert message.body == f"The deadline is {problem.deadline}, in 3 days."
    assert list(message.deliveries.values_list("target", flat=True)) == [f"webhook:{bot.pk}"]


def test_an_overdue_problem_is_escalated_to_the_unit_and_the_supervisors(city, officer):
    problem = _rectifying(city, deadline_in_days=10)
    later = clock.today() + timedelta(days=12)

    sent = reminders.remind_deadlines(later)

    assert sent == {"yellow": 0, "red": 1}
    assert _told(Kind.DEADLINE_OVERDUE) == {"officer", "supervisor", "supervisor2"}
    assert Message.objects.get(kind=Kind.DEADLINE_OVERDUE).body == (
        f"The deadline {problem.deadline} has passed by 2 days.")


def test_a_problem_on_track_gets_no_reminder(city, officer):
    _rectifying(city, deadline_in_days=60)

    assert reminders.remind_deadlines(clock.today()) == {"yellow": 0, "red": 0}


def test_acceptors_are_reminded_but_not_the_one_who_submitted(city):
    make_problem(city, status=Status.PENDING_ACCEPTANCE)  # submitted by city.supervisor

    sent = reminders.remind_acceptances(clock.today())
    again = reminders.remind_acceptances(clock.today())

    assert (sent, again) == (1, 0)
    assert _told(Kind.ACCEPTANCE_PENDING) == {"supervisor2"}


def test_a_due_follow_up_reminds_its_inspector(city):
    problem = make_problem(city, status=Status.CLOSED)
    inspector = make_user(Role.INSPECTOR, region=city.districts[1], username="inspector")
    today = clock.today()
    FollowUp.objects.create(problem=problem, round=0, offset_days=30, due_on=today, risk=3,
                            inspector=inspector, scheduled_at=clock.now())
    FollowUp.objects.create(problem=problem, round=0, offset_days=90,
                            due_on=today + timedelta(days=60), risk=3, inspector=inspector,
                            scheduled_at=clock.now())

    sent = reminders.remind_follow_ups(today)

    assert sent == 1
    assert _told(Kind.FOLLOW_UP_DUE) == {"inspector"}


def test_the_digest_sums_up_the_to_dos_once_a_day_from_the_digest_hour(city, settings):
    settings.DIGEST_HOUR = 8
    make_problem(city)  # reported: the supervisors have it to verify
    day = clock.today()
    early = datetime(day.year, day.month, day.day, 7, 30, tzinfo=SHANGHAI)
    on_time = early + timedelta(hours=1)

    before = digest.send_digests(early)
    sent = digest.send_digests(on_time)
    again = digest.send_digests(on_time + timedelta(hours=3))

    assert (before, sent, again) == (0, 2, 0)
    assert _told(Kind.DAILY_DIGEST) == {"supervisor", "supervisor2"}
    message = Message.objects.filter(kind=Kind.DAILY_DIGEST).first()
    assert message.body == "- To verify and assign: 1"
    assert message.link == "/my-work/"


def test_a_reminder_key_sends_once_even_when_asked_twice(city):
    def send():
        return reminders.notify([city.supervisor], kind="message", subject="x", body="")

    assert [reminders.send_once("k", send), reminders.send_once("k", send)] == [True, False]
    assert Message.objects.count() == 1


def test_when_two_workers_race_on_one_key_the_loser_sends_nothing(city, monkeypatch):
    from django.db.models import QuerySet

    def send():
        return reminders.notify([city.supervisor], kind="message", subject="x", body="")

    reminders.send_once("k", send)
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)  # both looked before either wrote

    assert reminders.send_once("k", send) is False
    assert Message.objects.count() == 1

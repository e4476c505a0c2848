"""The API of the user's own notifications."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ecoledger.notifications import services
from ecoledger.notifications.models import Notification
from tests.factories import make_problem

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_it_lists_the_users_own_notifications_with_their_problem(city):
    problem = make_problem(city)
    mine = services.notify([city.supervisor], kind="deadline_overdue", subject="Overdue",
                           body="Act.", link=f"/problems/{problem.code}/",
                           problem=problem).notifications.get()
    services.notify([city.second_supervisor], kind="message", subject="Not yours", body="")

    rows = _client(city.supervisor).get(reverse("notification-list")).json()["results"]

    assert rows == [{
        "id": mine.pk, "kind": "deadline_overdue", "subject": "Overdue", "body": "Act.",
        "link": f"/problems/{problem.code}/", "problem": problem.code,
        "created_at": rows[0]["created_at"], "read_at": None,
    }]


def test_unread_filter_and_marking_read(city):
    client = _client(city.supervisor)
    first = services.notify([city.supervisor], kind="message", subject="One",
                            body="").notifications.get()
    services.notify([city.supervisor], kind="message", subject="Two", body="")

    marked = client.post(reverse("notification-read", args=[first.pk])).json()
    unread = client.get(reverse("notification-list"), {"unread": "1"}).json()["results"]
    all_marked = client.post(reverse("notification-read-all")).json()

    assert marked == {"marked": 1}
    assert [row["subject"] for row in unread] == ["Two"]
    assert all_marked == {"marked": 1}


def test_someone_elses_notification_is_not_found(city):
    theirs = services.notify([city.second_supervisor], kind="message", subject="Theirs",
                             body="").notifications.get()
    client = _client(city.supervisor)

    assert client.get(reverse("notification-detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notification-read", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_anonymous_callers_get_nothing(city):
    assert APIClient().get(reverse("notification-list")).status_code in (401, 403)

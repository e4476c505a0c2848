"""The notification pages and the unread count in the navigation bar."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from ecoledger.notifications import services
from ecoledger.notifications.choices import Kind
from ecoledger.notifications.models import Notification, UserPreference
from ecoledger.org.choices import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _unread_badge(page: str) -> str | None:
    found = re.search(r'<span class="badge" id="unread-count"[^>]*>(\d+)</span>', page)
    return found.group(1) if found else None


def _tell(*users, subject="Deadline in 3 days", link="/my-work/"):
    return services.notify(users, kind="deadline_warning", subject=subject, body="Hurry.",
                           link=link)


def test_the_navigation_shows_the_unread_count_and_a_new_notification_renews_it(
    city, django_capture_on_commit_callbacks
):
    client = _client(city.supervisor)
    _tell(city.supervisor)

    first = client.get(reverse("web:my-work")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _tell(city.supervisor, subject="Another")
    second = client.get(reverse("web:problem-list")).content.decode()

    assert (_unread_badge(first), _unread_badge(second)) == ("1", "2")


def test_the_list_shows_only_the_users_own_notifications(city):
    other = make_user(Role.LEADER)
    _tell(city.supervisor, subject="For the supervisor")
    _tell(other, subject="For the leader")

    page = _client(city.supervisor).get(reverse("notifications:list")).content.decode()

    assert "For the supervisor" in page
    assert "For the leader" not in page


def test_opening_one_marks_it_read_and_goes_to_its_link(city, django_capture_on_commit_callbacks):
    client = _client(city.supervisor)
    notification = _tell(city.supervisor).notifications.get()
    client.get(reverse("web:my-work"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:read", args=[notification.pk]),
                               {"open": "1"})
    page = client.get(reverse("notifications:list")).content.decode()

    assert (response.status_code, response["Location"]) == (302, "/my-work/")
    assert Notification.objects.get(pk=notification.pk).read_at is not None
    assert _unread_badge(page) is None


def test_a_link_to_another_site_is_not_followed(city):
    client = _client(city.supervisor)
    notification = _tell(city.supervisor, link="https://elsewhere.example/").notifications.get()

    response = client.post(reverse("notifications:read", args=[notification.pk]), {"open": "1"})

    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_is_not_found_and_stays_unread(city):
    theirs = _tell(city.second_supervisor).notifications.get()

    response = _client(city.supervisor).post(reverse("notifications:read", args=[theirs.pk]))

    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_all_read_marks_every_own_unread_one(city):
    _tell(city.supervisor, city.second_supervisor)
    _tell(city.supervisor)

    response = _client(city.supervisor).post(reverse("notifications:read-all"))

    assert response.status_code == 302
    assert Notification.objects.filter(recipient=city.supervisor, read_at=None).count() == 0
    assert Notification.objects.filter(recipient=city.second_supervisor, read_at=None).count() == 1


def test_a_user_chooses_email_and_is_told_when_the_account_has_no_address(city):
    client = _client(city.supervisor)

    refused = client.post(reverse("notifications:preferences"), {"email": "on"})
    city.supervisor.email = "sup@example.gov.cn"
    city.supervisor.save()
    saved = client.post(reverse("notifications:preferences"), {"email": "on"})

    assert refused.status_code == 400
    assert "no email address" in refused.content.decode()
    assert saved.status_code == 302
    assert UserPreference.objects.get(user=city.supervisor).email is True


def test_anonymous_visitors_are_sent_to_the_login(city):
    response = Client().get(reverse("notifications:list"))

    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("kind", [choice.value for choice in Kind])
def test_every_kind_the_platform_sends_is_shown_by_its_chinese_name(city, kind):
    services.notify([city.supervisor], kind=kind, subject="Subject", body="", link="/my-work/")
    client = _client(city.supervisor)
    client.cookies["django_language"] = "zh-hans"

    page = client.get(reverse("notifications:list")).content.decode()

    with translation.override("zh-hans"):
        label, unread, open_it = (str(Kind(kind).label), pgettext("unread notification", "New"),
                                  pgettext("go to what a notification is about", "Open"))
    assert f'<p class="muted">{label} · ' in page and kind not in page
    assert (unread, open_it) == ("未读", "查看")
    assert f'<span class="badge">{unread}</span>' in page and f">{open_it}</button>" in page


def test_the_kinds_other_apps_send_are_named():
    assert {"intake.complaint_received", "intake.complaint_merged",
            "ledger.problem_rebounded"} <= set(Kind.values)

"""``notify`` and ``notify_units``: who gets what, through which channel, and what is refused."""

from __future__ import annotations

import pytest
from django.db import transaction

from ecoledger.jobs.models import Job
from ecoledger.lib.errors import InvalidInput
from ecoledger.notifications import services
from ecoledger.notifications.choices import Channel, DeliveryStatus
from ecoledger.notifications.models import Delivery, Message, Notification
from ecoledger.org.choices import Role
from tests.factories import make_problem, make_user
from tests.notifications.factories import email_on, make_endpoint, unit_channels

pytestmark = pytest.mark.django_db


def test_it_gives_each_active_recipient_one_notification_in_the_app(city):
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    gone = make_user(Role.LEADER, is_active=False)

    message = services.notify([officer, officer, gone, city.supervisor], kind="message",
                              subject="Meeting at 3", body="Room 201", link="/my-work/")

    assert sorted(n.recipient.username for n in message.notifications.all()) == sorted(
        [officer.username, "supervisor"])
    assert message.deliveries.count() == 0
    assert Job.objects.filter(name="notifications.deliver").count() == 0


def test_it_emails_only_users_who_chose_email(city):
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    email_on(officer, "officer@example.gov.cn")
    city.supervisor.email = "sup@example.gov.cn"
    city.supervisor.save()

    message = services.notify([officer, city.supervisor], kind="message", subject="Hello",
                              body="", link="")

    assert [(d.channel, d.target, d.status) for d in message.deliveries.all()] == [
        (Channel.EMAIL, "officer@example.gov.cn", DeliveryStatus.PENDING)]
    assert Job.objects.get(name="notifications.deliver").unique_key == (
        f"notifications.deliver:{message.pk}")


def test_notify_units_reaches_the_members_and_the_units_own_channels(city):
    district, department = city.districts[0], city.departments[0]
    region_officer = make_user(Role.REGION_OFFICER, region=district)
    make_user(Role.INSPECTOR, region=district)
    department_officer = make_user(Role.DEPARTMENT_OFFICER, department=department)
    bot = make_endpoint(district, "https://bots.example/one")
    make_endpoint(district, "https://bots.example/off", active=False)
    unit_channels(department, email=True, email_address="dept@example.gov.cn", webhook=False)
    make_endpoint(department, "https://bots.example/dept")
    problem = make_problem(city)

    message = services.notify_units([district, department], kind="deadline_overdue",
                                    subject="Overdue", body="Act now", problem=problem,
                                    link=f"/problems/{problem.code}/", also=[city.supervisor])

    assert set(message.notifications.values_list("recipient", flat=True)) == {
        region_officer.pk, department_officer.pk, city.supervisor.pk}
    assert sorted(message.deliveries.values_list("channel", "target")) == [
        (Channel.EMAIL, "dept@example.gov.cn"), (Channel.WEBHOOK, f"webhook:{bot.pk}")]


def test_a_rollback_takes_the_message_back(city):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify([city.supervisor], kind="message", subject="x", body="", link="")
        raise RuntimeError("the change it announced failed")

    assert (Message.objects.count(), Notification.objects.count()) == (0, 0)


@pytest.mark.parametrize(("field", "values"), [
    ("kind", {"kind": "Not A Slug"}),
    ("subject", {"subject": "  "}),
    ("link", {"link": "javascript:alert(1)"}),
    ("link", {"link": "//elsewhere.example/"}),
])
def test_it_refuses_malformed_input_and_names_the_field(city, field, values):
    arguments = {"kind": "message", "subject": "Hi", "body": "", "link": "", **values}

    with pytest.raises(InvalidInput) as refused:
        services.notify([city.supervisor], **arguments)

    assert list(refused.value.fields) == [field]
    assert Message.objects.count() == 0


def test_it_refuses_what_is_not_a_unit(city):
    with pytest.raises(InvalidInput) as refused:
        services.notify_units([city.supervisor], kind="message", subject="Hi", body="")

    assert list(refused.value.fields) == ["units"]


def test_marking_read_touches_only_the_users_own(city):
    other = make_user(Role.LEADER)
    services.notify([city.supervisor, other], kind="message", subject="Hi", body="")
    theirs = Notification.objects.get(recipient=other)

    changed = services.mark_read([theirs.pk], acting_user=city.supervisor)

    assert changed == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert services.mark_read(None, acting_user=city.supervisor) == 1


def test_email_needs_an_address_on_the_account(city):
    with pytest.raises(InvalidInput) as refused:
        services.set_user_channels(acting_user=city.supervisor, email=True)

    assert list(refused.value.fields) == ["email"]
    assert Delivery.objects.count() == 0

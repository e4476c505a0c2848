"""The administrator's view of deliveries: filtered lists and sending failed ones again."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ecoledger.notifications import services
from ecoledger.notifications.choices import DeliveryStatus
from ecoledger.notifications.delivery import deliver_due
from ecoledger.notifications.models import Delivery, WebhookEndpoint
from tests.factories import make_user
from tests.notifications.factories import make_endpoint
from tests.processes import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(make_user("", is_staff=True, is_superuser=True))
    return client


def _failed_delivery(city, settings) -> Delivery:
    settings.NOTIFY_MAX_ATTEMPTS = 1
    make_endpoint(city.districts[0], f"http://127.0.0.1:{free_port()}/hook", name="down bot")
    message = services.notify_units([city.districts[0]], kind="message", subject="Hi", body="")
    deliver_due()
    return message.deliveries.get()


def test_failed_deliveries_are_listed_with_their_error(city, settings, admin_client):
    delivery = _failed_delivery(city, settings)

    page = admin_client.get(reverse("admin:notifications_delivery_changelist"),
                            {"status__exact": "failed"}).content.decode()
    sent = admin_client.get(reverse("admin:notifications_delivery_changelist"),
                            {"status__exact": "sent"}).content.decode()

    assert str(delivery.key) in page and "could not reach" in page
    assert str(delivery.key) not in sent


def test_the_admin_action_sends_failed_deliveries_again(city, settings, admin_client):
    delivery = _failed_delivery(city, settings)

    response = admin_client.post(reverse("admin:notifications_delivery_changelist"), {
        "action": "send_again", "_selected_action": [delivery.pk]})

    assert response.status_code == 302
    fresh = Delivery.objects.get(pk=delivery.pk)
    assert (fresh.status, fresh.attempts) == (DeliveryStatus.PENDING, 0)


def test_a_generic_endpoint_saved_without_a_secret_gets_one(city, admin_client):
    response = admin_client.post(reverse("admin:notifications_webhookendpoint_add"), {
        "name": "ops", "kind": "generic", "url": "https://ops.example/hook", "secret": "",
        "active": "on", "region": city.districts[0].pk})

    assert response.status_code == 302, response.content.decode()[:3000]
    assert len(WebhookEndpoint.objects.get(name="ops").secret) >= 40


def test_an_endpoint_for_two_units_is_refused(city, admin_client):
    response = admin_client.post(reverse("admin:notifications_webhookendpoint_add"), {
        "name": "ops", "kind": "generic", "url": "https://ops.example/hook", "active": "on",
        "region": city.districts[0].pk, "department": city.departments[0].pk})

    assert response.status_code == 200
    assert "Choose exactly one unit" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()

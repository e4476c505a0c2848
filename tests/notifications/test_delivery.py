"""Sending deliveries to a real receiver: formats, signatures, retries with backoff, failure."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail

from ecoledger.audit.models import Event
from ecoledger.jobs.models import Job
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused
from ecoledger.notifications import services
from ecoledger.notifications.choices import DeliveryStatus, WebhookKind
from ecoledger.notifications.delivery import deliver_due, lease
from ecoledger.notifications.models import Delivery
from tests.factories import make_problem
from tests.notifications.factories import email_on, make_endpoint
from tests.notifications.receiver import Receiver
from tests.processes import free_port

pytestmark = pytest.mark.django_db


def _tell(unit, subject="Deadline passed", **kwargs) -> Delivery:
    message = services.notify_units([unit], kind="deadline_overdue", subject=subject,
                                    body="Three days over.", link="/my-work/", **kwargs)
    return message.deliveries.get()


def test_a_generic_webhook_gets_the_signed_json_with_the_delivery_id(city, settings):
    settings.SITE_URL = "https://ledger.example.gov.cn"
    problem = make_problem(city)
    with Receiver() as receiver:
        make_endpoint(city.districts[0], receiver.url, secret="k3y")
        delivery = _tell(city.districts[0], problem=problem)

        outcome = deliver_due()

    key = str(delivery.key)
    body = receiver.bodies[key]
    signature = receiver.headers[key]["x-ecoledger-signature"]
    assert outcome == {"sent": 1, "retrying": 0, "failed": 0}
    assert signature == "sha256=" + hmac.new(b"k3y", body, hashlib.sha256).hexdigest()
    assert json.loads(body) == {
        "id": key, "kind": "deadline_overdue", "subject": "Deadline passed",
        "body": "Three days over.", "link": "https://ledger.example.gov.cn/my-work/",
        "problem": problem.code, "created_at": delivery.message.created_at.isoformat(),
    }
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT


def test_a_receiver_that_is_down_gets_it_later_with_growing_delays(city, settings):
    settings.NOTIFY_RETRY_SECONDS = 60
    port = free_port()
    make_endpoint(city.districts[0], f"http://127.0.0.1:{port}/hook")
    delivery = _tell(city.districts[0])
    start = clock.now()

    with clock.frozen_at(start):
        first = deliver_due()
    with clock.frozen_at(start + timedelta(seconds=30)):
        too_early = deliver_due()
    with clock.frozen_at(start + timedelta(seconds=61)):
        second = deliver_due()
    after_two = Delivery.objects.get(pk=delivery.pk)
    with Receiver(port) as receiver, clock.frozen_at(start + timedelta(seconds=61 + 121)):
        third = deliver_due()

    assert (first, too_early, second) == (
        {"sent": 0, "retrying": 1, "failed": 0}, {"sent": 0, "retrying": 0, "failed": 0},
        {"sent": 0, "retrying": 1, "failed": 0})
    assert after_two.attempts == 2
    assert after_two.next_attempt_at == start + timedelta(seconds=61 + 120)
    assert "could not reach" in after_two.last_error
    assert third == {"sent": 1, "retrying": 0, "failed": 0}
    assert receiver.posts == {str(delivery.key): 1}


def test_after_the_last_attempt_it_fails_for_good_and_an_administrator_can_retry(city, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 1
    port = free_port()
    make_endpoint(city.districts[0], f"http://127.0.0.1:{port}/hook")
    delivery = _tell(city.districts[0])
    deliver_due()
    city.supervisor.is_staff = True
    city.supervisor.save()

    with pytest.raises(ActionRefused):
        services.retry_deliveries(Delivery.objects.all(), acting_user=city.second_supervisor)
    retried = services.retry_deliveries(Delivery.objects.all(), acting_user=city.supervisor)
    with Receiver(port) as receiver:
        deliver_due()

    assert retried == 1
    assert Event.objects.filter(action="notifications.delivery.retried").count() == 1
    assert Job.objects.filter(name="notifications.deliver", unique_key=None).count() == 1
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT
    assert receiver.posts == {str(delivery.key): 1}


def test_a_delivery_whose_worker_died_is_sent_again_after_its_lease_with_the_same_id(city):
    with Receiver() as receiver:
        make_endpoint(city.districts[0], receiver.url)
        delivery = _tell(city.districts[0])
        start = clock.now()
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENDING, attempts=1, locked_until=start + lease())

        with clock.frozen_at(start + lease() - timedelta(seconds=1)):
            during = deliver_due()
        with clock.frozen_at(start + lease() + timedelta(seconds=1)):
            after = deliver_due()

    assert during["sent"] == 0 and after["sent"] == 1
    assert receiver.posts == {str(delivery.key): 1}
    assert Delivery.objects.get(pk=delivery.pk).attempts == 2


def test_a_wecom_bot_gets_markdown_and_its_refusal_is_kept_as_the_error(city):
    with Receiver(answer={"errcode": 93000, "errmsg": "invalid webhook url"}) as receiver:
        make_endpoint(city.districts[0], receiver.url + "?key=abc", kind=WebhookKind.WECOM)
        delivery = _tell(city.districts[0], subject="截止日期已过")

        outcome = deliver_due()

    payload = json.loads(receiver.bodies[str(delivery.key)])
    assert payload == {"msgtype": "markdown", "markdown": {
        "content": "### 截止日期已过\n\nThree days over.\n\n"
                   "[http://127.0.0.1:8000/my-work/](http://127.0.0.1:8000/my-work/)"}}
    assert outcome["retrying"] == 1
    assert Delivery.objects.get(pk=delivery.pk).last_error == (
        "the bot refused: errcode 93000, invalid webhook url")


def test_a_dingtalk_bot_gets_markdown_and_the_signature_in_the_address(city):
    secret = "SECabc123"
    with Receiver(answer={"errcode": 0, "errmsg": "ok"}) as receiver:
        make_endpoint(city.districts[0], receiver.url + "?access_token=t0k",
                      kind=WebhookKind.DINGTALK, secret=secret)
        delivery = _tell(city.districts[0])

        outcome = deliver_due()

    query = parse_qs(urlsplit(receiver.paths[0]).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert outcome["sent"] == 1
    assert query["access_token"] == ["t0k"] and query["sign"] == [expected]
    assert json.loads(receiver.bodies[str(delivery.key)])["markdown"]["title"] == (
        "Deadline passed")


def test_email_goes_through_djangos_mail_with_the_delivery_id(city):
    email_on(city.supervisor, "sup@example.gov.cn")
    message = services.notify([city.supervisor], kind="message", subject="Hello",
                              body="Body text", link="/my-work/")

    deliver_due()

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.subject, sent.to) == ("Hello", ["sup@example.gov.cn"])
    assert sent.body == "Body text\n\nhttp://127.0.0.1:8000/my-work/"
    assert sent.extra_headers["X-EcoLedger-Delivery"] == str(message.deliveries.get().key)


def test_the_deliver_job_books_a_run_for_the_next_retry(city, settings):
    from ecoledger.notifications.tasks import deliver

    settings.NOTIFY_RETRY_SECONDS = 5
    make_endpoint(city.districts[0], f"http://127.0.0.1:{free_port()}/hook")
    delivery = _tell(city.districts[0])

    outcome = deliver()

    retry_at = Delivery.objects.get(pk=delivery.pk).next_attempt_at
    assert outcome["retrying"] == 1
    assert list(Job.objects.filter(name="notifications.deliver", run_after=retry_at)
                .values_list("unique_key", flat=True)) == [
        f"notifications.deliver:retry@{retry_at.isoformat()}"]

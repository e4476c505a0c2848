"""Sending deliveries: claim with a lease, send, record — so that none is lost or sent twice.

The sequence, each step its own commit:

1. **claim**: a compare-and-set moves one due delivery to ``sending``, counts
   the attempt and sets ``locked_until`` (a lease of three send timeouts).
2. **send**: the email or POST, carrying the delivery id.
3. **record**: ``sent``; or back to ``pending`` after a growing delay; or
   ``failed`` after the last attempt. The update names the attempt it claimed,
   so a worker that lost its lease cannot overwrite a newer outcome.

A worker killed between 1 and 3 leaves the row ``sending``; once the lease
expires another worker claims it and sends it again. That is the one window
where a receiver can see a delivery twice (it got the POST, the worker died
before recording it), and the delivery id header closes it: the receiver drops
an id it has already processed. Nothing is lost: a row leaves ``sending`` only
by being recorded.
"""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Min, Q

from ecoledger.lib import clock
from ecoledger.notifications import webhooks
from ecoledger.notifications.choices import Channel, DeliveryStatus
from ecoledger.notifications.models import Delivery
from ecoledger.notifications.webhooks import SendError, absolute

log = logging.getLogger(__name__)
LONGEST_DELAY = timedelta(hours=6)


def lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFY_TIMEOUT * 3)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: the base delay doubled each time, capped."""
    delay = timedelta(seconds=settings.NOTIFY_RETRY_SECONDS * 2 ** (attempts - 1))
    return min(delay, LONGEST_DELAY)


def _due(now: datetime) -> Q:
    return Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, locked_until__lt=now)


def claim_next() -> Delivery | None:
    now = clock.now()
    candidates = Delivery.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
    for pk, status, attempts in candidates.values_list("pk", "status", "attempts")[:5]:
        claimed = Delivery.objects.filter(pk=pk, status=status, attempts=attempts).filter(
            _due(now)).update(status=DeliveryStatus.SENDING, locked_until=now + lease(),
                              attempts=F("attempts") + 1)
        if claimed:
            return Delivery.objects.select_related("message__problem", "endpoint").get(pk=pk)
    return None


def _send_email(delivery: Delivery) -> None:
    message = delivery.message
    text = message.body + (f"\n\n{absolute(message.link)}" if message.link else "")
    email = EmailMessage(message.subject, text, to=[delivery.target],
                         headers={webhooks.DELIVERY_HEADER: str(delivery.key)})
    try:
        email.send()
    except (smtplib.SMTPException, OSError) as error:
        raise SendError(f"mail to {delivery.target} failed: {error}") from None


def _send(delivery: Delivery) -> None:
    if delivery.channel == Channel.EMAIL:
        _send_email(delivery)
        return
    endpoint = delivery.endpoint
    if endpoint is None or not endpoint.active:
        raise SendError("the webhook endpoint was switched off")
    post = webhooks.build_post(delivery, endpoint, int(time.time() * 1000))
    webhooks.send(post, endpoint)


def _record(delivery: Delivery, error: str | None) -> str:
    now = clock.now()
    claimed = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING,
                                      attempts=delivery.attempts)
    if error is None:
        claimed.update(status=DeliveryStatus.SENT, sent_at=now, locked_until=None,
                       last_error="")
        return "sent"
    if delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        claimed.update(status=DeliveryStatus.FAILED, locked_until=None, last_error=error)
        log.error("delivery %s failed for good: %s", delivery.key, error)
        return "failed"
    claimed.update(status=DeliveryStatus.PENDING, locked_until=None, last_error=error,
                   next_attempt_at=now + retry_delay(delivery.attempts))
    return "retrying"


def deliver_due(*, limit: int = 500) -> dict[str, int]:
    """Send due deliveries, one at a time, up to ``limit``; returns how each ended."""
    outcomes = {"sent": 0, "retrying": 0, "failed": 0}
    for _ in range(limit):
        delivery = claim_next()
        if delivery is None:
            break
        try:
            _send(delivery)
        except SendError as error:
            outcomes[_record(delivery, str(error))] += 1
        else:
            outcomes[_record(delivery, None)] += 1
    return outcomes


def next_attempt_at() -> datetime | None:
    """When the earliest waiting delivery falls due (a retry, or a lease that runs out)."""
    waiting = Delivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING])
    times = waiting.aggregate(retry=Min("next_attempt_at", filter=Q(status=DeliveryStatus.PENDING)),
                              lease=Min("locked_until", filter=Q(status=DeliveryStatus.SENDING)))
    due = [moment for moment in times.values() if moment is not None]
    return min(due) if due else None

"""Sending notifications: the one entry point every app calls, and the user's own writes.

Other apps call ``notify`` (to people) or ``notify_units`` (to regions,
departments and enterprises) inside their own transaction: the message, its
notifications and its deliveries commit or roll back with the change they
announce, and the worker sends the deliveries after the commit.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ecoledger.audit.services import Entry, record_many
from ecoledger.jobs.services import enqueue
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput
from ecoledger.notifications.choices import Channel, DeliveryStatus
from ecoledger.notifications.models import (
    Delivery,
    Message,
    Notification,
    UnitPreference,
    UserPreference,
    WebhookEndpoint,
)
from ecoledger.notifications.selectors import forget_unread
from ecoledger.org.choices import Role
from ecoledger.org.models import Department, Enterprise, Region, User

if TYPE_CHECKING:
    from ecoledger.ledger.models import Problem

log = logging.getLogger(__name__)

Unit = Region | Department | Enterprise
DELIVER_JOB = "notifications.deliver"
_KIND = re.compile(r"^[a-z][a-z0-9_.]{0,49}$")
# The people who hold a unit's duty: region officers for a region (inspectors patrol, they
# do not rectify), the department's officers, the enterprise's accounts.
_MEMBER_ROLE = {Region: Role.REGION_OFFICER, Department: Role.DEPARTMENT_OFFICER,
                Enterprise: Role.ENTERPRISE}


def _check(kind: str, subject: str, link: str) -> None:
    if not _KIND.match(kind):
        raise InvalidInput.field("kind", _(
            "A notification kind is a lower-case slug of at most 50 characters "
            "(letters, digits, '_' and '.'), not %(kind)r.") % {"kind": kind})
    if not subject.strip() or len(subject) > 200:
        raise InvalidInput.field("subject", _("A subject has 1 to 200 characters."))
    well_formed = link.startswith(("https://", "http://")) or (
        link.startswith("/") and not link.startswith("//"))
    if len(link) > 500 or (link and not well_formed):
        raise InvalidInput.field("link", _(
            "A link is a path on this site (starting with /) or an http(s) address of at most "
            "500 characters, not %(link)r.") % {"link": link[:80]})


def unit_members(unit: Unit) -> QuerySet[User]:
    """The active accounts that receive what is sent to a unit."""
    where = _unit_filter(unit)
    return User.objects.filter(is_active=True, role=_MEMBER_ROLE[type(unit)], **where)


def _unit_filter(unit: Unit) -> dict[str, Unit]:
    if not isinstance(unit, Unit):
        raise InvalidInput.field("units", _("A unit is a region, a department or an "
                                            "enterprise, not %(value)r.") % {"value": unit})
    return {type(unit).__name__.lower(): unit}


def _unit_deliveries(message: Message, unit: Unit) -> list[Delivery]:
    """The unit's own channels: its mailbox and its webhook endpoints, as it chose."""
    where = _unit_filter(unit)
    preference = UnitPreference.objects.filter(**where).first() or UnitPreference(**where)
    rows = []
    if preference.email and preference.email_address:
        rows.append(Delivery(message=message, channel=Channel.EMAIL,
                             target=preference.email_address))
    if preference.webhook:
        for endpoint in WebhookEndpoint.objects.filter(active=True, **where):
            rows.append(Delivery(message=message, channel=Channel.WEBHOOK, endpoint=endpoint,
                                 target=f"webhook:{endpoint.pk}"))
    return rows


def _user_deliveries(message: Message, users: list[User]) -> list[Delivery]:
    by_email = set(UserPreference.objects.filter(
        user__in=users, email=True).values_list("user_id", flat=True))
    return [Delivery(message=message, channel=Channel.EMAIL, target=user.email)
            for user in users if user.pk in by_email and user.email]


@transaction.atomic
def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    subject: str,
    body: str,
    link: str = "",
    problem: Problem | None = None,
    units: Iterable[Unit] = (),
) -> Message:
    """Tell people (and, with ``units``, units through their own channels) about something.

    - ``recipients``: users; each active one gets a notification in the app (its
      list and the unread count in the navigation bar) and, if they chose email,
      an email. Duplicates and inactive accounts are skipped.
    - ``kind``: what happened, a slug such as ``deadline_overdue`` or
      ``intake.complaint_received`` (``choices.Kind`` lists the platform's own).
    - ``subject`` (≤ 200 characters), ``body`` (plain text), ``link``: a path on
      this site (``/problems/ZG-2026-000123/``) or an http(s) address.
    - ``problem``: the problem it concerns, if any.
    - ``units``: regions, departments or enterprises whose mailbox and webhook
      endpoints also receive it (``notify_units`` adds their members too).

    Runs in the caller's transaction: a rollback takes the message back. After
    commit the worker sends each email and webhook (one ``Delivery`` per
    target, retried with backoff). Returns the message; ``message.notifications``
    and ``message.deliveries`` hold what was made. Raises ``InvalidInput`` for a
    malformed kind, subject or link.
    """
    _check(kind, subject, link)
    units = list(units)
    for unit in units:
        _unit_filter(unit)
    now = clock.now()
    message = Message.objects.create(kind=kind, subject=subject.strip(), body=body,
                                     link=link, problem=problem, created_at=now)
    users = list({user.pk: user for user in recipients if user.is_active}.values())
    Notification.objects.bulk_create(
        [Notification(message=message, recipient=user, created_at=now) for user in users])
    deliveries = _user_deliveries(message, users)
    for unit in units:
        deliveries.extend(_unit_deliveries(message, unit))
    unique = {(d.channel, d.target): d for d in deliveries}
    for delivery in unique.values():
        delivery.created_at = delivery.next_attempt_at = now
    Delivery.objects.bulk_create(unique.values())
    if unique:
        enqueue(DELIVER_JOB, unique_key=f"{DELIVER_JOB}:{message.pk}")
    if not users and not unique:
        log.warning("notification %r (%s) reached nobody", subject, kind)
    user_ids = [user.pk for user in users]
    transaction.on_commit(lambda: forget_unread(user_ids))
    return message


def notify_units(
    units: Iterable[Unit],
    *,
    kind: str,
    subject: str,
    body: str,
    link: str = "",
    problem: Problem | None = None,
    also: Iterable[User] = (),
) -> Message:
    """Tell units: the members of each (``unit_members``) and the unit's own channels.

    ``also`` adds people outside the units (for example the supervisors an
    overdue problem is escalated to) to the same message. Otherwise as ``notify``.
    """
    units = list(units)
    members = [user for unit in units for user in unit_members(unit)]
    return notify([*members, *also], kind=kind, subject=subject, body=body, link=link,
                  problem=problem, units=units)


@transaction.atomic
def mark_read(notification_ids: Iterable[int] | None, *, acting_user: User) -> int:
    """Mark the user's own notifications read (all unread ones when ``None``)."""
    unread = Notification.objects.visible_to(acting_user).unread()
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    changed = unread.update(read_at=clock.now())
    transaction.on_commit(lambda: forget_unread([acting_user.pk]))
    return changed


@transaction.atomic
def set_user_channels(*, acting_user: User, email: bool) -> UserPreference:
    """A user chooses the channels beyond the app; email needs an address on the account."""
    if email and not acting_user.email:
        raise InvalidInput.field("email", _(
            "Your account has no email address; ask an administrator to add one first."))
    preference, _created = UserPreference.objects.update_or_create(
        user=acting_user, defaults={"email": email})
    return preference


@transaction.atomic
def retry_deliveries(deliveries: QuerySet[Delivery], *, acting_user: User) -> int:
    """An administrator sends failed deliveries again, each with a fresh set of attempts.

    Only permanently failed rows are taken (a pending one is already on its way);
    each keeps its delivery id, so a receiver that did get it drops the replay.
    """
    if not acting_user.is_staff:
        raise ActionRefused(_("Only administrators may send failed deliveries again."))
    failed = list(deliveries.filter(status=DeliveryStatus.FAILED))
    now = clock.now()
    Delivery.objects.filter(pk__in=[d.pk for d in failed]).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, locked_until=None)
    record_many([Entry("notifications.delivery.retried", acting_user, delivery,
                       changes={"status": [DeliveryStatus.FAILED, DeliveryStatus.PENDING]},
                       message=delivery.last_error[:500]) for delivery in failed])
    if failed:
        enqueue(DELIVER_JOB)
    return len(failed)

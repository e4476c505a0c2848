"""What was said (message), to whom in the app (notification), and how it went out (delivery).

A message is written once per ``notify`` call; each recipient gets a
notification in the app, and each email address or webhook endpoint it goes
to gets one delivery row, sent and retried by the worker.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecoledger.notifications.choices import Channel, DeliveryStatus, Kind, WebhookKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ecoledger.org.models import Department, Enterprise, Region, User


class Message(models.Model):
    kind = models.CharField(_("kind"), max_length=50)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    problem = models.ForeignKey(
        "ledger.Problem", verbose_name=_("problem"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="messages",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label) if self.kind in Kind.values else self.kind


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: User | AnonymousUser) -> NotificationQuerySet:
        """A user's own notifications, and nobody else's, whatever the role."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in one user's list in the app (always made, whatever the channels)."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE,
        related_name="notifications",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "recipient"],
                                    name="notification_once_per_recipient"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.message}"


class UnitOwned(models.Model):
    """Something that belongs to one unit: a region, a department or an enterprise."""

    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="+",
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="+",
    )
    enterprise = models.ForeignKey(
        "org.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="+",
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=False, department__isnull=True,
                            enterprise__isnull=True)
                | Q(region__isnull=True, department__isnull=False, enterprise__isnull=True)
                | Q(region__isnull=True, department__isnull=True, enterprise__isnull=False),
                name="%(class)s_belongs_to_one_unit",
                violation_error_message=_("Choose exactly one unit: a region, a department "
                                          "or an enterprise."),
            ),
        ]

    @property
    def unit(self) -> Region | Department | Enterprise:
        return self.region or self.department or self.enterprise  # type: ignore[return-value]


class UserPreference(models.Model):
    """The channels a user chose besides the app (which always gets the notification)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.BooleanField(_("by email"), default=False,
                                help_text=_("Sent to the address on the account."))

    class Meta:
        verbose_name = _("user channel preference")
        verbose_name_plural = _("user channel preferences")

    def __str__(self) -> str:
        return str(self.user)


class UnitPreference(UnitOwned):
    """The channels a unit chose for what is sent to it as a unit (its mailbox, its bots)."""

    email = models.BooleanField(_("by email"), default=False)
    email_address = models.EmailField(_("unit mailbox"), blank=True)
    webhook = models.BooleanField(_("by webhook"), default=True,
                                  help_text=_("Posted to every active endpoint of the unit."))

    class Meta(UnitOwned.Meta):
        verbose_name = _("unit channel preference")
        verbose_name_plural = _("unit channel preferences")
        constraints = [
            *UnitOwned.Meta.constraints,
            models.UniqueConstraint(fields=["region"], condition=Q(region__isnull=False),
                                    name="unit_preference_region_once"),
            models.UniqueConstraint(fields=["department"], condition=Q(department__isnull=False),
                                    name="unit_preference_department_once"),
            models.UniqueConstraint(fields=["enterprise"], condition=Q(enterprise__isnull=False),
                                    name="unit_preference_enterprise_once"),
        ]

    def __str__(self) -> str:
        return str(self.unit)


class WebhookEndpoint(UnitOwned):
    """A receiver of a unit's notifications: a generic JSON endpoint or a WeCom/DingTalk bot."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("format"), max_length=10, choices=WebhookKind.choices,
                            default=WebhookKind.GENERIC)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("secret"), max_length=200, blank=True,
        help_text=_("Generic: the HMAC-SHA256 key of the signature header. DingTalk: the "
                    "robot's signing secret (SEC…), if signing is on. WeCom: not used."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta(UnitOwned.Meta):
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Delivery(models.Model):
    """One message to one email address or endpoint, with its attempts.

    ``key`` is sent with every attempt (``X-EcoLedger-Delivery``): a receiver
    that has seen it drops the replay.
    """

    key = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    target = models.CharField(_("target"), max_length=255)
    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("webhook endpoint"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="deliveries",
    )
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "channel", "target"],
                                    name="delivery_once_per_target"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.target} ({self.get_status_display()})"


class ReminderLog(models.Model):
    """A reminder already sent (problem, level, day): the key makes sending it twice fail."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key

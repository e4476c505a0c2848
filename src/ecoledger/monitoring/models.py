"""Monitoring points, parameters, readings, quarantine, limits, alerts.

Readings are the one large table: narrow rows keyed by (point, parameter,
data type, time), which is also the idempotency key that makes a
retransmitted packet harmless, and the key a partitioned or distributed
PostgreSQL would shard on (point first).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecoledger.lib.indexes import ArrivalOrderIndex
from ecoledger.monitoring.choices import (
    AlertKind,
    AlertStatus,
    DataType,
    PointKind,
    Transport,
)
from ecoledger.org.choices import CITYWIDE_ROLES, REGIONAL_ROLES, Role
from ecoledger.org.models import PollutionSource, Region, WaterBody

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ecoledger.org.models import User


class PointQuerySet(models.QuerySet["MonitoringPoint"]):
    def visible_to(self, user: User | AnonymousUser) -> PointQuerySet:
        """Monitoring data is public-interest data for every official; enterprises see their own."""
        if not user.is_authenticated or not user.is_active or not user.role:
            return self.none()
        if user.role in CITYWIDE_ROLES or user.role == Role.DEPARTMENT_OFFICER:
            return self.all()
        if user.role in REGIONAL_ROLES:
            return self.filter(region__path__startswith=user.region.path)
        return self.filter(source__enterprise_id=user.enterprise_id)


def password_digest(password: str) -> str:
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


class MonitoringPoint(models.Model):
    """A device's place of measurement, known by its HJ 212 MN."""

    mn = models.CharField(_("MN"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PointKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="points"
    )
    source = models.ForeignKey(
        PollutionSource,
        verbose_name=_("pollution source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points",
    )
    water_body = models.ForeignKey(
        WaterBody,
        verbose_name=_("water body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points",
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    password_hash = models.CharField(_("access password (SHA-256)"), max_length=64)
    allowed_quirks = models.JSONField(
        _("tolerated protocol quirks"),
        default=list,
        blank=True,
        help_text=_("HJ 212 deviations accepted from this device, e.g. lowercase_crc."),
    )
    expected_interval = models.PositiveIntegerField(
        _("expected interval (s)"), default=3600,
        help_text=_("Longer without data raises a missing-data alert."),
    )
    target_class = models.PositiveSmallIntegerField(
        _("target water class"), null=True, blank=True
    )
    noise_zone = models.CharField(_("noise zone class"), max_length=2, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = PointQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitoring point")
        verbose_name_plural = _("monitoring points")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.mn})"

    def set_password(self, password: str) -> None:
        self.password_hash = password_digest(password)

    def check_password(self, password: str | None) -> bool:
        return password is not None and password_digest(password) == self.password_hash


class Parameter(models.Model):
    """A measured quantity; the code is the HJ 212-2017 factor code."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("parameter")
        verbose_name_plural = _("parameters")
        ordering = ["code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        chinese = (get_language() or "").startswith("zh") and self.name_zh
        return self.name_zh if chinese else self.name


class Reading(models.Model):
    # No database-level foreign keys on the largest table: checking two per row at
    # commit cost PostgreSQL as much as inserting the row. Only the store writes
    # readings, with point and parameter ids it has just looked up; points and
    # parameters are never deleted (PROTECT still holds in the ORM). A sharded
    # PostgreSQL (Citus) keyed by point needs this too.
    point = models.ForeignKey(
        MonitoringPoint, verbose_name=_("point"), on_delete=models.PROTECT,
        related_name="readings", db_index=False, db_constraint=False,
    )
    parameter = models.ForeignKey(
        Parameter, verbose_name=_("parameter"), on_delete=models.PROTECT, related_name="+",
        db_index=False, db_constraint=False,
    )
    data_type = models.CharField(_("data type"), max_length=4, choices=DataType.choices)
    observed_at = models.DateTimeField(_("time"))
    value = models.FloatField(_("value"))
    minimum = models.FloatField(_("minimum"), null=True, blank=True)
    maximum = models.FloatField(_("maximum"), null=True, blank=True)
    cumulative = models.FloatField(_("cumulative"), null=True, blank=True)
    converted = models.FloatField(_("converted value (reference O2)"), null=True, blank=True)
    flag = models.CharField(_("flag"), max_length=1, default="N")
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        constraints = [
            models.UniqueConstraint(
                fields=["point", "parameter", "data_type", "observed_at"],
                name="reading_once",
            ),
        ]
        indexes = [ArrivalOrderIndex(fields=["received_at"], name="reading_received_at")]

    def __str__(self) -> str:
        return f"{self.point_id}/{self.parameter_id} {self.observed_at:%Y-%m-%d %H:%M} {self.value}"


class LatestReading(models.Model):
    """The newest value per point, parameter and data type, kept by the store as it writes.

    Point lists, maps and live views read this small table instead of looking
    for the newest row per group in the readings.
    """

    point = models.ForeignKey(
        MonitoringPoint, verbose_name=_("point"), on_delete=models.CASCADE,
        related_name="latest", db_index=False,
    )
    parameter = models.ForeignKey(
        Parameter, verbose_name=_("parameter"), on_delete=models.CASCADE, related_name="+"
    )
    data_type = models.CharField(_("data type"), max_length=4, choices=DataType.choices)
    observed_at = models.DateTimeField(_("time"))
    value = models.FloatField(_("value"))
    flag = models.CharField(_("flag"), max_length=1, default="N")
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("latest reading")
        verbose_name_plural = _("latest readings")
        constraints = [
            models.UniqueConstraint(
                fields=["point", "parameter", "data_type"], name="latest_reading_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point_id}/{self.parameter_id} {self.value}"


class QuarantineQuerySet(models.QuerySet["Quarantine"]):
    def visible_to(self, user: User | AnonymousUser) -> QuarantineQuerySet:
        """Data from unknown devices only city-wide roles see; the rest follows its point."""
        if not user.is_authenticated or not user.is_active or not user.role:
            return self.none()
        if user.role in CITYWIDE_ROLES:
            return self.all()
        return self.filter(point__in=MonitoringPoint.objects.visible_to(user).values("pk"))


class Quarantine(models.Model):
    """Data that could not be taken, kept with the reason: never silently dropped."""

    received_at = models.DateTimeField(_("received at"))
    transport = models.CharField(_("transport"), max_length=4, choices=Transport.choices)
    peer = models.CharField(_("peer"), max_length=100, blank=True)
    mn = models.CharField(_("MN"), max_length=64, blank=True)
    point = models.ForeignKey(
        MonitoringPoint, verbose_name=_("point"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="quarantined",
    )
    reason = models.CharField(_("reason"), max_length=40)
    detail = models.TextField(_("detail"), blank=True)
    raw = models.BinaryField(_("raw bytes"))

    objects = QuarantineQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarantined data")
        verbose_name_plural = _("quarantined data")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["reason", "received_at"], name="quarantine_reason")]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M:%S} {self.reason} {self.peer}"


class PermitLimit(models.Model):
    """A discharge limit of a point for one parameter, from its permit or an emission standard."""

    point = models.ForeignKey(
        MonitoringPoint, verbose_name=_("point"), on_delete=models.CASCADE,
        related_name="limits",
    )
    parameter = models.ForeignKey(
        Parameter, verbose_name=_("parameter"), on_delete=models.PROTECT, related_name="+"
    )
    limit = models.FloatField(_("limit"))
    lower_limit = models.FloatField(_("lower limit"), null=True, blank=True)
    data_type = models.CharField(
        _("applies to"), max_length=4, choices=DataType.choices, default=DataType.HOUR
    )
    reference_oxygen = models.FloatField(_("reference O2 (%)"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("permit limit")
        verbose_name_plural = _("permit limits")
        constraints = [
            models.UniqueConstraint(
                fields=["point", "parameter", "data_type"], name="permit_limit_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point} {self.parameter} ≤ {self.limit}"


class MaintenanceWindow(models.Model):
    """A declared shutdown or maintenance: values inside never count as exceedances."""

    point = models.ForeignKey(
        MonitoringPoint, verbose_name=_("point"), on_delete=models.CASCADE,
        related_name="maintenance_windows",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("maintenance window")
        verbose_name_plural = _("maintenance windows")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.point} {self.starts_at:%Y-%m-%d} – {self.ends_at:%Y-%m-%d}"


class AlertQuerySet(models.QuerySet["Alert"]):
    def visible_to(self, user: User | AnonymousUser) -> AlertQuerySet:
        return self.filter(point__in=MonitoringPoint.objects.visible_to(user).values("pk"))


class Alert(models.Model):
    """One episode of a condition at a point and parameter, from its start until it clears."""

    point = models.ForeignKey(
        MonitoringPoint, verbose_name=_("point"), on_delete=models.PROTECT,
        related_name="alerts",
    )
    parameter = models.ForeignKey(
        Parameter, verbose_name=_("parameter"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    peak = models.FloatField(_("worst value"), null=True, blank=True)
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    message = models.CharField(_("message"), max_length=255)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    problem = models.ForeignKey(
        "ledger.Problem", verbose_name=_("problem"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="alerts",
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "parameter", "kind"],
                condition=Q(status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]),
                name="alert_one_active_episode",
            ),
            # Alerts of a whole point (AQI, missing data) have no parameter, and NULLs
            # never collide in a unique index: they need a constraint of their own.
            models.UniqueConstraint(
                fields=["point", "kind"],
                condition=Q(parameter__isnull=True,
                            status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]),
                name="alert_one_active_point_episode",
            ),
        ]
        indexes = [models.Index(fields=["status", "opened_at"], name="alert_status_opened")]

    def __str__(self) -> str:
        return self.message


class AlertEvidence(models.Model):
    """The readings that opened or extended an alert, kept with it."""

    alert = models.ForeignKey(
        Alert, verbose_name=_("alert"), on_delete=models.CASCADE, related_name="evidence"
    )
    reading = models.ForeignKey(
        Reading, verbose_name=_("reading"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("alert evidence")
        constraints = [
            models.UniqueConstraint(fields=["alert", "reading"], name="alert_evidence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id}: {self.reading_id}"


class AlertRule(models.Model):
    """Which alerts become ledger problems, and after how much persistence."""

    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices, unique=True)
    consecutive = models.PositiveSmallIntegerField(
        _("consecutive values to open"), default=3,
        help_text=_("Values beyond the threshold in a row before an alert opens."),
    )
    clear_after = models.PositiveSmallIntegerField(
        _("compliant values to clear"), default=3,
        help_text=_("Values back within the threshold in a row before the alert resolves."),
    )
    hysteresis = models.FloatField(
        _("hysteresis (share of threshold)"), default=0.05,
        help_text=_("A value must fall this far below the threshold to count as compliant."),
    )
    opens_problem = models.BooleanField(_("opens a ledger problem"), default=False)
    aqi_level = models.PositiveSmallIntegerField(_("AQI level that alerts"), default=4)
    compliant_hours_to_accept = models.PositiveIntegerField(
        _("compliant hours before acceptance"), default=72
    )

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self) -> str:
        return self.get_kind_display()


class EvaluationCursor(models.Model):
    """How far a periodic evaluation has read (by time received), so the next run goes on."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.DateTimeField(_("position"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("evaluation cursor")

    def __str__(self) -> str:
        return f"{self.name} at {self.position:%Y-%m-%d %H:%M:%S}"

"""Maintained counts and sequences: what keeps dashboards and codes fast at a million rows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemTally(models.Model):
    """How many problems one scope holds per status, domain, origin and rebound.

    Kept by the ledger's services in the same transaction as every change that
    moves a problem between keys, so dashboards read a few hundred rows instead
    of counting a million. ``scope_kind`` is "region" (the problem's own
    region; subtrees are sums) or "department" (any unit role).
    """

    scope_kind = models.CharField(max_length=12)
    scope_id = models.BigIntegerField()
    status = models.CharField(max_length=20)
    domain = models.CharField(max_length=20)
    origin = models.CharField(max_length=20)
    rebounded = models.BooleanField(default=False)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("problem tally")
        constraints = [
            models.UniqueConstraint(
                fields=["scope_kind", "scope_id", "status", "domain", "origin", "rebounded"],
                name="tally_key_once",
            ),
        ]
        indexes = [
            # Covering, in group-by order: the dashboard's breakdown streams from it.
            models.Index(
                fields=["scope_kind", "status", "domain", "origin", "rebounded", "scope_id",
                        "count"],
                name="tally_breakdown",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_kind}:{self.scope_id} {self.status} = {self.count}"


class CodeSequence(models.Model):
    """The last number handed out per code prefix and year (ZG-2026-000123)."""

    prefix = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("code sequence")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="code_sequence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class ProblemWeekTally(models.Model):
    """Events per scope and week (Monday, local time): problems reported, closed, closed on time.

    Kept by registration and acceptance, so the dashboard's weekly flow and the
    on-time ranking read a few hundred rows at any ledger size. Closures are
    events: a problem that rebounds and is closed again counts twice.
    """

    scope_kind = models.CharField(max_length=12)
    scope_id = models.BigIntegerField()
    week = models.DateField()
    reported = models.BigIntegerField(default=0)
    closed = models.BigIntegerField(default=0)
    closed_on_time = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("weekly problem tally")
        constraints = [
            models.UniqueConstraint(fields=["scope_kind", "scope_id", "week"],
                                    name="week_tally_once"),
        ]
        indexes = [models.Index(fields=["scope_kind", "week"], name="week_tally_week")]

    def __str__(self) -> str:
        return f"{self.scope_kind}:{self.scope_id} {self.week}"

"""Suspected rebounds: news near a closed problem that suggests it came back, for review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.choices import SignalKind, SuspicionStatus
from ecoledger.org.choices import CITYWIDE_ROLES

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ecoledger.org.models import User


class SuspectedReboundQuerySet(models.QuerySet["SuspectedRebound"]):
    def visible_to(self, user: User | AnonymousUser) -> SuspectedReboundQuerySet:
        """The review queue is the city office's (supervisors decide, leaders read).

        The news that raised a suspicion may lie in another district than the
        problem, so nobody with a regional scope reads it here.
        """
        if not user.is_authenticated or not user.is_active or user.role not in CITYWIDE_ROLES:
            return self.none()
        return self.all()


class SuspectedRebound(models.Model):
    """One piece of news (a complaint, a patrol finding, an alert) against one closed problem.

    Recorded once per (problem, kind, news item), so the detection job may run
    again and again; a supervisor confirms it (the problem is reopened) or
    dismisses it with a reason.
    """

    problem = models.ForeignKey(
        "ledger.Problem", verbose_name=_("problem"), on_delete=models.CASCADE,
        related_name="suspicions",
    )
    kind = models.CharField(_("what"), max_length=10, choices=SignalKind.choices)
    signal_id = models.PositiveBigIntegerField(_("its id"))
    signal_label = models.CharField(_("news"), max_length=255)
    signal_at = models.DateTimeField(_("news time"))
    distance_m = models.FloatField(_("distance (m)"), null=True, blank=True)
    same_source = models.BooleanField(_("same pollution source"), default=False)
    detected_at = models.DateTimeField(_("detected at"))
    status = models.CharField(
        _("status"), max_length=10, choices=SuspicionStatus.choices,
        default=SuspicionStatus.OPEN,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    objects = SuspectedReboundQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspected rebound")
        verbose_name_plural = _("suspected rebounds")
        ordering = ["-detected_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "kind", "signal_id"], name="suspicion_once_per_signal"
            ),
        ]
        indexes = [models.Index(fields=["status", "detected_at"], name="suspicion_status")]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.signal_label}"

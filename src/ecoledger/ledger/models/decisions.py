"""Decisions on a problem: acceptance verdicts, contests and their arbitration, extensions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.choices import AcceptanceMethod, ArbitrationDecision, ExtensionStatus


class Acceptance(models.Model):
    """One acceptance review (验收) of a submission: passed (closed) or not (rejected)."""

    problem = models.ForeignKey(
        "ledger.Problem",
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        related_name="acceptances",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    submission = models.TextField(_("submission summary"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)
    method = models.CharField(
        _("method"), max_length=12, choices=AcceptanceMethod.choices, blank=True
    )
    opinion = models.TextField(_("opinion"), blank=True)

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.problem.code} {self.submitted_at:%Y-%m-%d}"


class Contest(models.Model):
    """A unit's claim (退单) that a problem is not its own, and the supervisor's arbitration."""

    problem = models.ForeignKey(
        "ledger.Problem",
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        related_name="contests",
    )
    contested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.CharField(_("contesting unit"), max_length=100)
    reason = models.TextField(_("reason"))
    contested_at = models.DateTimeField(_("contested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=ArbitrationDecision.choices, blank=True
    )
    decision_reason = models.TextField(_("decision reason"), blank=True)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["contested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.problem.code} {self.unit}"


class DeadlineExtension(models.Model):
    """A request to move the deadline, and the supervisor's approval or refusal."""

    problem = models.ForeignKey(
        "ledger.Problem",
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    previous_deadline = models.DateField(_("previous deadline"))
    requested_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem"],
                condition=models.Q(status=ExtensionStatus.PENDING),
                name="extension_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.problem.code} → {self.requested_deadline}"

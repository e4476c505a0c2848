"""Follow-ups (回头看): checks of a closed problem, some months on, that it has not come back."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.choices import FollowUpStatus
from ecoledger.org.choices import CITYWIDE_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ecoledger.org.models import User


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def visible_to(self, user: User | AnonymousUser) -> FollowUpQuerySet:
        """Citywide roles see all; an inspector the checks assigned to them; officers their scope.

        Enterprises see none: a follow-up is a check on them, not announced to them.
        """
        if not user.is_authenticated or not user.is_active or not user.role:
            return self.none()
        if user.role in CITYWIDE_ROLES:
            return self.all()
        if user.role == Role.INSPECTOR:
            return self.filter(inspector_id=user.pk)
        if user.role == Role.ENTERPRISE:
            return self.none()
        from ecoledger.ledger.models.problem import Problem

        return self.filter(problem__in=Problem.objects.visible_to(user).values("pk"))

    def due(self, today: date) -> FollowUpQuerySet:
        return self.filter(status=FollowUpStatus.PENDING, due_on__lte=today)


class FollowUp(models.Model):
    """One check of a closed problem, due some days after it closed, by an inspector elsewhere.

    ``round`` is the problem's rebound count when it closed: a problem that
    rebounds and closes again gets a fresh set of checks, and a rerun of the
    scheduling for the same closing finds the set already there.
    """

    problem = models.ForeignKey(
        "ledger.Problem", verbose_name=_("problem"), on_delete=models.CASCADE,
        related_name="followups",
    )
    round = models.PositiveIntegerField(_("closing round"))
    offset_days = models.PositiveIntegerField(_("days after closing"))
    due_on = models.DateField(_("due on"))
    risk = models.PositiveSmallIntegerField(_("risk score"))
    sampled = models.BooleanField(
        _("drawn by sampling"), default=False,
        help_text=_("Low-risk problems get follow-ups only when drawn in the sample."),
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="followups",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices,
        default=FollowUpStatus.PENDING,
    )
    note = models.TextField(_("finding"), blank=True)
    scheduled_at = models.DateTimeField(_("scheduled at"))
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "round", "offset_days"], name="followup_once_per_offset"
            ),
        ]
        indexes = [
            models.Index(fields=["inspector", "status", "due_on"], name="followup_inspector_due"),
            models.Index(fields=["status", "due_on"], name="followup_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} +{self.offset_days}d ({self.status})"

    def is_due(self, today: date) -> bool:
        return self.status == FollowUpStatus.PENDING and self.due_on <= today

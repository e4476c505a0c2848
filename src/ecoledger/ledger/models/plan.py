"""Rectification plans and their measures, and progress reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.models.scoped import MeasureQuerySet
from ecoledger.org.models import PollutionSource


class RectificationPlan(models.Model):
    """A plan for one problem, or for one pollution source (一源一策) across its problems."""

    problem = models.OneToOneField(
        "ledger.Problem",
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plan",
    )
    source = models.OneToOneField(
        PollutionSource,
        verbose_name=_("pollution source"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plan",
    )
    goal = models.TextField(_("rectification goal"))
    summary = models.TextField(_("approach"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("rectification plan")
        verbose_name_plural = _("rectification plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(problem__isnull=True, source__isnull=False)
                | Q(problem__isnull=False, source__isnull=True),
                name="plan_for_problem_or_source",
            ),
        ]

    def __str__(self) -> str:
        return str(self.problem or self.source)


class Measure(models.Model):
    plan = models.ForeignKey(
        RectificationPlan, verbose_name=_("plan"), on_delete=models.CASCADE,
        related_name="measures",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.TextField(_("measure"))
    owner = models.CharField(_("owner"), max_length=100)
    due_on = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class ProgressReport(models.Model):
    problem = models.ForeignKey(
        "ledger.Problem",
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("progress"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

"""Published results: frozen copies of one computation, with the hash of its inputs.

Nothing here is ever updated: a publication is written once by
``publish_results`` and read ever after. Later data (problems closed in
January, new readings) changes what a recomputation gives, never what was
published; the recomputation's inputs hash says that the data moved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoledger.assessment.access import may_read_ranking
from ecoledger.assessment.models.scheme import SchemeVersion
from ecoledger.assessment.models.units import UnitRecord, UnitScopedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ecoledger.org.models import User


class PublicationQuerySet(models.QuerySet["Publication"]):
    def visible_to(self, user: User | AnonymousUser) -> PublicationQuerySet:
        """The ranking is read by every official in the assessment; scorecards are scoped."""
        return self.all() if may_read_ranking(user) else self.none()

    def current(self, year: int) -> Publication | None:
        """The year's latest publication: the one that stands."""
        return self.filter(year=year).order_by("-number").first()


class Publication(models.Model):
    version = models.ForeignKey(
        SchemeVersion, verbose_name=_("scheme version"), on_delete=models.PROTECT,
        related_name="publications",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("publication number"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    inputs_sha256 = models.CharField(_("inputs SHA-256"), max_length=64)
    note = models.TextField(_("note"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"))

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("published assessment")
        verbose_name_plural = _("published assessments")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="publication_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year} #{self.number} (v{self.version.number})"


class UnitResult(UnitRecord):
    """One unit's total and rank in one publication."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.PROTECT,
        related_name="units",
    )
    total = models.DecimalField(
        _("total score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    ranked_among = models.PositiveIntegerField(_("ranked among"))

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit result")
        verbose_name_plural = _("unit results")
        ordering = ["publication", "kind", "rank", "pk"]
        constraints = [
            UnitRecord.unit_constraint("unit_result_is_district_or_department"),
            models.UniqueConstraint(
                fields=["publication", "district"], condition=models.Q(district__isnull=False),
                name="unit_result_district_once",
            ),
            models.UniqueConstraint(
                fields=["publication", "department"],
                condition=models.Q(department__isnull=False),
                name="unit_result_department_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication}: {self.unit} {self.total}"


class IndicatorResult(models.Model):
    """One indicator of one unit, as published: value, score, weight and how they came about.

    ``details`` keeps the figures the value was computed from, the rule and the
    fingerprint of the rows behind it; ``exemptions`` and ``appeals`` the ids of
    the decided records that changed it.
    """

    unit_result = models.ForeignKey(
        UnitResult, verbose_name=_("unit result"), on_delete=models.PROTECT,
        related_name="indicators",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("indicator"), max_length=40)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    value = models.DecimalField(
        _("value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    adjustment = models.DecimalField(_("adjustment by appeal"), max_digits=6, decimal_places=2)
    weighted_score = models.DecimalField(
        _("weighted score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    details = models.JSONField(_("details"))
    exemptions = models.JSONField(_("exemptions applied"), default=list)
    appeals = models.JSONField(_("appeals applied"), default=list)

    class Meta:
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        ordering = ["unit_result", "position"]
        constraints = [
            models.UniqueConstraint(fields=["unit_result", "code"],
                                    name="indicator_result_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.value} → {self.score}"

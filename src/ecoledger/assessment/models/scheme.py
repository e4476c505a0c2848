"""Assessment schemes: one per year, in versions; each version a list of weighted indicators.

A version is a draft until it is adopted; from then on nothing in it changes
(services refuse, the admin shows it read-only). A change of rules after
adoption, and so after any publication, is a new version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecoledger.assessment.access import may_read_all, may_read_ranking
from ecoledger.assessment.choices import AppliesTo, VersionStatus, WhenMissing

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ecoledger.org.models import User


class Scheme(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class VersionQuerySet(models.QuerySet["SchemeVersion"]):
    def visible_to(self, user: User | AnonymousUser) -> VersionQuerySet:
        """Supervisors and leaders see drafts too; officers the rules they are scored by."""
        if may_read_all(user):
            return self.all()
        if may_read_ranking(user):
            return self.exclude(status=VersionStatus.DRAFT)
        return self.none()


class SchemeVersion(models.Model):
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT,
        editable=False,
    )
    note = models.TextField(_("note"), blank=True)
    based_on = models.ForeignKey(
        "self", verbose_name=_("based on"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("adopted by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ["-scheme__year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="scheme_version_once"),
            models.UniqueConstraint(
                fields=["scheme"], condition=Q(status=VersionStatus.ADOPTED),
                name="scheme_one_adopted_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.year} v{self.number} ({self.get_status_display()})"

    @property
    def year(self) -> int:
        return self.scheme.year

    @property
    def editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class SchemeIndicator(models.Model):
    """One indicator of a version: which catalogue entry, its weight, whom, and how it scores.

    ``rule`` is data (see ``assessment.rules``): ``{"kind": "linear", "direction":
    "higher", "floor": 60, "target": 95}``, ``{"kind": "deduction", "per_case": 2,
    "cap": 30}`` or ``{"kind": "bands", "direction": "higher", "bands": [[95, 100],
    [85, 80], [70, 60]], "otherwise": 0}``.
    """

    version = models.ForeignKey(
        SchemeVersion, verbose_name=_("version"), on_delete=models.CASCADE,
        related_name="indicators",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("indicator"), max_length=40)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    applies_to = models.CharField(
        _("applies to"), max_length=12, choices=AppliesTo.choices, default=AppliesTo.BOTH
    )
    rule = models.JSONField(_("scoring rule"))
    when_missing = models.CharField(
        _("without a value"), max_length=8, choices=WhenMissing.choices,
        default=WhenMissing.EXCLUDE,
    )

    class Meta:
        verbose_name = _("scheme indicator")
        verbose_name_plural = _("scheme indicators")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="scheme_indicator_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code} × {self.weight}"

"""Exemptions and appeals: the only ways a score moves other than the data.

Each is a record with its grounds and the supervisor's decision. An approved
exemption takes one problem or complaint out of one unit's indicator (or all
of the unit's indicators that count it); an upheld appeal adds its recorded
adjustment to one unit's score on one indicator. Computations list the ones
they applied.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecoledger.assessment.choices import AppealStatus, DecisionStatus, ExemptionGround
from ecoledger.assessment.models.results import Publication
from ecoledger.assessment.models.scheme import SchemeVersion
from ecoledger.assessment.models.units import UnitRecord, UnitScopedQuerySet


class Exemption(UnitRecord):
    year = models.PositiveSmallIntegerField(_("year"))
    indicator_code = models.CharField(
        _("indicator"), max_length=40, blank=True,
        help_text=_("Empty: every indicator of the unit that counts the problem or complaint."),
    )
    problem = models.ForeignKey(
        "ledger.Problem", verbose_name=_("problem"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    complaint = models.ForeignKey(
        "intake.Complaint", verbose_name=_("complaint"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    ground = models.CharField(_("ground"), max_length=24, choices=ExemptionGround.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("decision"), max_length=10, choices=DecisionStatus.choices,
        default=DecisionStatus.PENDING, editable=False,
    )
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
        null=True, blank=True, editable=False, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            UnitRecord.unit_constraint("exemption_is_district_or_department"),
            models.CheckConstraint(
                condition=Q(problem__isnull=False, complaint__isnull=True)
                | Q(problem__isnull=True, complaint__isnull=False),
                name="exemption_names_problem_or_complaint",
            ),
        ]
        indexes = [models.Index(fields=["year", "status"], name="exemption_year_status")]

    def __str__(self) -> str:
        item = self.problem or self.complaint
        return f"{self.year} {self.unit}: {item}"


class Appeal(UnitRecord):
    year = models.PositiveSmallIntegerField(_("year"))
    indicator_code = models.CharField(_("indicator"), max_length=40)
    publication = models.ForeignKey(
        Publication, verbose_name=_("against publication"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="appeals",
    )
    version = models.ForeignKey(
        SchemeVersion, verbose_name=_("against draft results of"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="appeals",
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("decision"), max_length=10, choices=AppealStatus.choices,
        default=AppealStatus.PENDING, editable=False,
    )
    adjustment = models.DecimalField(
        _("score adjustment"), max_digits=6, decimal_places=2, null=True, blank=True,
        editable=False,
        help_text=_("Points added to (or, negative, taken from) the indicator's score."),
    )
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
        null=True, blank=True, editable=False, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            UnitRecord.unit_constraint("appeal_is_district_or_department"),
            models.CheckConstraint(
                condition=Q(publication__isnull=False, version__isnull=True)
                | Q(publication__isnull=True, version__isnull=False),
                name="appeal_against_publication_or_draft",
            ),
        ]
        indexes = [models.Index(fields=["year", "status"], name="appeal_year_status")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit}: {self.indicator_code}"

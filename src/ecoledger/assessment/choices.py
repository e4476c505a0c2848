"""Choice sets of the annual assessment, with the groups its rules are written in."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    SUPERSEDED = "superseded", _("Superseded")


class UnitKind(models.TextChoices):
    """What is assessed: a district (its problems and its environment) or a department."""

    DISTRICT = "district", _("District / county")
    DEPARTMENT = "department", _("Department")


class AppliesTo(models.TextChoices):
    DISTRICTS = "districts", _("Districts")
    DEPARTMENTS = "departments", _("Departments")
    BOTH = "both", _("Districts and departments")


APPLIES_TO_KINDS = {
    AppliesTo.DISTRICTS: frozenset({UnitKind.DISTRICT}),
    AppliesTo.DEPARTMENTS: frozenset({UnitKind.DEPARTMENT}),
    AppliesTo.BOTH: frozenset({UnitKind.DISTRICT, UnitKind.DEPARTMENT}),
}


class RuleKind(models.TextChoices):
    LINEAR = "linear", _("Linear between a floor and a target")
    DEDUCTION = "deduction", _("Deduction per case, with a cap")
    BANDS = "bands", _("Banded (step) scores")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class WhenMissing(models.TextChoices):
    """What a unit scores on an indicator that has no value for it (no problem due, no station)."""

    EXCLUDE = "exclude", _("Leave the indicator out (the other weights count)")
    ZERO = "zero", _("Score 0")
    FULL = "full", _("Score 100")


class ItemKind(models.TextChoices):
    """What an indicator counts, one by one: what an exemption can take out of it."""

    PROBLEM = "problem", _("Problem")
    COMPLAINT = "complaint", _("Complaint")


class ExemptionGround(models.TextChoices):
    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    UNREASONABLE_COMPLAINT = "unreasonable_complaint", _("Complaint judged unreasonable")
    OTHER = "other", _("Other ground")


class DecisionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", pgettext_lazy("appeal", "Dismissed")

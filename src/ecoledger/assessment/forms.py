"""Forms of the assessment pages: they shape the services' inputs and never change state.

Field names follow the services' inputs (``year``, ``unit``, ``indicator_code``,
``reason`` …) so that an ``InvalidInput`` lands next to the field it names. A
draft's indicators are edited as a formset, one row per indicator, with the
scoring rule as separate inputs per parameter rather than as JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecoledger.assessment.catalogue import CATALOGUE
from ecoledger.assessment.choices import (
    AppliesTo,
    Direction,
    ExemptionGround,
    RuleKind,
    UnitKind,
    WhenMissing,
)
from ecoledger.assessment.models import Publication, SchemeIndicator, SchemeVersion
from ecoledger.assessment.services import IndicatorInput
from ecoledger.intake.models import Complaint
from ecoledger.ledger.models import Problem
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.models import Department, Region
from ecoledger.web.forms import AccessibleForm
from ecoledger.web.forms.fields import text_area

INDICATORS_PREFIX = "ind"
# The parameters each kind of rule needs, besides its kind.
RULE_PARAMETERS = {
    RuleKind.LINEAR: ("direction", "floor", "target"),
    RuleKind.DEDUCTION: ("per_case", "cap"),
    RuleKind.BANDS: ("direction", "bands", "otherwise"),
}


def _number(value: Decimal) -> int | float:
    """A rule parameter as the JSON number the rule stores (the rules refuse text)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _indicator_choices() -> list[tuple[str, Any]]:
    return [("", "—"), *((code, entry.name) for code, entry in CATALOGUE.items())]


class SchemeForm(AccessibleForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=200)


class VersionForm(AccessibleForm):
    note = forms.CharField(label=_("What changes in this version"), required=False,
                           widget=text_area(2))


class IndicatorForm(AccessibleForm):
    """One indicator of a draft: which, its weight, whom it applies to and how it scores."""

    code = forms.ChoiceField(label=_("Indicator"), choices=_indicator_choices)
    weight = forms.DecimalField(label=_("Weight"), max_digits=6, decimal_places=2)
    # Every select has an initial value: the empty row left for a new indicator then comes
    # back as it was shown, and counts as untouched.
    applies_to = forms.ChoiceField(label=_("Applies to"), choices=AppliesTo.choices,
                                   initial=AppliesTo.BOTH)
    when_missing = forms.ChoiceField(label=_("Without a value"), choices=WhenMissing.choices,
                                     initial=WhenMissing.EXCLUDE)
    rule_kind = forms.ChoiceField(label=_("Scoring rule"), choices=RuleKind.choices,
                                  initial=RuleKind.LINEAR)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices,
                                  required=False, initial=Direction.HIGHER,
                                  help_text=_("Linear and banded rules."))
    floor = forms.DecimalField(label=_("Floor (0 points)"), required=False,
                               help_text=_("Linear rules."))
    target = forms.DecimalField(label=_("Target (100 points)"), required=False,
                                help_text=_("Linear rules."))
    per_case = forms.DecimalField(label=_("Deduction per case"), required=False,
                                  help_text=_("Deduction rules."))
    cap = forms.DecimalField(label=_("Largest deduction"), required=False,
                             help_text=_("Deduction rules; 0–100."))
    bands = forms.CharField(label=_("Bands"), required=False,
                            help_text=_("Banded rules: threshold=score pairs, best first, "
                                        "e.g. 95=100; 85=80; 70=60."))
    otherwise = forms.DecimalField(label=_("Score below the last band"), required=False,
                                   help_text=_("Banded rules."))

    @classmethod
    def initial_of(cls, row: SchemeIndicator) -> dict[str, Any]:
        """A stored indicator as the form's initial values."""
        rule = row.rule
        initial = {"code": row.code, "weight": row.weight, "applies_to": row.applies_to,
                   "when_missing": row.when_missing, "rule_kind": rule["kind"],
                   **{key: rule[key] for key in ("direction", "floor", "target", "per_case",
                                                 "cap", "otherwise") if key in rule}}
        if "bands" in rule:
            initial["bands"] = "; ".join(f"{threshold}={points}"
                                         for threshold, points in rule["bands"])
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("rule_kind")
        if kind not in RULE_PARAMETERS:
            return data
        for name in RULE_PARAMETERS[RuleKind(kind)]:
            if data.get(name) in (None, ""):
                self.add_error(name, _("The rule “%(rule)s” needs this.") % {
                    "rule": RuleKind(kind).label})
        if kind == RuleKind.BANDS and data.get("bands"):
            data["band_pairs"] = self._bands(data["bands"])
        return data

    def _bands(self, text: str) -> list[list[int | float]]:
        pairs = []
        for part in (piece.strip() for piece in text.replace("；", ";").split(";")):
            if not part:
                continue
            threshold, _sep, points = part.partition("=")
            try:
                pairs.append([_number(Decimal(threshold.strip())), _number(Decimal(points))])
            except ArithmeticError:
                self.add_error("bands", _("“%(part)s” is not threshold=score.") % {"part": part})
        return pairs

    def rule(self) -> dict[str, Any]:
        """The rule as the scheme stores it; the service validates it."""
        data = self.cleaned_data
        kind = RuleKind(data["rule_kind"])
        rule: dict[str, Any] = {"kind": kind.value}
        for name in RULE_PARAMETERS[kind]:
            if name == "direction":
                rule[name] = data[name]
            elif name == "bands":
                rule[name] = data["band_pairs"]
            else:
                rule[name] = _number(data[name])
        return rule

    def indicator_input(self) -> IndicatorInput:
        data = self.cleaned_data
        return IndicatorInput(data["code"], data["weight"], self.rule(), data["applies_to"],
                              data["when_missing"])


class BaseIndicatorFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove this indicator")


IndicatorFormSet = forms.formset_factory(IndicatorForm, formset=BaseIndicatorFormSet, extra=1,
                                         can_delete=True)


def indicator_formset(version: SchemeVersion, data: Any = None) -> Any:
    """The draft's indicators, in order, with one empty row to add another."""
    rows = version.indicators.order_by("position")
    return IndicatorFormSet(data, prefix=INDICATORS_PREFIX,
                            initial=[IndicatorForm.initial_of(row) for row in rows])


def kept_rows(formset: Any) -> list[IndicatorForm]:
    """The rows of a valid formset that make the new list: filled in and not removed (an
    untouched empty row has no cleaned data)."""
    removed = formset.deleted_forms
    return [form for form in formset.forms
            if form not in removed and form.cleaned_data.get("code")]


def place_indicator_errors(formset: Any, rows: Sequence[IndicatorForm],
                           error: InvalidInput) -> list[str]:
    """Put the service's ``indicators.<n>.<field>`` errors on row n; the others are returned."""
    rest = []
    for name, reasons in error.fields.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "indicators" and parts[1].isdigit() and (
                int(parts[1]) < len(rows)):
            form = rows[int(parts[1])]
            field = parts[2] if parts[2] in form.fields and parts[2] != "rule" else None
            for reason in reasons:
                form.add_error(field, reason)
        else:
            rest.extend(reasons)
    return rest or ([] if error.fields else [error.message])


class PublishForm(AccessibleForm):
    note = forms.CharField(label=_("Note"), required=False, widget=text_area(2))
    confirm = forms.BooleanField(
        label=_("I have checked these results; publish them as the year's final results."))
    expected_sha256 = forms.CharField(widget=forms.HiddenInput, required=False)


def _units() -> list[tuple[str, Any]]:
    districts = [(f"{UnitKind.DISTRICT}:{pk}", name)
                 for pk, name in Region.objects.districts().order_by("code")
                 .values_list("pk", "name")]
    departments = [(f"{UnitKind.DEPARTMENT}:{d.pk}", str(d))
                   for d in Department.objects.order_by("code")]
    return [("", "—"), (_("Districts"), districts), (_("Departments"), departments)]


class UnitField(forms.ChoiceField):
    """A district or a department, chosen from one list; cleans to the Region or Department."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label=_("District or department"), choices=_units, **kwargs)

    def clean(self, value: Any) -> Region | Department:
        kind, _sep, pk = super().clean(value).partition(":")
        if kind == UnitKind.DISTRICT:
            unit = Region.objects.districts().filter(pk=pk).first()
        else:
            unit = Department.objects.filter(pk=pk).first()
        if unit is None:
            raise forms.ValidationError(_("Choose a district or a department."))
        return unit


class ExemptionForm(AccessibleForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    unit = UnitField()
    ground = forms.ChoiceField(label=_("Ground"), choices=ExemptionGround.choices)
    problem = forms.CharField(label=_("Problem code"), required=False,
                              help_text=_("The problem to leave out; or give a complaint."))
    complaint = forms.CharField(label=_("Complaint tracking code"), required=False)
    indicator_code = forms.ChoiceField(
        label=_("Indicator"), required=False,
        choices=lambda: [("", _("Every indicator that counts it")),
                         *((code, entry.name) for code, entry in CATALOGUE.items()
                           if entry.item is not None)])
    reason = forms.CharField(label=_("Reason"), widget=text_area(2))

    def clean_problem(self) -> Problem | None:
        code = self.cleaned_data["problem"].strip()
        if not code:
            return None
        problem = Problem.objects.filter(code=code).first()
        if problem is None:
            raise forms.ValidationError(_("There is no problem %(code)s.") % {"code": code})
        return problem

    def clean_complaint(self) -> Complaint | None:
        code = self.cleaned_data["complaint"].strip()
        if not code:
            return None
        complaint = Complaint.objects.filter(tracking_code=code).first()
        if complaint is None:
            raise forms.ValidationError(_("There is no complaint %(code)s.") % {"code": code})
        return complaint


def _against() -> list[tuple[str, Any]]:
    publications = [(f"publication:{p.pk}", _("%(year)s publication no. %(number)s") % {
        "year": p.year, "number": p.number}) for p in Publication.objects.order_by(
        "-year", "-number")]
    versions = [(f"version:{v.pk}", _("%(year)s version %(number)s (%(status)s)") % {
        "year": v.scheme.year, "number": v.number, "status": v.get_status_display()})
        for v in SchemeVersion.objects.select_related("scheme").order_by(
        "-scheme__year", "-number")]
    return [("", "—"), (_("Published results"), publications),
            (_("Results of a version (preview)"), versions)]


class AppealForm(AccessibleForm):
    unit = UnitField()
    indicator_code = forms.ChoiceField(label=_("Indicator"), choices=_indicator_choices)
    against = forms.ChoiceField(label=_("Against"), choices=_against)
    reason = forms.CharField(label=_("Reason"), widget=text_area(2))

    def clean_against(self) -> dict[str, Publication | SchemeVersion]:
        kind, _sep, pk = self.cleaned_data["against"].partition(":")
        model = Publication if kind == "publication" else SchemeVersion
        found = model.objects.filter(pk=pk).first()
        if found is None:
            raise forms.ValidationError(_("Choose a publication or a version."))
        return {kind: found}


class ExemptionDecisionForm(AccessibleForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"), widget=forms.RadioSelect, coerce=lambda value: value == "yes",
        choices=[("yes", _("Approve: leave the item out")), ("no", _("Refuse"))])
    note = forms.CharField(label=_("Decision note"), required=False, widget=text_area(2))


class AppealDecisionForm(AccessibleForm):
    uphold = forms.TypedChoiceField(
        label=_("Decision"), widget=forms.RadioSelect, coerce=lambda value: value == "yes",
        choices=[("yes", _("Uphold, with the adjustment")),
                 ("no", pgettext_lazy("appeal", "Dismiss"))])
    adjustment = forms.DecimalField(
        label=_("Adjustment (points)"), required=False, max_digits=6, decimal_places=2,
        help_text=_("Points added to the indicator's score; negative to take points away."))
    note = forms.CharField(label=_("Decision note"), required=False, widget=text_area(2))

"""The action forms of the problem page, one per workflow action that takes input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.choices import (
    UPLOAD_STAGES,
    AcceptanceMethod,
    ArbitrationDecision,
    EvidenceStage,
    LinkKind,
    Severity,
    TicketKind,
)
from ecoledger.ledger.models import Category, Problem, RectificationPlan
from ecoledger.ledger.services import MeasureInput, TicketInput, UnitAssignment
from ecoledger.org.models import User
from ecoledger.web.forms.fields import (
    AccessibleForm,
    DateInput,
    DateTimeInput,
    MultipleFileField,
    text_area,
    unit_choices,
    unit_of,
    unit_value,
)


class ActionForm(AccessibleForm):
    """A form for one workflow action on one problem."""

    def __init__(self, *args: Any, problem: Problem, user: User, **kwargs: Any) -> None:
        self.problem, self.user = problem, user
        super().__init__(*args, **kwargs)


class ConfirmForm(ActionForm):
    """An action without inputs (start rectification)."""


class UnitsForm(ActionForm):
    lead_unit = forms.ChoiceField(label=_("Lead unit (牵头)"))
    responsible_units = forms.MultipleChoiceField(
        label=_("Responsible units (责任)"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    cooperating_units = forms.MultipleChoiceField(
        label=_("Cooperating units (配合)"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = unit_choices(self.problem)
        self.fields["lead_unit"].choices = [("", "—"), *choices]
        self.fields["responsible_units"].choices = choices
        self.fields["cooperating_units"].choices = choices
        current = list(self.problem.units.all())
        lead = next((unit for unit in current if unit.role == "lead"), None)
        if lead is not None:
            self.initial.setdefault("lead_unit", unit_value(lead.unit))
        elif self.problem.region.district_id:
            self.initial.setdefault("lead_unit", f"region:{self.problem.region.district_id}")
        for role in ("responsible", "cooperating"):
            self.initial.setdefault(
                f"{role}_units", [unit_value(u.unit) for u in current if u.role == role]
            )

    def units(self) -> UnitAssignment | None:
        data = self.cleaned_data
        if not data.get("lead_unit"):
            return None
        return UnitAssignment(
            lead=unit_of(data["lead_unit"]),
            responsible=[unit_of(v) for v in data.get("responsible_units", [])],
            cooperating=[unit_of(v) for v in data.get("cooperating_units", [])],
        )


class VerifyForm(UnitsForm):
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(),
                                      required=False, empty_label="—")
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=60,
                                         required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=text_area(2))

    field_order = ["lead_unit", "responsible_units", "cooperating_units", "deadline", "severity",
                   "category", "responsible_person", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(domain=self.problem.domain)
        self.initial.setdefault("severity", self.problem.severity)
        self.initial.setdefault("category", self.problem.category_id)
        self.initial.setdefault("responsible_person", self.problem.responsible_person)


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=text_area())


class ArbitrateForm(UnitsForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=ArbitrationDecision.choices,
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=text_area())
    deadline = forms.DateField(label=_("New deadline (optional)"), required=False,
                               widget=DateInput())

    field_order = ["decision", "reason", "lead_unit", "responsible_units", "cooperating_units",
                   "deadline"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].required = False
        self.fields["lead_unit"].help_text = _("Only for a reassignment: the new units.")


class MeasureForm(AccessibleForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(label=_("Measure"), widget=text_area(2))
    owner = forms.CharField(label=_("Carried out by"), max_length=100)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    done = forms.BooleanField(label=_("Done"), required=False)


MeasureFormSet = forms.formset_factory(MeasureForm, extra=1, can_delete=True)


class PlanForm(ActionForm):
    goal = forms.CharField(label=_("Rectification goal"), widget=text_area(2))
    summary = forms.CharField(label=_("Approach"), required=False, widget=text_area(2))

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        plan = RectificationPlan.objects.filter(problem=self.problem).first()
        initial: list[dict[str, Any]] = []
        if plan is not None:
            self.initial.setdefault("goal", plan.goal)
            self.initial.setdefault("summary", plan.summary)
            initial = [
                {"id": m.pk, "description": m.description, "owner": m.owner,
                 "due_on": m.due_on, "done": m.done_at is not None}
                for m in plan.measures.all()
            ]
        self.measures = MeasureFormSet(data, initial=initial, prefix=self.add_prefix("measures"))
        self.rows: list[MeasureForm] = []

    def is_valid(self) -> bool:
        own, rows = super().is_valid(), self.measures.is_valid()
        return own and rows

    def measure_inputs(self) -> list[MeasureInput]:
        """The kept rows in order; ``rows`` remembers which form each came from."""
        self.rows = [
            row for row in self.measures.forms
            if row.cleaned_data and not row.cleaned_data.get("DELETE")
        ]
        return [
            MeasureInput(
                description=row.cleaned_data["description"], owner=row.cleaned_data["owner"],
                due_on=row.cleaned_data["due_on"], done=row.cleaned_data["done"],
                id=row.cleaned_data.get("id"),
            )
            for row in self.rows
        ]

    def place(self, name: str, reasons: list[str]) -> bool:
        prefix, _sep, rest = name.partition(".")
        if prefix != "measures":
            return super().place(name, reasons)
        index, _sep, field = rest.partition(".")
        if not index.isdigit() or int(index) >= len(self.rows):
            return False
        row = self.rows[int(index)]
        for reason in reasons:
            row.add_error(field if field in row.fields else None, reason)
        return True


class EvidenceFieldsMixin(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=UPLOAD_STAGES,
                              initial=EvidenceStage.DURING)


class EvidenceForm(EvidenceFieldsMixin, ActionForm):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("Photos (JPEG, PNG, WebP), PDF, MP4, DOCX or XLSX; several at once."),
    )
    description = forms.CharField(label=_("Description"), max_length=255, required=False)


class ProgressForm(EvidenceFieldsMixin, ActionForm):
    text = forms.CharField(label=_("Progress"), widget=text_area(4))
    files = MultipleFileField(label=_("Evidence files (optional)"), required=False)

    field_order = ["text", "files", "stage"]


class SubmitForm(ActionForm):
    summary = forms.CharField(
        label=_("Summary of the work done"), widget=text_area(4),
        help_text=_("At least one after-rectification photo or document must be attached."),
    )


class RejectForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=text_area())
    deadline = forms.DateField(label=_("New deadline (optional)"), required=False,
                               widget=DateInput())


class AcceptForm(ActionForm):
    opinion = forms.CharField(label=_("Acceptance opinion"), widget=text_area())
    method = forms.ChoiceField(label=_("Method"), choices=AcceptanceMethod.choices,
                               initial=AcceptanceMethod.ON_SITE)


class ReasonDeadlineForm(ActionForm):
    deadline = forms.DateField(label=_("New deadline"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=text_area())


class DecideExtensionForm(ActionForm):
    approve = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
    )
    note = forms.CharField(label=_("Note"), required=False, widget=text_area(2))


class TicketForm(ActionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=TicketKind.choices)
    upstream_id = forms.CharField(label=_("Upstream number"), max_length=64, required=False)
    channel = forms.CharField(label=_("Channel"), max_length=100, required=False)
    received_at = forms.DateTimeField(label=_("Received at"), required=False,
                                      widget=DateTimeInput())
    reply_deadline = forms.DateField(label=_("Reply due on"), required=False, widget=DateInput())

    def ticket(self) -> TicketInput:
        data = self.cleaned_data
        return TicketInput(kind=data["kind"], upstream_id=data["upstream_id"],
                           channel=data["channel"], received_at=data["received_at"],
                           reply_deadline=data["reply_deadline"])


class LinkForm(ActionForm):
    other = forms.CharField(label=_("Code of the related problem"), max_length=32,
                            widget=forms.TextInput(attrs={"placeholder": "ZG-2026-000123"}))
    kind = forms.ChoiceField(label=_("Relation"), choices=LinkKind.choices)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)



"""Registering a problem and editing its facts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.choices import (
    UPLOAD_STAGES,
    Domain,
    EvidenceStage,
    Origin,
    Severity,
    TicketKind,
)
from ecoledger.ledger.models import Category, Problem
from ecoledger.ledger.services import TicketInput
from ecoledger.lib.geo import CoordinateSystem
from ecoledger.org.choices import Role
from ecoledger.org.models import Enterprise, PollutionSource, Region, User, WaterBody
from ecoledger.web.forms.fields import (
    AccessibleForm,
    CategorySelect,
    MultipleFileField,
    RegionChoiceField,
    regions_for,
    text_area,
)

COORDINATE_SYSTEMS = [
    (CoordinateSystem.GCJ02.value, _("GCJ-02 (AMap, Tencent and most Chinese map pickers)")),
    (CoordinateSystem.WGS84.value, _("WGS-84 (GPS, satellite navigation)")),
    (CoordinateSystem.BD09.value, _("BD-09 (Baidu Maps)")),
]
# What a role usually registers: inspectors their patrols, departments their self-checks.
DEFAULT_ORIGIN = {Role.INSPECTOR: Origin.PATROL, Role.DEPARTMENT_OFFICER: Origin.SELF_CHECK}
TICKET_ALIASES = {"tickets.kind": "ticket_kind", "tickets.upstream_id": "ticket_upstream_id",
                  "file": "files"}


class ProblemForm(AccessibleForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=text_area(5))
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    category = forms.ModelChoiceField(label=_("Category"), required=False, empty_label="—",
                                      queryset=Category.objects.all(), widget=CategorySelect)
    origin = forms.ChoiceField(label=_("Origin"), choices=Origin.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices,
                                 initial=Severity.GENERAL)
    region = RegionChoiceField(label=_("Region"), queryset=Region.objects.none(),
                               empty_label=_("Choose the region"))
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    latitude = forms.FloatField(label=_("Latitude"), required=False,
                                widget=forms.NumberInput(attrs={"step": "any"}))
    longitude = forms.FloatField(label=_("Longitude"), required=False,
                                 widget=forms.NumberInput(attrs={"step": "any"}))
    coordinate_system = forms.ChoiceField(
        label=_("Coordinate system"), choices=COORDINATE_SYSTEMS,
        initial=CoordinateSystem.GCJ02.value,
        help_text=_("Amap (高德) and Tencent maps give GCJ-02, Baidu maps BD-09, a GPS device "
                    "or a photo's position WGS-84. Stored as WGS-84; others are converted."),
    )
    water_body = forms.ModelChoiceField(label=_("Water body"), required=False, empty_label="—",
                                        queryset=WaterBody.objects.all())
    source = forms.ModelChoiceField(label=_("Pollution source"), required=False,
                                    empty_label="—", queryset=PollutionSource.objects.none())
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), required=False, empty_label="—",
                                        queryset=Enterprise.objects.none())
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=60,
                                         required=False)
    confidential = forms.BooleanField(label=_("Confidential (never disclosed to the public)"),
                                      required=False)
    ticket_kind = forms.ChoiceField(label=_("Source ticket kind"), required=False,
                                    choices=[("", "—"), *TicketKind.choices])
    ticket_upstream_id = forms.CharField(label=_("Source ticket number"), max_length=64,
                                         required=False)
    files = MultipleFileField(label=_("Evidence files"), required=False,
                              help_text=_("Photos (JPEG, PNG, WebP), PDF, MP4, DOCX or XLSX."))
    stage = forms.ChoiceField(label=_("Evidence stage"), choices=UPLOAD_STAGES,
                              initial=EvidenceStage.BEFORE)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].queryset = regions_for(user)
        self.fields["source"].queryset = PollutionSource.objects.visible_to(user).order_by(
            "code")
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).order_by("name")
        self.initial.setdefault("origin", DEFAULT_ORIGIN.get(user.role, Origin.INSPECTION))

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        kind, number = data.pop("ticket_kind"), data.pop("ticket_upstream_id")
        data.pop("files", None)
        data.pop("stage", None)
        data["tickets"] = [TicketInput(kind=kind, upstream_id=number)] if kind else []
        return data


class ProblemEditForm(ProblemForm):
    """The facts of a problem that may still change (not its origin or its tickets)."""

    def __init__(self, *args: Any, problem: Problem, **kwargs: Any) -> None:
        initial = {name: getattr(problem, name) for name in (
            "title", "description", "domain", "severity", "address", "latitude", "longitude",
            "responsible_person", "confidential")}
        initial |= {"category": problem.category_id, "region": problem.region_id,
                    "water_body": problem.water_body_id, "source": problem.source_id,
                    "enterprise": problem.enterprise_id,
                    "coordinate_system": CoordinateSystem.WGS84.value}
        super().__init__(*args, initial=initial, **kwargs)
        for name in ("origin", "ticket_kind", "ticket_upstream_id", "files", "stage"):
            del self.fields[name]

    def changes(self) -> dict[str, Any]:
        """Only what the user changed; a moved point is sent with its coordinate system."""
        changed = set(self.changed_data)
        if changed & {"latitude", "longitude", "coordinate_system"}:
            changed |= {"latitude", "longitude", "coordinate_system"}
        return {name: self.cleaned_data[name] for name in changed}

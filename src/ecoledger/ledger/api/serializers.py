"""Serializers of the ledger API: output shapes, and input shapes that services take."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ecoledger.audit.models import Event
from ecoledger.ledger import workflow
from ecoledger.ledger.choices import (
    UPLOAD_STAGES,
    AcceptanceMethod,
    ArbitrationDecision,
    LinkKind,
    TicketKind,
    UnitRole,
)
from ecoledger.ledger.models import (
    Acceptance,
    Category,
    Contest,
    DeadlineExtension,
    Evidence,
    Measure,
    Problem,
    ProblemUnit,
    ProgressReport,
    RectificationPlan,
    SourceTicket,
)
from ecoledger.ledger.services import MeasureInput, TicketInput, UnitAssignment
from ecoledger.lib import clock
from ecoledger.lib.geo import CoordinateSystem
from ecoledger.org.models import Department, Enterprise, PollutionSource, Region, WaterBody


class UnitRefField(serializers.Field):
    """A unit given as ``{"kind": "region" | "department", "id": 12}``."""

    default_error_messages = {
        "shape": _('Give a unit as {{"kind": "region" or "department", "id": number}}.'),
        "missing": _("There is no {kind} with id {id}."),
    }

    def to_internal_value(self, data: Any) -> Region | Department:
        if not isinstance(data, dict) or data.get("kind") not in ("region", "department"):
            self.fail("shape")
        model = Region if data["kind"] == "region" else Department
        try:
            return model.objects.get(pk=int(data.get("id")))
        except (TypeError, ValueError, model.DoesNotExist):
            self.fail("missing", kind=data["kind"], id=data.get("id"))
        raise AssertionError  # unreachable: fail() raises

    def to_representation(self, value: Region | Department) -> dict[str, Any]:
        kind = "region" if isinstance(value, Region) else "department"
        return {"kind": kind, "id": value.pk, "name": str(value)}


class UnitSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField()
    unit_id = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = ProblemUnit
        fields = ["role", "role_display", "kind", "unit_id", "name"]

    def get_kind(self, unit: ProblemUnit) -> str:
        return "region" if unit.region_id else "department"

    def get_unit_id(self, unit: ProblemUnit) -> int:
        return unit.region_id or unit.department_id  # type: ignore[return-value]

    def get_name(self, unit: ProblemUnit) -> str:
        return str(unit.unit)


class TicketSerializer(serializers.ModelSerializer):
    class Meta:
        model = SourceTicket
        fields = [
            "id", "kind", "upstream_id", "channel", "received_at", "reply_deadline",
            "replied_at", "reply",
        ]
        read_only_fields = ["replied_at", "reply"]


class MeasureSerializer(serializers.ModelSerializer):
    done = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = ["id", "position", "description", "owner", "due_on", "done", "done_at"]

    def get_done(self, measure: Measure) -> bool:
        return measure.done_at is not None


class PlanSerializer(serializers.ModelSerializer):
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta:
        model = RectificationPlan
        fields = ["id", "goal", "summary", "updated_at", "measures"]


class ProgressSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = ProgressReport
        fields = ["id", "author", "text", "created_at"]


class EvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    uploaded_by = serializers.StringRelatedField()

    class Meta:
        model = Evidence
        fields = [
            "id", "stage", "original_name", "content_type", "size", "sha256", "description",
            "uploaded_by", "uploaded_at", "taken_at", "photo_latitude", "photo_longitude",
            "camera", "width", "height", "progress_report", "download_url",
        ]

    def get_download_url(self, evidence: Evidence) -> str:
        return reverse("evidence-download", args=[evidence.pk])


class AcceptanceSerializer(serializers.ModelSerializer):
    submitted_by = serializers.StringRelatedField()
    reviewer = serializers.StringRelatedField()

    class Meta:
        model = Acceptance
        fields = [
            "id", "submitted_by", "submitted_at", "submission", "reviewer", "reviewed_at",
            "passed", "method", "opinion",
        ]


class ContestSerializer(serializers.ModelSerializer):
    contested_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = Contest
        fields = [
            "id", "unit", "contested_by", "reason", "contested_at", "decided_by", "decided_at",
            "decision", "decision_reason",
        ]


class ExtensionSerializer(serializers.ModelSerializer):
    requested_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = DeadlineExtension
        fields = [
            "id", "requested_by", "requested_at", "previous_deadline", "requested_deadline",
            "reason", "status", "decided_by", "decided_at", "decision_note",
        ]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = [
            "seq", "occurred_at", "actor_name", "action", "target_type", "target_id",
            "target_repr", "changes", "message", "hash",
        ]


class ProblemListSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    district_name = serializers.CharField(source="district.name", read_only=True, default="")
    category_name = serializers.CharField(source="category.name", read_only=True, default="")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    lead_unit = serializers.SerializerMethodField()
    traffic_light = serializers.SerializerMethodField()
    overdue_days = serializers.SerializerMethodField()

    class Meta:
        model = Problem
        fields = [
            "code", "title", "domain", "category", "category_name", "origin", "severity",
            "status", "status_display", "region", "region_name", "district", "district_name",
            "lead_unit", "deadline", "traffic_light", "overdue_days", "reported_at",
            "closed_at", "rebound_count", "latitude", "longitude",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_lead_unit(self, problem: Problem) -> str | None:
        lead = next((u for u in problem.units.all() if u.role == UnitRole.LEAD), None)
        return str(lead.unit) if lead else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_traffic_light(self, problem: Problem) -> str | None:
        return problem.traffic_light(clock.today())

    def get_overdue_days(self, problem: Problem) -> int:
        return problem.overdue_days(clock.today())


class ProblemDetailSerializer(ProblemListSerializer):
    units = UnitSerializer(many=True, read_only=True)
    tickets = TicketSerializer(many=True, read_only=True)
    plan = serializers.SerializerMethodField()
    progress_reports = ProgressSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    acceptances = AcceptanceSerializer(many=True, read_only=True)
    contests = ContestSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    related = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    contest_window_ends_on = serializers.DateField(read_only=True)
    arbitration_due_on = serializers.DateField(read_only=True)

    class Meta(ProblemListSerializer.Meta):
        fields = [
            *ProblemListSerializer.Meta.fields,
            "description", "address", "water_body", "source", "enterprise",
            "responsible_person", "confidential", "assigned_at", "started_on", "submitted_at",
            "measures_total", "measures_done", "schedule_due_on", "contest_window_ends_on",
            "arbitration_due_on", "units", "tickets", "plan", "progress_reports", "evidence",
            "acceptances", "contests", "extensions", "related", "available_actions",
        ]

    @extend_schema_field(PlanSerializer(allow_null=True))
    def get_plan(self, problem: Problem) -> dict[str, Any] | None:
        plan = RectificationPlan.objects.filter(problem=problem).first()
        return PlanSerializer(plan).data if plan else None

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_related(self, problem: Problem) -> list[dict[str, Any]]:
        from ecoledger.ledger.services import related_problems

        pairs = related_problems(problem)
        visible = Problem.objects.visible_to(self.context["request"].user)
        codes = dict(visible.filter(pk__in=[pk for _, pk in pairs]).values_list("pk", "code"))
        return [
            {"code": codes[pk], "kind": link.kind, "note": link.note}
            for link, pk in pairs
            if pk in codes
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, problem: Problem) -> list[str]:
        return [str(a) for a in workflow.available_actions(problem, self.context["request"].user)]


def _scoped(queryset: Any, context: dict[str, Any]) -> Any:
    request = context.get("request")
    return queryset.visible_to(request.user) if request else queryset.none()


class TicketInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TicketKind.choices)
    upstream_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    channel = serializers.CharField(max_length=100, required=False, allow_blank=True)
    received_at = serializers.DateTimeField(required=False)
    reply_deadline = serializers.DateField(required=False, allow_null=True)

    def to_ticket(self) -> TicketInput:
        return TicketInput(**self.validated_data)


class ProblemCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    domain = serializers.CharField()
    origin = serializers.CharField()
    severity = serializers.CharField(required=False)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)
    coordinate_system = serializers.ChoiceField(
        choices=[c.value for c in CoordinateSystem], default=CoordinateSystem.WGS84
    )
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    water_body = serializers.PrimaryKeyRelatedField(
        queryset=WaterBody.objects.all(), required=False, allow_null=True
    )
    source = serializers.PrimaryKeyRelatedField(
        queryset=PollutionSource.objects.none(), required=False, allow_null=True
    )
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.none(), required=False, allow_null=True
    )
    responsible_person = serializers.CharField(max_length=60, required=False, allow_blank=True)
    confidential = serializers.BooleanField(required=False)
    tickets = TicketInputSerializer(many=True, required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["source"].queryset = _scoped(PollutionSource.objects.all(), self.context)
        fields["enterprise"].queryset = _scoped(Enterprise.objects.all(), self.context)
        return fields

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["tickets"] = [TicketInput(**t) for t in data.pop("tickets", [])]
        return data


class ProblemUpdateSerializer(ProblemCreateSerializer):
    """Every fact optional: only what is sent changes."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields.pop("tickets")
        fields.pop("origin")
        for field in fields.values():
            field.required = False
        fields["coordinate_system"].default = serializers.empty
        return fields


class UnitsInputMixin(serializers.Serializer):
    lead_unit = UnitRefField(required=False)
    responsible_units = serializers.ListField(child=UnitRefField(), required=False)
    cooperating_units = serializers.ListField(child=UnitRefField(), required=False)

    def units(self) -> UnitAssignment | None:
        data = self.validated_data
        if not data.get("lead_unit"):
            return None
        return UnitAssignment(
            lead=data["lead_unit"],
            responsible=data.get("responsible_units", []),
            cooperating=data.get("cooperating_units", []),
        )


class VerifyInputSerializer(UnitsInputMixin):
    deadline = serializers.DateField(required=False)
    severity = serializers.CharField(required=False)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    responsible_person = serializers.CharField(max_length=60, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ArbitrateInputSerializer(UnitsInputMixin):
    decision = serializers.ChoiceField(choices=ArbitrationDecision.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False)


class EmptyInputSerializer(serializers.Serializer):
    pass


class MeasureInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    description = serializers.CharField()
    owner = serializers.CharField(max_length=100)
    due_on = serializers.DateField()
    done = serializers.BooleanField(default=False)


class PlanInputSerializer(serializers.Serializer):
    goal = serializers.CharField(required=False, allow_blank=True, default="")
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    measures = MeasureInputSerializer(many=True, required=False, default=list)

    def measure_inputs(self) -> list[MeasureInput]:
        return [MeasureInput(**m) for m in self.validated_data["measures"]]


class MeasureDoneInputSerializer(serializers.Serializer):
    done = serializers.BooleanField(default=True)


class ProgressInputSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")


class EvidenceInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    stage = serializers.ChoiceField(choices=UPLOAD_STAGES)
    description = serializers.CharField(max_length=255, required=False, allow_blank=True)
    progress_report = serializers.IntegerField(required=False, allow_null=True)


class SubmitInputSerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class RejectInputSerializer(ReasonInputSerializer):
    deadline = serializers.DateField(required=False)


class AcceptInputSerializer(serializers.Serializer):
    opinion = serializers.CharField(required=False, allow_blank=True, default="")
    method = serializers.ChoiceField(
        choices=AcceptanceMethod.choices, default=AcceptanceMethod.ON_SITE
    )


class ReasonDeadlineInputSerializer(ReasonInputSerializer):
    deadline = serializers.DateField()


class DecideExtensionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class LinkInputSerializer(serializers.Serializer):
    other = serializers.CharField(help_text=_("Code of the related problem."))
    kind = serializers.ChoiceField(choices=LinkKind.choices)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

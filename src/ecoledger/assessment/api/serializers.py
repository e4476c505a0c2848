"""Serializers of the assessment API: output shapes, and input shapes that services take."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ecoledger.assessment.catalogue import CATALOGUE
from ecoledger.assessment.choices import AppliesTo, ExemptionGround, UnitKind, WhenMissing
from ecoledger.assessment.explain import explanation
from ecoledger.assessment.models import (
    Appeal,
    Exemption,
    Publication,
    Scheme,
    SchemeIndicator,
    SchemeVersion,
)
from ecoledger.assessment.services import IndicatorInput
from ecoledger.intake.models import Complaint
from ecoledger.ledger.models import Problem
from ecoledger.org.choices import RegionLevel
from ecoledger.org.models import Department, Region


@extend_schema_field({"type": "object", "properties": {
    "kind": {"type": "string", "enum": UnitKind.values}, "id": {"type": "integer"},
    "name": {"type": "string", "readOnly": True}}})
class AssessedUnitField(serializers.Field):
    """A unit given as ``{"kind": "district" | "department", "id": 12}``."""

    default_error_messages = {
        "shape": _('Give a unit as {{"kind": "district" or "department", "id": number}}.'),
        "missing": _("There is no {kind} with id {id}."),
    }

    def to_internal_value(self, data: Any) -> Region | Department:
        if not isinstance(data, dict) or data.get("kind") not in UnitKind.values:
            self.fail("shape")
        if data["kind"] == UnitKind.DISTRICT:
            queryset = Region.objects.filter(level=RegionLevel.DISTRICT)
        else:
            queryset = Department.objects.all()
        try:
            return queryset.get(pk=int(data.get("id")))
        except (TypeError, ValueError, Region.DoesNotExist, Department.DoesNotExist):
            self.fail("missing", kind=data["kind"], id=data.get("id"))
        raise AssertionError  # unreachable: fail() raises

    def to_representation(self, value: Region | Department) -> dict[str, Any]:
        kind = UnitKind.DEPARTMENT if isinstance(value, Department) else UnitKind.DISTRICT
        return {"kind": kind.value, "id": value.pk, "name": str(value)}


class CatalogueEntrySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    unit = serializers.CharField()
    kinds = serializers.ListField(child=serializers.CharField())
    item = serializers.CharField(allow_null=True)
    default_weight = serializers.IntegerField()
    default_rule = serializers.DictField()


class IndicatorSerializer(serializers.ModelSerializer):
    """An indicator of a version; on input the same fields, less the catalogue's words."""

    name = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    applies_to = serializers.ChoiceField(choices=AppliesTo.choices, default=AppliesTo.BOTH)
    when_missing = serializers.ChoiceField(choices=WhenMissing.choices,
                                           default=WhenMissing.EXCLUDE)
    rule = serializers.JSONField()

    class Meta:
        model = SchemeIndicator
        fields = ["position", "code", "name", "description", "weight", "applies_to", "rule",
                  "when_missing"]
        read_only_fields = ["position"]

    def get_name(self, row: SchemeIndicator) -> str:
        return str(CATALOGUE[row.code].name)

    def get_description(self, row: SchemeIndicator) -> str:
        return str(CATALOGUE[row.code].description)


def indicator_inputs(rows: list[dict[str, Any]]) -> list[IndicatorInput]:
    return [IndicatorInput(row["code"], row["weight"], row["rule"], row["applies_to"],
                           row["when_missing"]) for row in rows]


class VersionSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="scheme.year", read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)
    created_by = serializers.StringRelatedField()
    adopted_by = serializers.StringRelatedField()

    class Meta:
        model = SchemeVersion
        fields = ["id", "year", "scheme", "number", "status", "note", "based_on", "created_by",
                  "created_at", "adopted_by", "adopted_at", "indicators"]


class VersionCreateSerializer(serializers.Serializer):
    scheme = serializers.PrimaryKeyRelatedField(queryset=Scheme.objects.all())
    based_on = serializers.PrimaryKeyRelatedField(queryset=SchemeVersion.objects.all(),
                                                  required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class VersionUpdateSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)
    indicators = IndicatorSerializer(many=True, required=False)


class SchemeSerializer(serializers.ModelSerializer):
    versions = serializers.SerializerMethodField()
    created_by = serializers.StringRelatedField()

    class Meta:
        model = Scheme
        fields = ["id", "year", "name", "created_by", "created_at", "versions"]

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_versions(self, scheme: Scheme) -> list[dict[str, Any]]:
        visible = self.context["versions"]
        return [{"id": v.pk, "number": v.number, "status": v.status}
                for v in visible if v.scheme_id == scheme.pk]


class SchemeCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    name = serializers.CharField()
    indicators = IndicatorSerializer(many=True, required=False)


class OutcomeIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    adjustment = serializers.DecimalField(max_digits=6, decimal_places=2)
    weighted_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    explanation = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()
    exemptions = serializers.ListField(child=serializers.IntegerField())
    appeals = serializers.ListField(child=serializers.IntegerField())

    def get_explanation(self, outcome: Any) -> str:
        return explanation(outcome)

    @extend_schema_field({"type": "object"})
    def get_figures(self, outcome: Any) -> dict[str, Any]:
        return outcome.details["figures"]


class OutcomeUnitSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    name = serializers.CharField()
    total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    ranked_among = serializers.IntegerField()
    indicators = OutcomeIndicatorSerializer(many=True)


class PreviewSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="period.year")
    period_start = serializers.DateField(source="period.start")
    period_end = serializers.DateField(source="period.end")
    inputs_sha256 = serializers.CharField()
    districts = serializers.SerializerMethodField()
    departments = serializers.SerializerMethodField()

    @extend_schema_field(OutcomeUnitSerializer(many=True))
    def get_districts(self, computation: Any) -> list[dict[str, Any]]:
        return OutcomeUnitSerializer(computation.ranking(UnitKind.DISTRICT), many=True).data

    @extend_schema_field(OutcomeUnitSerializer(many=True))
    def get_departments(self, computation: Any) -> list[dict[str, Any]]:
        return OutcomeUnitSerializer(computation.ranking(UnitKind.DEPARTMENT), many=True).data


class PublishInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PublicationSerializer(serializers.ModelSerializer):
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    published_by = serializers.StringRelatedField()

    class Meta:
        model = Publication
        fields = ["id", "year", "number", "version", "version_number", "period_start",
                  "period_end", "inputs_sha256", "note", "published_by", "published_at"]


class PublicationCheckSerializer(serializers.Serializer):
    publication = serializers.IntegerField(source="publication.pk")
    published_sha256 = serializers.CharField()
    current_sha256 = serializers.CharField()
    inputs_changed = serializers.BooleanField()


class ExemptionSerializer(serializers.ModelSerializer):
    unit = AssessedUnitField(read_only=True)
    problem = serializers.CharField(source="problem.code", allow_null=True, read_only=True)
    complaint = serializers.CharField(source="complaint.tracking_code", allow_null=True,
                                      read_only=True)
    recorded_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = Exemption
        fields = ["id", "year", "unit", "indicator_code", "problem", "complaint", "ground",
                  "reason", "status", "decision_note", "recorded_by", "recorded_at",
                  "decided_by", "decided_at"]


class ExemptionCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    unit = AssessedUnitField()
    ground = serializers.ChoiceField(choices=ExemptionGround.choices)
    reason = serializers.CharField()
    indicator_code = serializers.CharField(required=False, allow_blank=True, default="")
    problem = serializers.SlugRelatedField(slug_field="code", queryset=Problem.objects.all(),
                                           required=False, allow_null=True, default=None)
    complaint = serializers.SlugRelatedField(
        slug_field="tracking_code", queryset=Complaint.objects.all(), required=False,
        allow_null=True, default=None)


class ExemptionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AppealSerializer(serializers.ModelSerializer):
    unit = AssessedUnitField(read_only=True)
    filed_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = Appeal
        fields = ["id", "year", "unit", "indicator_code", "publication", "version", "reason",
                  "status", "adjustment", "decision_note", "filed_by", "filed_at",
                  "decided_by", "decided_at"]


class AppealCreateSerializer(serializers.Serializer):
    unit = AssessedUnitField()
    indicator_code = serializers.CharField()
    reason = serializers.CharField()
    publication = serializers.PrimaryKeyRelatedField(
        queryset=Publication.objects.all(), required=False, allow_null=True, default=None)
    version = serializers.PrimaryKeyRelatedField(
        queryset=SchemeVersion.objects.all(), required=False, allow_null=True, default=None)


class AppealDecisionSerializer(serializers.Serializer):
    uphold = serializers.BooleanField()
    adjustment = serializers.DecimalField(max_digits=6, decimal_places=2, required=False,
                                          allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")

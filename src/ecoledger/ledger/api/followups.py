"""API of follow-ups and suspected rebounds: scoped lists, and the services behind each action."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from ecoledger.ledger import services
from ecoledger.ledger.choices import FollowUpFinding, FollowUpStatus, SuspicionStatus
from ecoledger.ledger.filters import chosen_status
from ecoledger.ledger.models import FollowUp, SuspectedRebound
from ecoledger.ledger.services.followups import check_may_assign, check_may_record
from ecoledger.ledger.services.rebounds import check_may_decide, describe
from ecoledger.lib import clock
from ecoledger.org.choices import Role
from ecoledger.org.models import User


class FollowUpSerializer(serializers.ModelSerializer):
    problem = serializers.CharField(source="problem.code", read_only=True)
    problem_title = serializers.CharField(source="problem.title", read_only=True)
    inspector = serializers.StringRelatedField()
    due = serializers.SerializerMethodField()
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = FollowUp
        fields = ["id", "problem", "problem_title", "round", "offset_days", "due_on", "due",
                  "risk", "sampled", "inspector", "status", "note", "scheduled_at",
                  "recorded_at", "evidence"]

    def get_due(self, followup: FollowUp) -> bool:
        return followup.is_due(clock.today())


class FollowUpRecordInputSerializer(serializers.Serializer):
    finding = serializers.ChoiceField(choices=FollowUpFinding.choices)
    note = serializers.CharField(allow_blank=True, required=False, default="")
    files = serializers.ListField(child=serializers.FileField(), allow_empty=True,
                                  required=False, default=list)


class FollowUpAssignInputSerializer(serializers.Serializer):
    inspector = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.INSPECTOR),
        error_messages={"does_not_exist": _("There is no inspector with id {pk_value}.")},
    )


class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Follow-ups (回头看) in the user's scope; ``?status=pending&due=1`` for what is due now."""

    serializer_class = FollowUpSerializer

    def get_queryset(self) -> QuerySet[FollowUp]:
        queryset = (FollowUp.objects.visible_to(self.request.user)
                    .select_related("problem", "inspector").prefetch_related("evidence"))
        status = chosen_status(self.request.query_params.get("status"), FollowUpStatus)
        if status:
            queryset = queryset.filter(status=status)
        if self.request.query_params.get("due") in ("1", "true"):
            queryset = queryset.due(clock.today())
        return queryset

    @extend_schema(request=FollowUpRecordInputSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str | None = None) -> Response:
        """Record the finding, with photos (multipart, ``files`` repeated); rebound reopens."""
        followup = self.get_object()
        check_may_record(followup, request.user)
        data = FollowUpRecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_followup(
            followup, acting_user=request.user, finding=data.validated_data["finding"],
            note=data.validated_data["note"],
            photos=[(upload, upload.name) for upload in data.validated_data["files"]],
        )
        return Response(FollowUpSerializer(self.get_queryset().get(pk=followup.pk)).data)

    @extend_schema(request=FollowUpAssignInputSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Give the check to another inspector (supervisors)."""
        followup = self.get_object()
        check_may_assign(request.user)
        data = FollowUpAssignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assign_followup(followup, acting_user=request.user,
                                 inspector=data.validated_data["inspector"])
        return Response(FollowUpSerializer(self.get_queryset().get(pk=followup.pk)).data)


class SuspectedReboundSerializer(serializers.ModelSerializer):
    problem = serializers.CharField(source="problem.code", read_only=True)
    problem_title = serializers.CharField(source="problem.title", read_only=True)
    reason = serializers.SerializerMethodField()
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = SuspectedRebound
        fields = ["id", "problem", "problem_title", "kind", "signal_id", "signal_label",
                  "signal_at", "distance_m", "same_source", "reason", "detected_at", "status",
                  "decided_by", "decided_at", "decision_reason"]

    def get_reason(self, suspicion: SuspectedRebound) -> str:
        return describe(suspicion)


class ConfirmInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    deadline = serializers.DateField()


class DismissInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class SuspectedReboundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              viewsets.GenericViewSet):
    """Closed problems that news suggests came back, for a supervisor to confirm or dismiss."""

    serializer_class = SuspectedReboundSerializer

    def get_queryset(self) -> QuerySet[SuspectedRebound]:
        queryset = SuspectedRebound.objects.visible_to(self.request.user).select_related(
            "problem", "decided_by")
        status = chosen_status(self.request.query_params.get("status"), SuspicionStatus)
        if status:
            queryset = queryset.filter(status=status)
        return queryset

    def _decide(self, request: Request, input_class: type[serializers.Serializer],
                call: Any) -> Response:
        suspicion = self.get_object()
        check_may_decide(request.user)
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        call(suspicion, acting_user=request.user, **data.validated_data)
        fresh = self.get_queryset().get(pk=suspicion.pk)
        return Response(SuspectedReboundSerializer(fresh).data)

    @extend_schema(request=ConfirmInputSerializer, responses=SuspectedReboundSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """It came back: reopen the problem (the workflow's rebound action)."""
        return self._decide(request, ConfirmInputSerializer, services.confirm_suspicion)

    @extend_schema(request=DismissInputSerializer, responses=SuspectedReboundSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        """Not a rebound, with the reason."""
        return self._decide(request, DismissInputSerializer, services.dismiss_suspicion)

"""API of exemptions and appeals: listed in the user's scope; recorded and decided by the office."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from ecoledger.assessment import services
from ecoledger.assessment.api import serializers as s
from ecoledger.assessment.models import Appeal, Exemption
from ecoledger.assessment.services.checks import check_may_manage


class _Scoped(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Supervisors and leaders see all records, an officer those about their unit.

    ``?year=`` and ``?status=`` narrow the list.
    """

    def filtered(self, records: QuerySet) -> QuerySet:
        params = self.request.query_params
        year, status_ = params.get("year", ""), params.get("status", "")
        if year.isdigit():
            records = records.filter(year=int(year))
        if status_:
            records = records.filter(status=status_)
        return records


class ExemptionViewSet(_Scoped):
    serializer_class = s.ExemptionSerializer

    def get_queryset(self) -> QuerySet[Exemption]:
        return self.filtered(Exemption.objects.visible_to(self.request.user).select_related(
            "district", "department", "problem", "complaint", "recorded_by", "decided_by"))

    @extend_schema(request=s.ExemptionCreateSerializer, responses={201: s.ExemptionSerializer})
    def create(self, request: Request) -> Response:
        """Record an exemption request (force majeure, an unreasonable complaint): pending."""
        check_may_manage(request.user)
        data = s.ExemptionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exemption = services.record_exemption(acting_user=request.user, **data.validated_data)
        return Response(s.ExemptionSerializer(exemption).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ExemptionDecisionSerializer, responses=s.ExemptionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Approve or refuse, once."""
        exemption = self.get_object()
        check_may_manage(request.user)
        data = s.ExemptionDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.decide_exemption(exemption, acting_user=request.user, **data.validated_data)
        return Response(s.ExemptionSerializer(self.get_queryset().get(pk=exemption.pk)).data)


class AppealViewSet(_Scoped):
    serializer_class = s.AppealSerializer

    def get_queryset(self) -> QuerySet[Appeal]:
        return self.filtered(Appeal.objects.visible_to(self.request.user).select_related(
            "district", "department", "filed_by", "decided_by"))

    @extend_schema(request=s.AppealCreateSerializer, responses={201: s.AppealSerializer})
    def create(self, request: Request) -> Response:
        """Record a unit's appeal against a published or a draft result: pending."""
        check_may_manage(request.user)
        data = s.AppealCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = services.file_appeal(acting_user=request.user, **data.validated_data)
        return Response(s.AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AppealDecisionSerializer, responses=s.AppealSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Uphold with the adjustment to the indicator's score, or dismiss; once."""
        appeal = self.get_object()
        check_may_manage(request.user)
        data = s.AppealDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.decide_appeal(appeal, acting_user=request.user, **data.validated_data)
        return Response(s.AppealSerializer(self.get_queryset().get(pk=appeal.pk)).data)

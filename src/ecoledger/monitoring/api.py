"""API for online monitoring: points with latest values, time series, quarantine."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from ecoledger.monitoring import selectors
from ecoledger.monitoring.models import LatestReading, MonitoringPoint, Quarantine


class LatestSerializer(serializers.ModelSerializer):
    parameter = serializers.CharField(source="parameter.code")
    parameter_name = serializers.CharField(source="parameter.__str__")
    unit = serializers.CharField(source="parameter.unit")

    class Meta:
        model = LatestReading
        fields = ["parameter", "parameter_name", "unit", "data_type", "observed_at", "value",
                  "flag", "received_at"]


class PointSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name")
    latest = LatestSerializer(many=True, read_only=True)
    online = serializers.SerializerMethodField()

    class Meta:
        model = MonitoringPoint
        fields = ["id", "mn", "name", "kind", "region", "region_name", "source", "water_body",
                  "latitude", "longitude", "expected_interval", "target_class", "active",
                  "online", "latest"]

    def get_online(self, point: MonitoringPoint) -> bool:
        return selectors.is_online(point)


class QuarantineSerializer(serializers.ModelSerializer):
    raw = serializers.SerializerMethodField()

    class Meta:
        model = Quarantine
        fields = ["id", "received_at", "transport", "peer", "mn", "point", "reason", "detail",
                  "raw"]

    def get_raw(self, row: Quarantine) -> str:
        """The bytes as received; undecodable bytes shown as \\xNN."""
        return bytes(row.raw).decode("utf-8", errors="backslashreplace")


class PointViewSet(viewsets.ReadOnlyModelViewSet):
    """Monitoring points in the user's scope, each with its newest values."""

    serializer_class = PointSerializer
    filterset_fields = ["kind", "region", "active"]
    ordering_fields = ["name", "mn"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[MonitoringPoint]:
        return selectors.points_with_latest(self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("parameter", OpenApiTypes.STR, description="factor code, e.g. a34004"),
            OpenApiParameter("data_type", OpenApiTypes.STR, description="rtd, min, hour or day"),
            OpenApiParameter("from", OpenApiTypes.DATETIME),
            OpenApiParameter("to", OpenApiTypes.DATETIME),
            OpenApiParameter("aggregate", OpenApiTypes.STR, description="raw, hour or day"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"])
    def readings(self, request: Request, pk: str | None = None) -> Response:
        """One parameter's values over a period, raw or averaged per hour or day."""
        point = self.get_object()
        query = selectors.series_query(request.query_params.dict())
        return Response({
            "point": point.pk, "parameter": query.parameter.code, "unit": query.parameter.unit,
            "data_type": query.data_type, "aggregate": query.aggregate,
            "from": query.start, "to": query.end, "values": selectors.series(point, query),
        })


class QuarantineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Data that could not be taken, with the reason and the bytes as received."""

    serializer_class = QuarantineSerializer
    filterset_fields = ["reason", "transport", "point", "mn"]
    ordering = ["-received_at"]

    def get_queryset(self) -> QuerySet[Quarantine]:
        return Quarantine.objects.visible_to(self.request.user)


def register(router: DefaultRouter) -> None:
    router.register("points", PointViewSet, basename="point")
    router.register("quarantine", QuarantineViewSet, basename="quarantine")




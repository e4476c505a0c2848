"""API for the organisation: master data read through each user's scope, and who am I."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from ecoledger.org.models import Department, Enterprise, PollutionSource, Region, User, WaterBody


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "district", "latitude", "longitude"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "short_name", "region"]


class WaterBodySerializer(serializers.ModelSerializer):
    class Meta:
        model = WaterBody
        fields = ["id", "name", "kind", "basin"]


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = [
            "id", "name", "credit_code", "region", "industry", "address", "latitude",
            "longitude", "permit_number",
        ]


class PollutionSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = PollutionSource
        fields = [
            "id", "code", "name", "kind", "enterprise", "region", "water_body", "address",
            "latitude", "longitude",
        ]


class UserSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    unit = serializers.CharField(source="unit_label", read_only=True)

    class Meta:
        model = User
        fields = [
            "id", "username", "full_name", "role", "role_display", "region", "department",
            "enterprise", "unit",
        ]


class MasterDataViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only master data; maintained in the admin, read by every signed-in user."""

    ordering_fields = ["id", "name"]

    def get_queryset(self) -> QuerySet[Any]:
        model = self.get_serializer_class().Meta.model
        queryset = model.objects.all()
        if hasattr(queryset, "visible_to"):
            return queryset.visible_to(self.request.user)
        return queryset


class RegionViewSet(MasterDataViewSet):
    serializer_class = RegionSerializer
    filterset_fields = ["level", "parent", "district"]


class DepartmentViewSet(MasterDataViewSet):
    serializer_class = DepartmentSerializer


class WaterBodyViewSet(MasterDataViewSet):
    serializer_class = WaterBodySerializer
    filterset_fields = ["kind", "basin"]


class EnterpriseViewSet(MasterDataViewSet):
    serializer_class = EnterpriseSerializer
    filterset_fields = ["region", "credit_code"]


class PollutionSourceViewSet(MasterDataViewSet):
    serializer_class = PollutionSourceSerializer
    filterset_fields = ["kind", "enterprise", "region", "water_body"]

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().select_related("enterprise")


class MeView(APIView):
    @extend_schema(responses=UserSerializer)
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (``Authorization: Token …``)."""

    permission_classes = ()


def register(router: DefaultRouter) -> None:
    router.register("regions", RegionViewSet, basename="region")
    router.register("departments", DepartmentViewSet, basename="department")
    router.register("water-bodies", WaterBodyViewSet, basename="water-body")
    router.register("enterprises", EnterpriseViewSet, basename="enterprise")
    router.register("sources", PollutionSourceViewSet, basename="source")

"""API of schemes, versions and publications. Thin: check the role, validate, call the service."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from ecoledger.assessment import services
from ecoledger.assessment.access import may_read_ranking
from ecoledger.assessment.api import serializers as s
from ecoledger.assessment.models import Publication, Scheme, SchemeIndicator, SchemeVersion
from ecoledger.assessment.services.checks import check_may_manage, check_may_preview


class SchemeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A scheme per year; each lists the versions the user may read (drafts: the office)."""

    serializer_class = s.SchemeSerializer

    def get_queryset(self) -> QuerySet[Scheme]:
        schemes = Scheme.objects.select_related("created_by")
        return schemes if may_read_ranking(self.request.user) else schemes.none()

    def get_serializer_context(self) -> dict[str, Any]:
        versions = SchemeVersion.objects.visible_to(self.request.user).order_by("number")
        return {**super().get_serializer_context(), "versions": list(versions)}

    @extend_schema(request=s.SchemeCreateSerializer, responses={201: s.SchemeSerializer})
    def create(self, request: Request) -> Response:
        """Create a year's scheme with its first draft (the catalogue's defaults if no list)."""
        check_may_manage(request.user)
        data = s.SchemeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = data.validated_data.get("indicators")
        scheme = services.create_scheme(
            acting_user=request.user, year=data.validated_data["year"],
            name=data.validated_data["name"],
            indicators=None if rows is None else s.indicator_inputs(rows))
        return Response(self.get_serializer(scheme).data, status=status.HTTP_201_CREATED)


class VersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Scheme versions: a draft is edited, adopted, previewed; the adopted one is published.

    ``?year=2026`` lists one year's versions.
    """

    serializer_class = s.VersionSerializer

    def get_queryset(self) -> QuerySet[SchemeVersion]:
        indicators = SchemeIndicator.objects.order_by("position")
        versions = SchemeVersion.objects.visible_to(self.request.user).select_related(
            "scheme", "created_by", "adopted_by").prefetch_related(
            Prefetch("indicators", queryset=indicators))
        year = self.request.query_params.get("year", "")
        return versions.filter(scheme__year=int(year)) if year.isdigit() else versions

    def _fresh(self, version: SchemeVersion) -> dict[str, Any]:
        return s.VersionSerializer(self.get_queryset().get(pk=version.pk)).data

    @extend_schema(request=s.VersionCreateSerializer, responses={201: s.VersionSerializer})
    def create(self, request: Request) -> Response:
        """A new draft version, a copy of ``based_on`` or of the scheme's latest version."""
        check_may_manage(request.user)
        data = s.VersionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.create_version(
            data.validated_data["scheme"], acting_user=request.user,
            based_on=data.validated_data.get("based_on"), note=data.validated_data["note"])
        return Response(self._fresh(version), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.VersionUpdateSerializer, responses=s.VersionSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Edit a draft: its note, or its whole list of indicators."""
        version = self.get_object()
        check_may_manage(request.user)
        data = s.VersionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = data.validated_data.get("indicators")
        services.update_version(
            version, acting_user=request.user, note=data.validated_data.get("note"),
            indicators=None if rows is None else s.indicator_inputs(rows))
        return Response(self._fresh(version))

    @extend_schema(request=None, responses=s.VersionSerializer)
    @action(detail=True, methods=["post"])
    def adopt(self, request: Request, pk: str | None = None) -> Response:
        """Adopt the draft; the version adopted before it is superseded."""
        version = self.get_object()
        check_may_manage(request.user)
        services.adopt_version(version, acting_user=request.user)
        return Response(self._fresh(version))

    @extend_schema(responses=s.PreviewSerializer)
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        """What-if: the version's results with today's data. Nothing is stored."""
        version = self.get_object()
        check_may_preview(request.user)
        computation = services.preview_results(version, acting_user=request.user)
        return Response(s.PreviewSerializer(computation).data)

    @extend_schema(request=s.PublishInputSerializer, responses={201: s.PublicationSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Compute the adopted version's results and freeze them as the year's publication."""
        version = self.get_object()
        check_may_manage(request.user)
        data = s.PublishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        publication = services.publish_results(version, acting_user=request.user,
                                               note=data.validated_data["note"])
        return Response(s.PublicationSerializer(publication).data, status=status.HTTP_201_CREATED)


class PublicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    """Publications (frozen results), newest first; ``?year=`` for one year."""

    serializer_class = s.PublicationSerializer

    def get_queryset(self) -> QuerySet[Publication]:
        publications = Publication.objects.visible_to(self.request.user).select_related(
            "version", "published_by")
        year = self.request.query_params.get("year", "")
        return publications.filter(year=int(year)) if year.isdigit() else publications

    @extend_schema(responses=s.PublicationCheckSerializer)
    @action(detail=True, methods=["get"])
    def check(self, request: Request, pk: str | None = None) -> Response:
        """Recompute over the publication's period: have the data behind it changed since?"""
        publication = self.get_object()
        result = services.check_publication(publication, acting_user=request.user)
        return Response(s.PublicationCheckSerializer(result).data)

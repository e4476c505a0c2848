"""API of what the assessment says: the catalogue, the ranking, a scorecard, a drill-down.

The year defaults to the latest year with a publication. Scorecards and
drill-downs of a unit other than an officer's own are refused (403), as the
selectors decide.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecoledger.assessment import selectors
from ecoledger.assessment.access import may_read_ranking
from ecoledger.assessment.api.serializers import CatalogueEntrySerializer, PublicationSerializer
from ecoledger.assessment.catalogue import CATALOGUE
from ecoledger.assessment.choices import UnitKind
from ecoledger.assessment.models import SchemeVersion
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput
from ecoledger.lib.pagination import CappedPageNumberPagination

YEAR = OpenApiParameter("year", OpenApiTypes.INT,
                        description="default: the latest year with a publication")
KIND = OpenApiParameter("kind", OpenApiTypes.STR, enum=UnitKind.values,
                        description="district (default) or department")


def _year(request: Request) -> int:
    text = request.query_params.get("year", "")
    if text:
        if not text.isdigit():
            raise InvalidInput.field("year", _("Give the year as a number."))
        return int(text)
    years = selectors.published_years(request.user)
    return years[0] if years else clock.today().year


class CatalogueView(APIView):
    """Every indicator a scheme may use: what it measures, in plain words, and its defaults."""

    @extend_schema(responses=CatalogueEntrySerializer(many=True))
    def get(self, request: Request) -> Response:
        if not may_read_ranking(request.user):
            raise ActionRefused(_("Assessments are read by the office, leaders and the "
                                  "assessed units' officers."), code="refused_role")
        entries = [{"code": e.code, "name": e.name, "description": e.description,
                    "unit": str(e.unit), "kinds": sorted(e.kinds),
                    "item": e.item.value if e.item else None, "default_weight": e.default_weight,
                    "default_rule": e.default_rule} for e in CATALOGUE.values()]
        return Response(CatalogueEntrySerializer(entries, many=True).data)


class RankingRowSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    name = serializers.CharField()
    total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    last_total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    last_rank = serializers.IntegerField(allow_null=True)


class RankingSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    kind = serializers.CharField()
    publication = PublicationSerializer(allow_null=True)
    rows = RankingRowSerializer(many=True)


class ResultsView(APIView):
    """The ranking of the year's standing publication, with each unit's total last year."""

    @extend_schema(parameters=[YEAR, KIND], responses=RankingSerializer)
    def get(self, request: Request) -> Response:
        kind = request.query_params.get("kind", UnitKind.DISTRICT)
        table = selectors.ranking(request.user, year=_year(request), kind=kind)
        return Response(RankingSerializer(table).data)


class ScorecardLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    unit = serializers.CharField()
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    adjustment = serializers.DecimalField(max_digits=6, decimal_places=2)
    weighted_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    explanation = serializers.CharField()
    exemptions = serializers.ListField(child=serializers.IntegerField())
    appeals = serializers.ListField(child=serializers.IntegerField())
    last_value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    last_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class ScorecardSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    kind = serializers.CharField()
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField()
    publication = PublicationSerializer()
    period = serializers.ListField(child=serializers.DateField())
    total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    ranked_among = serializers.IntegerField()
    last_total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    last_rank = serializers.IntegerField(allow_null=True)
    lines = ScorecardLineSerializer(many=True)


class ScorecardView(APIView):
    """One unit's published scorecard: each indicator's value, score, explanation, last year."""

    @extend_schema(parameters=[YEAR], responses=ScorecardSerializer)
    def get(self, request: Request, kind: str, unit_id: int) -> Response:
        card = selectors.scorecard(request.user, year=_year(request), kind=kind, unit_id=unit_id)
        return Response(ScorecardSerializer(card).data)


class RowsPagination(PageNumberPagination):
    """Monitoring drill-downs are lists of at most a year of days: one page by default."""

    page_size = 400
    page_size_query_param = "page_size"
    max_page_size = 400


class DrillDownView(APIView):
    """The rows behind one unit's value on one indicator, paginated.

    ``?version=<id>`` drills into a version's preview instead of the publication
    (supervisors and leaders).
    """

    @extend_schema(parameters=[YEAR, OpenApiParameter("version", OpenApiTypes.INT)],
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, kind: str, unit_id: int, code: str) -> Response:
        version = None
        if request.query_params.get("version", "").isdigit():
            version = get_object_or_404(SchemeVersion.objects.visible_to(request.user),
                                        pk=int(request.query_params["version"]))
        year = version.scheme.year if version else _year(request)
        found = selectors.drilldown(request.user, year=year, kind=kind, unit_id=unit_id,
                                    code=code, version=version)
        rows = found.drilldown.rows
        paginator = (CappedPageNumberPagination() if isinstance(rows, QuerySet)
                     else RowsPagination())
        page = paginator.paginate_queryset(rows, request, view=self)
        published = found.published
        response = paginator.get_paginated_response(page)
        response.data = {
            "code": code, "kind": kind, "unit_id": unit_id, "year": year,
            "period": list(found.period), "row_kind": found.drilldown.row_kind,
            "columns": [{"key": c.key, "label": str(c.label)} for c in found.drilldown.columns],
            "published": None if published is None else {
                "value": published.value, "score": published.score,
                "figures": published.details["figures"]},
            "current": {"value": found.current.value, "figures": found.current.figures},
            "matches_published": found.matches_published,
            **response.data,
        }
        return response

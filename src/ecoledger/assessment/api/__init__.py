"""The assessment's REST API, under /api/v1/assessment/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from ecoledger.assessment.api.decisions import AppealViewSet, ExemptionViewSet
from ecoledger.assessment.api.reads import (
    CatalogueView,
    DrillDownView,
    ResultsView,
    ScorecardView,
)
from ecoledger.assessment.api.schemes import PublicationViewSet, SchemeViewSet, VersionViewSet


def register(router: DefaultRouter) -> None:
    router.register("assessment/schemes", SchemeViewSet, basename="assessment-scheme")
    router.register("assessment/versions", VersionViewSet, basename="assessment-version")
    router.register("assessment/publications", PublicationViewSet,
                    basename="assessment-publication")
    router.register("assessment/exemptions", ExemptionViewSet, basename="assessment-exemption")
    router.register("assessment/appeals", AppealViewSet, basename="assessment-appeal")


urlpatterns = [
    path("assessment/catalogue/", CatalogueView.as_view(), name="assessment-catalogue"),
    path("assessment/results/", ResultsView.as_view(), name="assessment-results"),
    path("assessment/scorecards/<str:kind>/<int:unit_id>/", ScorecardView.as_view(),
         name="assessment-scorecard"),
    path("assessment/drilldowns/<str:kind>/<int:unit_id>/<str:code>/", DrillDownView.as_view(),
         name="assessment-drilldown"),
]

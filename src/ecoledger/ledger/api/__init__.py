"""The ledger's REST API."""

from rest_framework.routers import DefaultRouter

from ecoledger.ledger.api.followups import FollowUpViewSet, SuspectedReboundViewSet
from ecoledger.ledger.api.views import (
    DashboardView,
    EvidenceViewSet,
    MeasureViewSet,
    ProblemViewSet,
)


def register(router: DefaultRouter) -> None:
    router.register("problems", ProblemViewSet, basename="problem")
    router.register("evidence", EvidenceViewSet, basename="evidence")
    router.register("measures", MeasureViewSet, basename="measure")
    router.register("followups", FollowUpViewSet, basename="followup")
    router.register("suspected-rebounds", SuspectedReboundViewSet, basename="suspected-rebound")


__all__ = ["DashboardView", "register"]

"""The REST API under /api/v1/: one router for every app's endpoints."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from ecoledger.assessment import api as assessment_api
from ecoledger.ledger import api as ledger_api
from ecoledger.ledger.api.history import LedgerAsOfView, ProblemAsOfView
from ecoledger.monitoring import api as monitoring_api
from ecoledger.notifications import api as notifications_api
from ecoledger.org import api as org_api

router = DefaultRouter()
router.include_format_suffixes = False
org_api.register(router)
ledger_api.register(router)
monitoring_api.register(router)
notifications_api.register(router)
assessment_api.register(router)

urlpatterns = [
    path("auth/token/", org_api.ObtainTokenView.as_view(), name="api-token"),
    path("me/", org_api.MeView.as_view(), name="api-me"),
    path("dashboard/", ledger_api.DashboardView.as_view(), name="api-dashboard"),
    path("problems/<str:code>/as-of/", ProblemAsOfView.as_view(), name="problem-as-of"),
    path("ledger/as-of/", LedgerAsOfView.as_view(), name="ledger-as-of"),
    *assessment_api.urlpatterns,
    *router.urls,
]

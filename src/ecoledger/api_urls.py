"""The REST API under /api/v1/: one router for every app's endpoints."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from ecoledger.ledger import api as ledger_api
from ecoledger.monitoring import api as monitoring_api
from ecoledger.notifications import api as notifications_api
from ecoledger.org import api as org_api

router = DefaultRouter()
router.include_format_suffixes = False
org_api.register(router)
ledger_api.register(router)
monitoring_api.register(router)
notifications_api.register(router)

urlpatterns = [
    path("auth/token/", org_api.ObtainTokenView.as_view(), name="api-token"),
    path("me/", org_api.MeView.as_view(), name="api-me"),
    path("dashboard/", ledger_api.DashboardView.as_view(), name="api-dashboard"),
    *router.urls,
]

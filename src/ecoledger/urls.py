from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

admin.site.site_header = _("EcoLedger administration")
admin.site.site_title = _("EcoLedger")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/v1/", include("ecoledger.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("monitoring/", include("ecoledger.monitoring.urls")),
    path("notifications/", include("ecoledger.notifications.urls")),
    path("reports/", include("ecoledger.reports.urls")),
    path("assessment/", include("ecoledger.assessment.urls")),
    path("open311/v2/", include("ecoledger.intake.open311.urls")),
    path("", include("ecoledger.intake.urls")),
    path("", include("ecoledger.web.urls")),
]

"""Pages of the annual assessment, under /assessment/."""

from django.urls import path

from ecoledger.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("<int:year>/<str:kind>/<int:unit_id>/", views.scorecard, name="scorecard"),
    path("<int:year>/<str:kind>/<int:unit_id>/<str:code>/", views.drilldown, name="drilldown"),
    path("schemes/", views.scheme_list, name="scheme-list"),
    path("schemes/new/", views.scheme_create, name="scheme-create"),
    path("schemes/<int:pk>/versions/new/", views.version_create, name="version-create"),
    path("versions/<int:pk>/", views.version_detail, name="version-detail"),
    path("versions/<int:pk>/adopt/", views.version_adopt, name="version-adopt"),
    path("versions/<int:pk>/publish/", views.version_publish, name="version-publish"),
    path("decisions/", views.decision_list, name="decisions"),
    path("exemptions/new/", views.exemption_create, name="exemption-create"),
    path("exemptions/<int:pk>/decide/", views.exemption_decide, name="exemption-decide"),
    path("appeals/new/", views.appeal_create, name="appeal-create"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal-decide"),
]

from django.urls import path

from ecoledger.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.point_list, name="point-list"),
    path("points/<int:pk>/", views.point_detail, name="point-detail"),
    path("quarantine/", views.quarantine_list, name="quarantine-list"),
]

from django.urls import path

from ecoledger.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.point_list, name="point-list"),
    path("points/<int:pk>/", views.point_detail, name="point-detail"),
    path("points/<int:pk>/series.json", views.point_series, name="point-series"),
    path("points/<int:pk>/aqi-calendar.json", views.point_aqi_calendar,
         name="point-aqi-calendar"),
    path("alerts/", views.alert_list, name="alert-list"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert-acknowledge"),
    path("alerts/<int:pk>/resolve/", views.alert_resolve, name="alert-resolve"),
    path("live/", views.live, name="live"),
    path("live/readings/", views.live_readings, name="live-readings"),
    path("quarantine/", views.quarantine_list, name="quarantine-list"),
]

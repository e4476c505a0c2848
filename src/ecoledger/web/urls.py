from django.contrib.auth import views as auth_views
from django.urls import path

from ecoledger.web import dashboard, views

app_name = "web"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", dashboard.home, name="home"),
    path("my-work/", views.my_work, name="my-work"),
    path("problems/", views.problem_list, name="problem-list"),
    path("problems/new/", views.problem_create, name="problem-create"),
    path("problems/<str:code>/", views.problem_detail, name="problem-detail"),
    path("problems/<str:code>/edit/", views.problem_edit, name="problem-edit"),
    path("problems/<str:code>/actions/<slug:action>/", views.problem_action,
         name="problem-action"),
    path("problems/<str:code>/measures/<int:pk>/done/", views.measure_done,
         name="measure-done"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence-file"),
    path("follow-ups/", views.followup_list, name="followup-list"),
    path("follow-ups/<int:pk>/record/", views.followup_record, name="followup-record"),
    path("follow-ups/<int:pk>/assign/", views.followup_assign, name="followup-assign"),
    path("suspected-rebounds/", views.suspicion_list, name="suspicion-list"),
    path("suspected-rebounds/<int:pk>/<slug:decision>/", views.suspicion_decide,
         name="suspicion-decide"),
    path("healthz", views.health, name="health"),
    path("dashboard/regions.json", dashboard.regions_data, name="dashboard-regions"),
    path("dashboard/problems.json", dashboard.problems_data, name="dashboard-problems"),
    path("dashboard/points.json", dashboard.points_data, name="dashboard-points"),
    path("dashboard/flow.json", dashboard.flow_data, name="dashboard-flow"),
]

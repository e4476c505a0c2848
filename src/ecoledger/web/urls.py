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
    path("problems/<str:code>/", views.problem_detail, name="problem-detail"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence-file"),
    path("healthz", views.health, name="health"),
]

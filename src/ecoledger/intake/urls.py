"""Public complaint pages, the supervisor's triage and public disclosure."""

from django.urls import path

from ecoledger.intake.views import disclosure, public, triage

app_name = "intake"

urlpatterns = [
    path("report/", public.report, name="report"),
    path("track/", public.track, name="track"),
    path("track/<str:code>/", public.track_detail, name="track-detail"),
    path("complaints/", triage.triage_list, name="triage"),
    path("complaints/photos/<int:pk>/", triage.complaint_photo, name="photo"),
    path("complaints/<str:code>/", triage.triage_detail, name="triage-detail"),
    path("complaints/<str:code>/<slug:action>/", triage.triage_action, name="triage-action"),
    path("disclosure/", disclosure.disclosure_page, name="disclosure"),
    path("disclosure/feed.atom", disclosure.DisclosureAtomFeed(), name="disclosure-atom"),
    path("disclosure/feed.json", disclosure.disclosure_json, name="disclosure-json"),
]

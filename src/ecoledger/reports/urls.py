"""Pages of the reports app: briefings, what the ledger said on a past day, ledger imports."""

from django.urls import path

from ecoledger.reports.views import briefings, history, ledger_files

app_name = "reports"

urlpatterns = [
    path("briefings/", briefings.briefing_list, name="briefing-list"),
    path("briefings/generate/", briefings.briefing_generate, name="briefing-generate"),
    path("briefings/<int:pk>/download/", briefings.briefing_download, name="briefing-download"),
    path("as-of/", history.ledger_as_of, name="ledger-as-of"),
    path("as-of/<str:code>/", history.problem_as_of, name="problem-as-of"),
    path("ledger-imports/", ledger_files.import_list, name="ledger-import"),
    path("ledger-imports/<int:pk>/", ledger_files.import_detail, name="ledger-import-detail"),
    path("ledger-imports/<int:pk>/mapping/", ledger_files.import_mapping,
         name="ledger-import-mapping"),
    path("ledger-imports/<int:pk>/import/", ledger_files.import_confirm,
         name="ledger-import-confirm"),
]

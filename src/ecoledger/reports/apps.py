from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "ecoledger.reports"
    label = "reports"
    verbose_name = _("Reports and ledger files")

    def ready(self) -> None:
        from ecoledger.ledger import workflow
        from ecoledger.reports.ledger_import import jobs  # noqa: F401  (registers the import job)
        from ecoledger.reports.ledger_import.service import came_from_import

        workflow.register_import_origin(came_from_import)

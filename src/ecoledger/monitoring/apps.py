from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "ecoledger.monitoring"
    label = "monitoring"
    verbose_name = _("Online monitoring")

    def ready(self) -> None:
        from ecoledger.ledger.workflow import register_acceptance_check
        from ecoledger.monitoring.compliance import monitoring_problem_not_yet_compliant

        register_acceptance_check(monitoring_problem_not_yet_compliant)

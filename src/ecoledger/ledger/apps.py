from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ecoledger.ledger"
    label = "ledger"
    verbose_name = _("Rectification ledger")

    def ready(self) -> None:
        from ecoledger.ledger import receivers

        receivers.connect()

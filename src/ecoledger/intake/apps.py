from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "ecoledger.intake"
    label = "intake"
    verbose_name = _("Public complaints")

    def ready(self) -> None:
        """Answer the complaints of a problem in the same transaction that closes it."""
        from ecoledger.intake.services.answers import answer_complaints_on_close
        from ecoledger.ledger.signals import problem_closed

        problem_closed.connect(answer_complaints_on_close, dispatch_uid="intake.answer_on_close")

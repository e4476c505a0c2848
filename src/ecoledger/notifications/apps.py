from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Notifications in the app, by email and by webhook, and the reminders that send them."""

    name = "ecoledger.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

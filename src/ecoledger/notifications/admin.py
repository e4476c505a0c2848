"""Admin: webhook endpoints and unit channels are configured here; deliveries are watched
here, and failed ones sent again. Messages and deliveries are records, shown read-only."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecoledger.lib.errors import DomainError
from ecoledger.notifications import services
from ecoledger.notifications.choices import WebhookKind
from ecoledger.notifications.models import (
    Delivery,
    Message,
    UnitPreference,
    UserPreference,
    WebhookEndpoint,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "url", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "url"]
    autocomplete_fields = ["region", "department", "enterprise"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: Any,
                   change: bool) -> None:
        """A generic endpoint always signs: without a secret typed in, one is made."""
        if obj.kind == WebhookKind.GENERIC and not obj.secret:
            obj.secret = secrets.token_urlsafe(32)
        super().save_model(request, obj, form, change)


@admin.register(UnitPreference)
class UnitPreferenceAdmin(admin.ModelAdmin):
    list_display = ["unit", "email", "email_address", "webhook"]
    autocomplete_fields = ["region", "department", "enterprise"]


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email"]
    autocomplete_fields = ["user"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["subject", "kind", "problem", "created_at"]
    list_filter = ["kind"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["key", "channel", "target", "endpoint", "status", "attempts",
                    "next_attempt_at", "sent_at", "short_error"]
    list_filter = ["status", "channel", "endpoint__kind", "endpoint"]
    search_fields = ["key", "target", "message__subject"]
    list_select_related = ["endpoint", "message"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    @admin.display(description=gettext_lazy("last error"))
    def short_error(self, delivery: Delivery) -> str:
        return delivery.last_error[:120]

    @admin.action(description=gettext_lazy("Send the selected failed deliveries again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        try:
            count = services.retry_deliveries(queryset, acting_user=request.user)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, _("%(n)s deliveries will be sent again.") % {"n": count})

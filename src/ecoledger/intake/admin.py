"""Open311 API keys in the admin: the key is shown once, when it is issued; only its hash stays.

Complaints are not in the admin: they carry personal data that only supervisors
see, in triage.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ecoledger.intake.models import ApiKey
from ecoledger.intake.open311.keys import issue_key


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "is_active", "created_at", "last_used_at")
    fields = ("name", "is_active", "prefix", "created_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    actions = ["reissue"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        key = issue_key(obj) if not change else None
        super().save_model(request, obj, form, change)
        if key:
            self._show_once(request, obj, key)

    @admin.action(description=_("Issue a new key (the old one stops working)"))
    def reissue(self, request: HttpRequest, queryset: Any) -> None:
        for api_key in queryset:
            key = issue_key(api_key)
            api_key.save(update_fields=["prefix", "key_hash"])
            self._show_once(request, api_key, key)

    def _show_once(self, request: HttpRequest, api_key: ApiKey, key: str) -> None:
        messages.warning(request, _(
            "The key of %(name)s is %(key)s. Copy it now: it is stored only as a hash and "
            "cannot be shown again.") % {"name": api_key.name, "key": key})

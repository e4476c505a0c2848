from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ecoledger.audit.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The audit chain, read-only: the database refuses changes anyway."""

    list_display = ["seq", "occurred_at", "actor_name", "action", "target_repr"]
    list_filter = ["action"]
    search_fields = ["target_repr", "actor_name", "subject_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

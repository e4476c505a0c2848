"""Admin for the ledger's master data. Problem state is not edited here: it moves only
through the workflow, so problems are shown read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ecoledger.ledger.models import Category, Problem


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "domain"]
    list_filter = ["domain"]
    search_fields = ["code", "name"]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "status", "region", "deadline"]
    list_filter = ["status", "domain", "origin"]
    search_fields = ["code", "title"]
    list_select_related = ["region"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

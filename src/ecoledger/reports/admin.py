"""Admin for reports and ledger files, read-only: a frozen report or an import's record is
evidence of what was handed out or taken in, never edited afterwards. A remembered header
mapping is changed on the import's own mapping page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ecoledger.reports.models import HeaderMapping, ImportedRow, LedgerImport, Report


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "scope_key", "generated_at", "generated_by"]
    list_filter = ["kind"]
    search_fields = ["title", "scope_key", "figures_sha256", "file_sha256"]
    list_select_related = ["generated_by"]


@admin.register(LedgerImport)
class LedgerImportAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "status", "uploaded_by", "uploaded_at", "rows_total",
                    "rows_created"]
    list_filter = ["status"]
    search_fields = ["original_name", "sha256"]
    list_select_related = ["uploaded_by"]


@admin.register(ImportedRow)
class ImportedRowAdmin(ReadOnlyAdmin):
    list_display = ["key", "problem", "ledger_import", "sheet", "row_number"]
    search_fields = ["key", "problem__code"]
    list_select_related = ["problem", "ledger_import"]


@admin.register(HeaderMapping)
class HeaderMappingAdmin(ReadOnlyAdmin):
    list_display = ["signature", "saved_by", "saved_at"]
    list_select_related = ["saved_by"]

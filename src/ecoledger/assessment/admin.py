"""Assessments in the admin, read-only: schemes, results and decisions change only through
the services (pages, API, CLI), which check the role and write the audit events."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ecoledger.assessment.models import (
    Appeal,
    Exemption,
    IndicatorResult,
    Publication,
    Scheme,
    SchemeIndicator,
    SchemeVersion,
    UnitResult,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class IndicatorInline(admin.TabularInline):
    model = SchemeIndicator
    fields = ["position", "code", "weight", "applies_to", "rule", "when_missing"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ["year", "name", "created_by", "created_at"]


@admin.register(SchemeVersion)
class SchemeVersionAdmin(ReadOnlyAdmin):
    list_display = ["scheme", "number", "status", "adopted_at"]
    list_filter = ["status"]
    inlines = [IndicatorInline]


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["year", "number", "version", "period_end", "published_by", "published_at"]
    list_filter = ["year"]


@admin.register(UnitResult)
class UnitResultAdmin(ReadOnlyAdmin):
    list_display = ["publication", "kind", "unit", "total", "rank"]
    list_filter = ["publication__year", "kind"]
    list_select_related = ["publication", "district", "department"]


@admin.register(IndicatorResult)
class IndicatorResultAdmin(ReadOnlyAdmin):
    list_display = ["unit_result", "code", "value", "score", "weighted_score"]
    list_filter = ["code"]


@admin.register(Exemption)
class ExemptionAdmin(ReadOnlyAdmin):
    list_display = ["year", "kind", "unit", "indicator_code", "ground", "status", "decided_at"]
    list_filter = ["year", "status", "ground"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["year", "kind", "unit", "indicator_code", "status", "adjustment"]
    list_filter = ["year", "status"]

"""Admin for master data: regions, departments, enterprises, sources, water bodies, users."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from ecoledger.org.models import Department, Enterprise, PollutionSource, Region, User, WaterBody


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "region"]
    search_fields = ["code", "name", "short_name"]


@admin.register(WaterBody)
class WaterBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "basin"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "region", "industry"]
    list_filter = ["region__district"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["region"]


@admin.register(PollutionSource)
class PollutionSourceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "enterprise", "region"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "enterprise__name"]
    autocomplete_fields = ["enterprise", "region", "water_body"]


@admin.register(User)
class EcoLedgerUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "unit_label", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "full_name"]
    autocomplete_fields = ["region", "department", "enterprise"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ("full_name", "phone", "role", "region", "department",
                                          "enterprise")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("full_name", "role", "region", "department",
                                          "enterprise")}),
    )

"""Choice sets of the organisation: region levels, roles, kinds of pollution source."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District / county")
    TOWN = "town", _("Town / street")


LEVEL_DEPTH = {RegionLevel.CITY: 0, RegionLevel.DISTRICT: 1, RegionLevel.TOWN: 2}


class Role(models.TextChoices):
    SUPERVISOR = "supervisor", _("Supervisor (rectification office)")
    REGION_OFFICER = "region_officer", _("Region officer")
    DEPARTMENT_OFFICER = "department_officer", _("Department officer")
    ENTERPRISE = "enterprise", _("Enterprise")
    INSPECTOR = "inspector", _("Inspector")
    LEADER = "leader", _("City leader")


# Roles whose scope is a region subtree, and the scope attribute each role needs.
REGIONAL_ROLES = frozenset({Role.REGION_OFFICER, Role.INSPECTOR})
CITYWIDE_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER})
SCOPE_FIELD = {
    Role.REGION_OFFICER: "region",
    Role.INSPECTOR: "region",
    Role.DEPARTMENT_OFFICER: "department",
    Role.ENTERPRISE: "enterprise",
}


class SourceKind(models.TextChoices):
    STACK = "stack", _("Flue-gas outlet (stack)")
    WASTEWATER_OUTLET = "wastewater_outlet", _("Wastewater outlet")
    CONSTRUCTION_SITE = "construction_site", _("Construction site")
    ROAD = "road", _("Road")
    FARMLAND = "farmland", _("Farmland")
    LIVESTOCK_FARM = "livestock_farm", _("Livestock farm")
    LANDFILL = "landfill", _("Landfill / dump site")
    MINE = "mine", _("Mine / quarry")
    OTHER = "other", _("Other non-point source")


ENTERPRISE_OUTLETS = frozenset({SourceKind.STACK, SourceKind.WASTEWATER_OUTLET})


class WaterBodyKind(models.TextChoices):
    BASIN = "basin", _("Basin")
    RIVER = "river", _("River")
    LAKE = "lake", _("Lake")
    RESERVOIR = "reservoir", _("Reservoir")
    CANAL = "canal", _("Canal")

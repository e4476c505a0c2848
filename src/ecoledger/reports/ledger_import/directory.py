"""The organisation's names as a ledger writes them: regions, departments, categories.

Loaded once per file, so that resolving ten thousand rows asks the database
nothing. A name matches as written (spaces and full-width forms aside) or
without its administrative suffix (玄武 for 玄武区, 新街口 for 新街口街道) when
that is unambiguous. An unknown or ambiguous name is a ``CellError`` that
names the value.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from ecoledger.ledger.models import Category
from ecoledger.org.choices import RegionLevel
from ecoledger.org.models import Department, Region
from ecoledger.reports.ledger_words import CellError, normalise

Unit = Region | Department
_SUFFIX = re.compile(r"(街道办事处|街道办|街道|管委会|区|县|市|镇|乡)$")


class Names(dict[str, list[Any]]):
    """Normalised name (and suffix-less name) → the objects that bear it."""

    def add(self, name: str, item: Any) -> None:
        key = normalise(name)
        for variant in {key, _SUFFIX.sub("", key)}:
            if variant and item not in self.setdefault(variant, []):
                self[variant].append(item)

    def find(self, text: str) -> list[Any]:
        key = normalise(text)
        return self.get(key) or self.get(_SUFFIX.sub("", key)) or []


class Directory:
    def __init__(self) -> None:
        self.districts = Names()
        self.towns = Names()
        self.towns_in: dict[int, Names] = defaultdict(Names)
        self.units = Names()
        for region in Region.objects.order_by("path"):
            if region.level == RegionLevel.TOWN:
                self.towns.add(region.name, region)
                self.towns_in[region.district_id].add(region.name, region)
            else:
                self.districts.add(region.name, region)
            self.units.add(region.name, region)
        for department in Department.objects.order_by("code"):
            for name in {department.name, department.short_name} - {""}:
                self.units.add(name, department)
        self.categories: dict[tuple[str, str], Category] = {
            (category.domain, normalise(category.name)): category
            for category in Category.objects.all()
        }

    def district(self, text: str) -> Region:
        """A district or county (or the city itself, for a city-level problem)."""
        return _one(self.districts.find(text), text, _("Unknown district or county '%(value)s'."))

    def town(self, text: str, district: Region | None) -> Region:
        names = self.towns_in[district.pk] if district else self.towns
        found = names.find(text)
        if not found and district is not None and self.towns.find(text):
            raise CellError(_("'%(value)s' is not a town or street of %(district)s.") % {
                "value": text, "district": district.name})
        return _one(found, text, _("Unknown town or street '%(value)s'."))

    def unit(self, text: str) -> Unit:
        return _one(self.units.find(text), text,
                    _("Unknown unit '%(value)s': it is neither a department nor a region."))

    def category(self, text: str, domain: str) -> Category:
        found = self.categories.get((domain, normalise(text)))
        if found is None:
            raise CellError(_("Unknown category '%(value)s' for this domain.") % {"value": text})
        return found


def _one(found: list[Any], text: str, unknown: str) -> Any:
    if not found:
        raise CellError(unknown % {"value": text})
    if len(found) > 1:
        raise CellError(_("'%(value)s' could be any of: %(names)s; write the full name.") % {
            "value": text, "names": "、".join(str(item) for item in found)})
    return found[0]

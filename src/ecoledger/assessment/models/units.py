"""The unit a record is about: a district or a department, never both."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecoledger.assessment.access import unit_records
from ecoledger.assessment.choices import UnitKind
from ecoledger.org.models import Department, Region

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ecoledger.org.models import User


class UnitScopedQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> UnitScopedQuerySet:
        """Everything for supervisors and leaders; an officer's own unit; nothing else."""
        condition = unit_records(user)
        return self.all() if condition is None else self.filter(condition)


class UnitRecord(models.Model):
    """Abstract: ``kind`` and exactly one of ``district`` and ``department``."""

    kind = models.CharField(_("unit kind"), max_length=12, choices=UnitKind.choices)
    district = models.ForeignKey(
        Region, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )

    class Meta:
        abstract = True

    @staticmethod
    def unit_constraint(name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=Q(kind=UnitKind.DISTRICT, district__isnull=False, department__isnull=True)
            | Q(kind=UnitKind.DEPARTMENT, department__isnull=False, district__isnull=True),
            name=name,
        )

    @property
    def unit(self) -> Region | Department:
        return self.district or self.department  # type: ignore[return-value]

    @property
    def unit_id(self) -> int:
        return self.district_id or self.department_id  # type: ignore[return-value]


def unit_fields(unit: Region | Department) -> dict[str, object]:
    """The ``kind``/``district``/``department`` values of a record about ``unit``."""
    if isinstance(unit, Department):
        return {"kind": UnitKind.DEPARTMENT, "district": None, "department": unit}
    return {"kind": UnitKind.DISTRICT, "district": unit, "department": None}

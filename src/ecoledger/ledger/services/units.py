"""Setting a problem's lead, responsible and cooperating units."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ecoledger.ledger.choices import UnitRole
from ecoledger.ledger.models import Problem, ProblemUnit
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.models import Department, Region

Unit = Region | Department


@dataclass(frozen=True)
class UnitAssignment:
    lead: Unit
    responsible: Sequence[Unit] = field(default_factory=tuple)
    cooperating: Sequence[Unit] = field(default_factory=tuple)

    def rows(self) -> list[tuple[UnitRole, Unit]]:
        return [
            (UnitRole.LEAD, self.lead),
            *((UnitRole.RESPONSIBLE, unit) for unit in self.responsible),
            *((UnitRole.COOPERATING, unit) for unit in self.cooperating),
        ]


_FIELD = {
    UnitRole.LEAD: "lead_unit",
    UnitRole.RESPONSIBLE: "responsible_units",
    UnitRole.COOPERATING: "cooperating_units",
}


def validate_units(problem: Problem, assignment: UnitAssignment) -> None:
    """Each unit once; a region takes duty only for its own territory (属地管理).

    A problem across a boundary is registered once per region and linked, so
    every region's officers see exactly the problems on their ground.
    """
    errors: dict[str, list[str]] = {}
    seen: set[tuple[str, int]] = set()
    for role, unit in assignment.rows():
        key = (unit._meta.model_name, unit.pk)
        if key in seen:
            errors.setdefault(_FIELD[role], []).append(
                _("%(unit)s is named more than once.") % {"unit": unit}
            )
        seen.add(key)
        if isinstance(unit, Region) and not unit.contains(problem.region):
            errors.setdefault(_FIELD[role], []).append(
                _("%(unit)s is not responsible for %(region)s, where the problem is.")
                % {"unit": unit, "region": problem.region}
            )
    if errors:
        raise InvalidInput(_("The units are not valid."), fields=errors)


def describe_units(problem: Problem) -> list[str]:
    return [
        f"{unit.role}:{unit.unit._meta.model_name}:{unit.unit.pk}"
        for unit in problem.units.select_related("region", "department").order_by("role", "pk")
    ]


def describe_rows(rows: Sequence[tuple[str, Unit]]) -> list[str]:
    """``describe_units`` of a problem whose units are these (role, unit) rows, made in order.

    The database reads them back ordered by role and then by creation, which
    is the rows' own order within a role.
    """
    return [f"{role}:{unit._meta.model_name}:{unit.pk}"
            for role, unit in sorted(rows, key=lambda pair: str(pair[0]))]


def set_units(problem: Problem, assignment: UnitAssignment) -> dict[str, list[Any]]:
    before = describe_units(problem)
    ProblemUnit.objects.filter(problem=problem).delete()
    ProblemUnit.objects.bulk_create(
        [
            ProblemUnit(
                problem=problem,
                role=role,
                region=unit if isinstance(unit, Region) else None,
                department=unit if isinstance(unit, Department) else None,
            )
            for role, unit in assignment.rows()
        ]
    )
    after = describe_units(problem)
    return {"units": [before, after]} if before != after else {}

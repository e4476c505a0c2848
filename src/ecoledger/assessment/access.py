"""Who may do what with assessments: one place, used by services, selectors and the API.

Supervisors (the rectification office) manage schemes, exemptions, appeals and
publishing; leaders read everything; a district's officer reads that district's
scorecard and the ranking, a department's officer likewise; nobody else sees
assessments. A town officer's scope is narrower than the district whose
scorecard would list its problems, so town officers read the ranking only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from ecoledger.assessment.choices import UnitKind
from ecoledger.org.choices import CITYWIDE_ROLES, RegionLevel, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ecoledger.org.models import User

UnitKey = tuple[str, int]


def _active(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role)


def may_manage(user: User | AnonymousUser) -> bool:
    return _active(user) and user.role == Role.SUPERVISOR


def may_read_all(user: User | AnonymousUser) -> bool:
    return _active(user) and user.role in CITYWIDE_ROLES


def own_unit(user: User | AnonymousUser) -> UnitKey | None:
    """The one unit whose scorecard an officer reads; None for everyone else."""
    if not _active(user):
        return None
    if user.role == Role.REGION_OFFICER and user.region.level == RegionLevel.DISTRICT:
        return (UnitKind.DISTRICT, user.region_id)
    if user.role == Role.DEPARTMENT_OFFICER:
        return (UnitKind.DEPARTMENT, user.department_id)
    return None


def may_read_ranking(user: User | AnonymousUser) -> bool:
    return may_read_all(user) or (
        _active(user) and user.role in (Role.REGION_OFFICER, Role.DEPARTMENT_OFFICER)
    )


def may_read_unit(user: User | AnonymousUser, kind: str, unit_id: int) -> bool:
    return may_read_all(user) or own_unit(user) == (kind, unit_id)


def unit_records(user: User | AnonymousUser) -> Q | None:
    """Records about units (results, exemptions, appeals) the user may read, as a filter on
    their ``district``/``department`` fields; None means all of them."""
    if may_read_all(user):
        return None
    unit = own_unit(user)
    if unit is None:
        return Q(pk__in=[])
    field = "district_id" if unit[0] == UnitKind.DISTRICT else "department_id"
    return Q(**{field: unit[1]})

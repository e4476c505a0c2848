"""Exemptions and appeals: recorded with their grounds, then decided once.

A decided record is final (compare-and-set on its pending status): a change of
mind is a new record, so every score can be traced to the decisions behind it.
Decisions act on the next computation: a publication already made keeps what
it was; the office publishes again to apply them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.assessment.catalogue import CATALOGUE, indicator
from ecoledger.assessment.choices import (
    APPLIES_TO_KINDS,
    AppealStatus,
    DecisionStatus,
    ExemptionGround,
    ItemKind,
    UnitKind,
)
from ecoledger.assessment.models import (
    Appeal,
    Exemption,
    Publication,
    SchemeVersion,
    unit_fields,
)
from ecoledger.assessment.services.checks import check_may_manage
from ecoledger.audit.services import record
from ecoledger.intake.models import Complaint
from ecoledger.ledger.choices import DUTY_ROLES
from ecoledger.ledger.models import Problem
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput, StateConflict
from ecoledger.org.choices import RegionLevel
from ecoledger.org.models import Department, Region, User

MAX_ADJUSTMENT = Decimal(100)


@transaction.atomic
def record_exemption(
    *, acting_user: User, year: int, unit: Region | Department, ground: str, reason: str,
    problem: Problem | None = None, complaint: Complaint | None = None, indicator_code: str = "",
) -> Exemption:
    """Record a request to take one problem or complaint out of a unit's assessment.

    ``indicator_code`` empty: every indicator of the unit that counts the item.
    The item must belong to the unit (the problem's district, or a department
    that leads or is responsible for it; a complaint through its problem).
    """
    check_may_manage(acting_user)
    fields = _unit(unit)
    if (problem is None) == (complaint is None):
        raise InvalidInput.field("problem", _("Name either a problem or a complaint."))
    if ground not in ExemptionGround.values:
        raise InvalidInput.field("ground", _("Choose one of: %(values)s.") % {
            "values": ", ".join(ExemptionGround.values)})
    if ground == ExemptionGround.UNREASONABLE_COMPLAINT and complaint is None:
        raise InvalidInput.field("complaint", _("An unreasonable complaint names the complaint."))
    item_kind = ItemKind.PROBLEM if problem is not None else ItemKind.COMPLAINT
    if indicator_code:
        entry = indicator(indicator_code)
        if entry.item != item_kind or fields["kind"] not in entry.kinds:
            raise InvalidInput.field("indicator_code", _(
                "%(indicator)s does not count this %(item)s for a %(kind)s.") % {
                "indicator": indicator_code, "item": item_kind.label,
                "kind": UnitKind(fields["kind"]).label})
    _check_year(year)
    _check_reason(reason)
    owner = problem if problem is not None else complaint.problem
    if owner is None or not _belongs(owner, unit):
        raise InvalidInput.field(item_kind.value, _("It is not %(unit)s's.") % {"unit": unit})
    exemption = Exemption.objects.create(
        year=year, indicator_code=indicator_code, problem=problem, complaint=complaint,
        ground=ground, reason=reason.strip(), recorded_by=acting_user, recorded_at=clock.now(),
        **fields)
    record("assessment.exemption.recorded", actor=acting_user, target=exemption,
           changes={"status": [None, DecisionStatus.PENDING]}, message=reason.strip())
    return exemption


@transaction.atomic
def decide_exemption(
    exemption: Exemption, *, acting_user: User, approve: bool, note: str = ""
) -> Exemption:
    """Approve (the item leaves the unit's indicator from the next computation) or refuse."""
    check_may_manage(acting_user)
    status = DecisionStatus.APPROVED if approve else DecisionStatus.REFUSED
    now = clock.now()
    moved = Exemption.objects.filter(pk=exemption.pk, status=DecisionStatus.PENDING).update(
        status=status, decision_note=note.strip(), decided_by=acting_user, decided_at=now)
    if not moved:
        raise StateConflict(_("This exemption has already been decided."),
                            code="already_decided")
    exemption.refresh_from_db()
    record("assessment.exemption.decided", actor=acting_user, target=exemption,
           changes={"status": [DecisionStatus.PENDING, status]}, message=note.strip())
    return exemption


@transaction.atomic
def file_appeal(
    *, acting_user: User, unit: Region | Department, indicator_code: str, reason: str,
    publication: Publication | None = None, version: SchemeVersion | None = None,
) -> Appeal:
    """Record a unit's appeal against its score on one indicator, published or in a draft."""
    check_may_manage(acting_user)
    fields = _unit(unit)
    if (publication is None) == (version is None):
        raise InvalidInput.field("publication", _(
            "Name either the publication or the version whose result is appealed."))
    against = publication.version if publication is not None else version
    entry = against.indicators.filter(code=indicator_code).first()
    if entry is None or fields["kind"] not in APPLIES_TO_KINDS[entry.applies_to] or (
            fields["kind"] not in CATALOGUE[indicator_code].kinds):
        raise InvalidInput.field("indicator_code", _(
            "Version %(number)s does not score %(unit)s on %(code)s.") % {
            "number": against.number, "unit": unit, "code": indicator_code})
    _check_reason(reason)
    appeal = Appeal.objects.create(
        year=against.scheme.year, indicator_code=indicator_code, publication=publication,
        version=version, reason=reason.strip(), filed_by=acting_user, filed_at=clock.now(),
        **fields)
    record("assessment.appeal.filed", actor=acting_user, target=appeal,
           changes={"status": [None, AppealStatus.PENDING]}, message=reason.strip())
    return appeal


@transaction.atomic
def decide_appeal(
    appeal: Appeal, *, acting_user: User, uphold: bool, adjustment: Decimal | None = None,
    note: str = "",
) -> Appeal:
    """Uphold with the points to add (negative: to take) to the indicator's score, or dismiss."""
    check_may_manage(acting_user)
    if uphold:
        adjustment = _adjustment(adjustment)
    elif adjustment is not None:
        raise InvalidInput.field("adjustment", _("A dismissed appeal changes no score."))
    status = AppealStatus.UPHELD if uphold else AppealStatus.DISMISSED
    moved = Appeal.objects.filter(pk=appeal.pk, status=AppealStatus.PENDING).update(
        status=status, adjustment=adjustment, decision_note=note.strip(),
        decided_by=acting_user, decided_at=clock.now())
    if not moved:
        raise StateConflict(_("This appeal has already been decided."), code="already_decided")
    appeal.refresh_from_db()
    record("assessment.appeal.decided", actor=acting_user, target=appeal,
           changes={"status": [AppealStatus.PENDING, status],
                    "adjustment": [None, adjustment]}, message=note.strip())
    return appeal


def _unit(unit: Region | Department) -> dict[str, object]:
    """The record's unit fields; a region must be a district (towns are not assessed)."""
    if isinstance(unit, Region) and unit.level != RegionLevel.DISTRICT:
        raise InvalidInput.field("unit", _("Districts and departments are assessed, not %(unit)s.")
                                 % {"unit": unit})
    return unit_fields(unit)


def _belongs(problem: Problem, unit: Region | Department) -> bool:
    if isinstance(unit, Department):
        return problem.units.filter(department=unit, role__in=sorted(DUTY_ROLES)).exists()
    return problem.district_id == unit.pk


def _adjustment(value: Decimal | None) -> Decimal:
    try:
        points = Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        points = Decimal(0)
    if not points.is_finite() or points == 0 or abs(points) > MAX_ADJUSTMENT or (
            points != round(points, 2)):
        raise InvalidInput.field("adjustment", _(
            "An upheld appeal records its adjustment: points from -100 to 100, not 0, at most "
            "two decimals."))
    return points


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise InvalidInput.field("year", _("Give a year between 2000 and 2100."))


def _check_reason(reason: str) -> None:
    if not reason.strip():
        raise InvalidInput.field("reason", _("Give the reason."))

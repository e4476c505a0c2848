"""Schemes and their versions: create, edit a draft, adopt.

An adopted version is never edited: a change is a new version, a draft copy
of the one it is based on. Adopting a version supersedes the one adopted
before it; results already published stay with the version they came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ecoledger.assessment.catalogue import CATALOGUE, indicator
from ecoledger.assessment.choices import APPLIES_TO_KINDS, AppliesTo, VersionStatus, WhenMissing
from ecoledger.assessment.models import Scheme, SchemeIndicator, SchemeVersion
from ecoledger.assessment.rules import validate_rule
from ecoledger.assessment.services.checks import check_may_manage
from ecoledger.audit.services import record
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput, StateConflict
from ecoledger.org.models import User

MAX_WEIGHT = Decimal(1000)


@dataclass(frozen=True)
class IndicatorInput:
    """One indicator of a version as a client gives it."""

    code: str
    weight: Decimal | int | float | str
    rule: dict[str, object]
    applies_to: str = AppliesTo.BOTH
    when_missing: str = WhenMissing.EXCLUDE


def default_indicators() -> list[IndicatorInput]:
    """The whole catalogue with its suggested weights and rules: where a new scheme starts."""
    return [
        IndicatorInput(
            code, item.default_weight, dict(item.default_rule),
            AppliesTo.DISTRICTS if len(item.kinds) == 1 else AppliesTo.BOTH,
        )
        for code, item in CATALOGUE.items()
    ]


@transaction.atomic
def create_scheme(
    *, acting_user: User, year: int, name: str,
    indicators: Sequence[IndicatorInput] | None = None,
) -> Scheme:
    """A year's scheme with its first draft version (the catalogue's defaults unless given)."""
    check_may_manage(acting_user)
    if not name.strip():
        raise InvalidInput.field("name", _("Give the scheme a name."))
    if not 2000 <= year <= 2100:
        raise InvalidInput.field("year", _("Give a year between 2000 and 2100."))
    if Scheme.objects.filter(year=year).exists():
        raise InvalidInput.field("year", _("%(year)s already has a scheme; add a version to "
                                           "it.") % {"year": year})
    now = clock.now()
    scheme = Scheme.objects.create(year=year, name=name.strip(), created_by=acting_user,
                                   created_at=now)
    version = SchemeVersion.objects.create(scheme=scheme, number=1, created_by=acting_user,
                                           created_at=now)
    rows = _save_indicators(version, default_indicators() if indicators is None else indicators)
    record("assessment.scheme.created", actor=acting_user, target=scheme,
           changes={"indicators": [None, _summary(rows)]})
    return scheme


@transaction.atomic
def create_version(
    scheme: Scheme, *, acting_user: User, based_on: SchemeVersion | None = None, note: str = "",
) -> SchemeVersion:
    """A new draft, a copy of ``based_on`` (by default the scheme's latest version)."""
    check_may_manage(acting_user)
    locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if based_on is not None and based_on.scheme_id != locked.pk:
        raise InvalidInput.field("based_on", _("That version belongs to another year's scheme."))
    source = based_on or locked.versions.order_by("-number").first()
    number = (locked.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = SchemeVersion.objects.create(
        scheme=locked, number=number, note=note.strip(), based_on=source,
        created_by=acting_user, created_at=clock.now())
    copied = [] if source is None else [
        IndicatorInput(i.code, i.weight, i.rule, i.applies_to, i.when_missing)
        for i in source.indicators.order_by("position")
    ]
    rows = _save_indicators(version, copied)
    record("assessment.version.created", actor=acting_user, target=version, subject=locked,
           changes={"indicators": [None, _summary(rows)]},
           message="" if source is None else _("Based on version %(number)s.") % {
               "number": source.number})
    return version


@transaction.atomic
def update_version(
    version: SchemeVersion, *, acting_user: User, note: str | None = None,
    indicators: Sequence[IndicatorInput] | None = None,
) -> SchemeVersion:
    """Change a draft's note or replace its whole list of indicators."""
    check_may_manage(acting_user)
    locked = _locked_draft(version)
    before = _summary(list(locked.indicators.order_by("position")))
    changes: dict[str, list[object]] = {}
    if note is not None and note.strip() != locked.note:
        changes["note"] = [locked.note, note.strip()]
        locked.note = note.strip()
        locked.save(update_fields=["note"])
    if indicators is not None:
        locked.indicators.all().delete()
        after = _summary(_save_indicators(locked, indicators))
        if after != before:
            changes["indicators"] = [before, after]
    record("assessment.version.edited", actor=acting_user, target=locked,
           subject=locked.scheme, changes=changes)
    return locked


@transaction.atomic
def adopt_version(version: SchemeVersion, *, acting_user: User) -> SchemeVersion:
    """Adopt a draft: from now on it is what results are published under, and frozen."""
    check_may_manage(acting_user)
    locked = _locked_draft(version)
    if not locked.indicators.exists():
        raise InvalidInput.field("indicators", _("A version needs at least one indicator."))
    superseded = list(SchemeVersion.objects.filter(scheme=locked.scheme_id,
                                                   status=VersionStatus.ADOPTED))
    SchemeVersion.objects.filter(pk__in=[v.pk for v in superseded]).update(
        status=VersionStatus.SUPERSEDED)
    now = clock.now()
    locked.status, locked.adopted_by, locked.adopted_at = VersionStatus.ADOPTED, acting_user, now
    locked.save(update_fields=["status", "adopted_by", "adopted_at"])
    record("assessment.version.adopted", actor=acting_user, target=locked,
           subject=locked.scheme, changes={"status": [VersionStatus.DRAFT, VersionStatus.ADOPTED]},
           message=", ".join(_("version %(number)s superseded") % {"number": v.number}
                             for v in superseded))
    return locked


def _locked_draft(version: SchemeVersion) -> SchemeVersion:
    locked = SchemeVersion.objects.select_for_update().select_related("scheme").get(pk=version.pk)
    if locked.status != VersionStatus.DRAFT:
        raise StateConflict(_("Version %(number)s is %(status)s and cannot change; make a new "
                              "version.") % {"number": locked.number,
                                             "status": locked.get_status_display()},
                            code="version_frozen")
    return locked


def _save_indicators(
    version: SchemeVersion, indicators: Sequence[IndicatorInput]
) -> list[SchemeIndicator]:
    rows, seen = [], set()
    for position, item in enumerate(indicators, start=1):
        field = f"indicators.{position - 1}"
        entry = indicator(item.code)
        if item.code in seen:
            raise InvalidInput.field(f"{field}.code", _("%(code)s is listed twice.") % {
                "code": item.code})
        seen.add(item.code)
        if item.applies_to not in AppliesTo.values or not (
                APPLIES_TO_KINDS[item.applies_to] & entry.kinds):
            raise InvalidInput.field(f"{field}.applies_to", _(
                "%(code)s cannot apply to %(whom)s.") % {"code": item.code,
                                                         "whom": item.applies_to})
        if item.when_missing not in WhenMissing.values:
            raise InvalidInput.field(f"{field}.when_missing", _("Choose one of: %(values)s.") % {
                "values": ", ".join(WhenMissing.values)})
        try:
            rule = validate_rule(item.rule)
        except InvalidInput as error:
            raise InvalidInput(error.message, fields={f"{field}.rule": error.message}) from None
        rows.append(SchemeIndicator(
            version=version, position=position, code=item.code, weight=_weight(item, field),
            applies_to=item.applies_to, rule=rule, when_missing=item.when_missing))
    SchemeIndicator.objects.bulk_create(rows)
    return rows


def _weight(item: IndicatorInput, field: str) -> Decimal:
    try:
        weight = Decimal(str(item.weight))
    except InvalidOperation:
        weight = Decimal(-1)
    if not (weight.is_finite() and 0 < weight <= MAX_WEIGHT and weight == round(weight, 2)):
        raise InvalidInput.field(f"{field}.weight", _(
            "A weight is a positive number up to 1000 with at most two decimals."))
    return weight


def _summary(rows: Sequence[SchemeIndicator]) -> list[dict[str, object]]:
    return [{"code": r.code, "weight": str(r.weight), "applies_to": r.applies_to,
             "rule": r.rule, "when_missing": r.when_missing} for r in rows]

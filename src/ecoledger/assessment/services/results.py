"""Results: a what-if preview that stores nothing, publishing (freezing), and checking.

The period of a computation is the scheme's year up to yesterday (or the whole
year once it is over). A publication keeps its period, so that checking it
later recomputes exactly what it was computed from and can say whether the
data behind it have changed since.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ecoledger.assessment.catalogue import Period
from ecoledger.assessment.choices import UnitKind, VersionStatus
from ecoledger.assessment.compute import Computation, compute
from ecoledger.assessment.models import (
    IndicatorResult,
    Publication,
    Scheme,
    SchemeVersion,
    UnitResult,
)
from ecoledger.assessment.services.checks import check_may_manage, check_may_preview
from ecoledger.audit.services import record
from ecoledger.lib import clock
from ecoledger.lib.errors import StateConflict
from ecoledger.org.models import User


def current_period(version: SchemeVersion) -> Period:
    return Period.of(version.scheme.year, clock.today())


def preview_results(version: SchemeVersion, *, acting_user: User) -> Computation:
    """What the version would give today, of any status, drafts included; nothing is stored.

    Reads only, so it runs outside a transaction and writes no audit event.
    """
    check_may_preview(acting_user)
    return compute(version, current_period(version))


def publish_results(version: SchemeVersion, *, acting_user: User, note: str = "") -> Publication:
    """Compute the adopted version's results and freeze them as the year's publication.

    Steps: refuse a version that is not the adopted one; compute, before the
    transaction (on SQLite a write transaction holds every other writer, the
    receivers' included, while it lasts, and a year of 100,000 problems takes
    seconds); then in one transaction lock the scheme (publication numbers are
    per year), check again that the version is the adopted one, write the
    publication, one row per unit and one per unit and indicator, and record the
    event with the inputs hash.
    """
    check_may_manage(acting_user)
    _check_adopted(SchemeVersion.objects.get(pk=version.pk))
    computation = compute(version, current_period(version))
    return _store(version, computation, acting_user, note.strip())


@transaction.atomic
def _store(version: SchemeVersion, computation: Computation, acting_user: User,
           note: str) -> Publication:
    scheme = Scheme.objects.select_for_update().get(pk=version.scheme_id)
    _check_adopted(SchemeVersion.objects.get(pk=version.pk))
    number = (Publication.objects.filter(year=scheme.year).aggregate(last=Max("number"))["last"]
              or 0) + 1
    publication = Publication.objects.create(
        version=version, year=scheme.year, number=number, period_start=computation.period.start,
        period_end=computation.period.end, inputs_sha256=computation.inputs_sha256, note=note,
        published_by=acting_user, published_at=clock.now())
    _freeze(publication, computation)
    record("assessment.results.published", actor=acting_user, target=publication,
           subject=scheme,
           changes={"inputs_sha256": [None, computation.inputs_sha256],
                    "period": [None, f"{computation.period.start} – {computation.period.end}"]},
           message=note)
    return publication


def _check_adopted(version: SchemeVersion) -> None:
    if version.status != VersionStatus.ADOPTED:
        raise StateConflict(_("Only the adopted version's results are published; version "
                              "%(number)s is %(status)s.") % {
            "number": version.number, "status": version.get_status_display()},
            code="version_not_adopted")


def _freeze(publication: Publication, computation: Computation) -> None:
    units = [
        UnitResult(publication=publication, kind=unit.kind,
                   district_id=unit.unit_id if unit.kind == UnitKind.DISTRICT else None,
                   department_id=unit.unit_id if unit.kind == UnitKind.DEPARTMENT else None,
                   total=unit.total, rank=unit.rank, ranked_among=unit.ranked_among)
        for unit in computation.units
    ]
    UnitResult.objects.bulk_create(units)
    IndicatorResult.objects.bulk_create([
        IndicatorResult(
            unit_result=row, position=item.position, code=item.code, weight=item.weight,
            value=item.value, score=item.score, adjustment=item.adjustment,
            weighted_score=item.weighted_score, details=item.details,
            exemptions=item.exemptions, appeals=item.appeals)
        for row, unit in zip(units, computation.units, strict=True)
        for item in unit.indicators
    ], batch_size=1000)


@dataclass(frozen=True)
class PublicationCheck:
    publication: Publication
    published_sha256: str
    current_sha256: str

    @property
    def inputs_changed(self) -> bool:
        return self.published_sha256 != self.current_sha256


def check_publication(publication: Publication, *, acting_user: User) -> PublicationCheck:
    """Recompute a publication over its own period with today's data: did the inputs move?

    The publication itself never changes; this says whether a recomputation
    would, so the office knows when a correction (a new publication) is due.
    """
    check_may_preview(acting_user)
    period = Period.between(publication.period_start, publication.period_end)
    again = compute(publication.version, period)
    return PublicationCheck(publication, publication.inputs_sha256, again.inputs_sha256)

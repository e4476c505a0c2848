"""Publishing freezes results; later data moves a recomputation, never the publication."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ecoledger.assessment import selectors, services
from ecoledger.assessment.choices import UnitKind, VersionStatus
from ecoledger.assessment.models import IndicatorResult, Publication, UnitResult
from ecoledger.audit.models import Event
from ecoledger.lib.errors import StateConflict
from tests.assessment.factories import (
    LINEAR_ON_TIME,
    OVERDUE_CASES,
    YEAR,
    accept,
    adopted_version,
    due_problem,
    on,
    submit,
)

pytestmark = pytest.mark.django_db


def _frozen(publication: Publication) -> list[tuple]:
    return [
        (u.kind, u.unit_id, u.total, u.rank,
         [(i.code, i.value, i.score, i.weighted_score, i.details) for i in u.indicators.all()])
        for u in publication.units.order_by("kind", "pk")
    ]


def test_a_published_result_stays_when_later_data_change(year_of_work):
    city = year_of_work.city
    version = adopted_version(city, [LINEAR_ON_TIME, OVERDUE_CASES])
    with on(date(YEAR + 1, 1, 10)):
        publication = services.publish_results(version, acting_user=city.supervisor)
    frozen = _frozen(publication)
    district_one = UnitResult.objects.get(publication=publication, district=city.districts[0])
    assert (district_one.total, district_one.rank) == (Decimal("66.00"), 1)

    # Later: p4 (open, overdue) is finally closed, and a problem due in the year turns up.
    late = year_of_work.district_one[3]
    submit(city, late, date(YEAR + 1, 1, 20))
    accept(city, late, date(YEAR + 1, 1, 21))
    due_problem(city, district=1, deadline=date(YEAR + 1, 3, 1), registered=date(YEAR + 1, 1, 22))
    with on(date(YEAR + 1, 2, 1)):
        check = services.check_publication(publication, acting_user=city.supervisor)
        again = services.preview_results(version, acting_user=city.supervisor)

    publication.refresh_from_db()
    assert _frozen(publication) == frozen
    assert check.inputs_changed
    # The drill-down lists today's rows and says they no longer give the published figures.
    found = selectors.drilldown(city.supervisor, year=YEAR, kind=UnitKind.DISTRICT,
                                unit_id=city.districts[0].pk, code="on_time_closure")
    assert found.published.value == Decimal("75.00")
    assert found.matches_published is False
    assert check.published_sha256 == publication.inputs_sha256 != check.current_sha256
    assert again.inputs_sha256 == check.current_sha256
    # p4 was submitted after the period: its overdue days inside the period, and so the
    # recomputed total, are unchanged; what moved is the rows behind them (the hash).
    district = next(u for u in again.units if u.unit_id == city.districts[0].pk)
    assert district.total == Decimal("66.00")


def test_a_recomputation_without_new_data_has_the_same_hash(year_of_work):
    city = year_of_work.city
    version = adopted_version(city, [LINEAR_ON_TIME, OVERDUE_CASES])
    with on(date(YEAR + 1, 1, 10)):
        publication = services.publish_results(version, acting_user=city.supervisor)
        check = services.check_publication(publication, acting_user=city.supervisor)

    assert not check.inputs_changed


def test_closing_a_problem_after_publishing_changes_the_inputs_hash(year_of_work):
    city = year_of_work.city
    version = adopted_version(city, [LINEAR_ON_TIME])
    with on(date(YEAR, 11, 1)):
        publication = services.publish_results(version, acting_user=city.supervisor)
    assert publication.period_end == date(YEAR, 10, 31)

    late = year_of_work.district_one[3]
    submit(city, late, date(YEAR, 11, 2))
    accept(city, late, date(YEAR, 11, 3))
    with on(date(YEAR, 11, 4)):
        check = services.check_publication(publication, acting_user=city.supervisor)

    assert check.inputs_changed


def test_an_adopted_version_is_frozen_and_a_change_is_a_new_version(year_of_work):
    city = year_of_work.city
    version = adopted_version(city, [LINEAR_ON_TIME])

    with pytest.raises(StateConflict):
        services.update_version(version, acting_user=city.supervisor, note="tweak")
    with on(date(YEAR + 1, 1, 5)):
        services.publish_results(version, acting_user=city.supervisor)
        draft = services.create_version(version.scheme, acting_user=city.supervisor)
        services.update_version(draft, acting_user=city.supervisor,
                                indicators=[LINEAR_ON_TIME, OVERDUE_CASES])
        with pytest.raises(StateConflict):
            services.publish_results(draft, acting_user=city.supervisor)
        services.adopt_version(draft, acting_user=city.supervisor)
        second = services.publish_results(draft, acting_user=city.supervisor)

    version.refresh_from_db()
    assert version.status == VersionStatus.SUPERSEDED
    assert list(version.indicators.values_list("code", flat=True)) == ["on_time_closure"]
    assert (second.number, second.version_id) == (2, draft.pk)
    assert Publication.objects.current(YEAR) == second
    assert Publication.objects.get(number=1).version_id == version.pk


def test_the_preview_of_a_draft_stores_nothing(year_of_work):
    city = year_of_work.city
    scheme = services.create_scheme(acting_user=city.supervisor, year=YEAR, name="Draft",
                                    indicators=[LINEAR_ON_TIME, OVERDUE_CASES])
    draft = scheme.versions.get()
    counts = (Publication.objects.count(), UnitResult.objects.count(),
              IndicatorResult.objects.count(), Event.objects.count())

    with on(date(YEAR + 1, 1, 10)):
        computation = services.preview_results(draft, acting_user=city.supervisor)

    assert draft.status == VersionStatus.DRAFT
    assert [u.total for u in computation.ranking(UnitKind.DISTRICT)] == [Decimal("66.00"),
                                                                         Decimal("56.00")]
    assert (Publication.objects.count(), UnitResult.objects.count(),
            IndicatorResult.objects.count(), Event.objects.count()) == counts

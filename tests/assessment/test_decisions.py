"""Exemptions and appeals change a score only through their decided records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ecoledger.assessment import selectors, services
from ecoledger.assessment.choices import ExemptionGround, UnitKind
from ecoledger.lib.errors import ActionRefused, InvalidInput, StateConflict
from ecoledger.org.choices import Role
from tests.assessment.factories import LINEAR_ON_TIME, OVERDUE_CASES, YEAR, adopted_version, on
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _district(computation, district):
    unit = next(u for u in computation.units if u.kind == UnitKind.DISTRICT
                and u.unit_id == district.pk)
    return unit, {i.code: i for i in unit.indicators}


def _preview(city, version):
    with on(date(YEAR + 1, 1, 15)):
        return services.preview_results(version, acting_user=city.supervisor)


def test_an_approved_exemption_takes_the_problem_out_of_that_units_indicator(year_of_work):
    city = year_of_work.city
    version = adopted_version(city, [LINEAR_ON_TIME, OVERDUE_CASES])
    flooded = year_of_work.district_one[3]  # open and overdue
    exemption = services.record_exemption(
        acting_user=city.supervisor, year=YEAR, unit=city.districts[0],
        ground=ExemptionGround.FORCE_MAJEURE, reason="The July flood destroyed the works.",
        problem=flooded)

    pending = _preview(city, version)
    services.decide_exemption(exemption, acting_user=city.second_supervisor, approve=True,
                              note="Flood confirmed by the water bureau")
    decided = _preview(city, version)

    unit, lines = _district(pending, city.districts[0])
    assert (lines["on_time_closure"].value, unit.total) == (Decimal("75.00"), Decimal("66.00"))
    unit, lines = _district(decided, city.districts[0])
    # Without p4: 3 of 3 on time = 100.00 % → 100 points; no overdue problem → 100 points.
    assert lines["on_time_closure"].value == Decimal("100.00")
    assert lines["overdue_count"].value == Decimal("0")
    assert unit.total == Decimal("100.00")
    assert lines["on_time_closure"].exemptions == [exemption.pk]
    assert lines["overdue_count"].exemptions == [exemption.pk]
    # The first department is responsible for p4 too, but the exemption names the district.
    department = next(u for u in decided.units if u.unit_id == city.departments[0].pk
                      and u.kind == UnitKind.DEPARTMENT)
    assert department.total == Decimal("36.00")
    # The drill-down still lists the problem, marked as exempted.
    with on(date(YEAR + 1, 1, 15)):
        found = selectors.drilldown(city.supervisor, year=YEAR, kind=UnitKind.DISTRICT,
                                    unit_id=city.districts[0].pk, code="on_time_closure",
                                    version=version)
    assert {row["code"]: row["exempted"] for row in found.drilldown.rows}[flooded.code] is True
    assert sum(row["exempted"] for row in found.drilldown.rows) == 1


def test_a_refused_exemption_changes_nothing_and_is_decided_once(year_of_work):
    city = year_of_work.city
    version = adopted_version(city, [LINEAR_ON_TIME])
    exemption = services.record_exemption(
        acting_user=city.supervisor, year=YEAR, unit=city.districts[0],
        ground=ExemptionGround.OTHER, reason="We were busy.", indicator_code="on_time_closure",
        problem=year_of_work.district_one[3])
    before = _preview(city, version).inputs_sha256

    services.decide_exemption(exemption, acting_user=city.supervisor, approve=False)

    assert _preview(city, version).inputs_sha256 == before
    with pytest.raises(StateConflict):
        services.decide_exemption(exemption, acting_user=city.supervisor, approve=True)


def test_an_exemption_must_name_an_item_of_the_unit(year_of_work):
    city = year_of_work.city
    with pytest.raises(InvalidInput) as error:
        services.record_exemption(
            acting_user=city.supervisor, year=YEAR, unit=city.districts[1],
            ground=ExemptionGround.FORCE_MAJEURE, reason="Flood",
            problem=year_of_work.district_one[0])
    assert "problem" in error.value.fields
    with pytest.raises(ActionRefused):
        services.record_exemption(
            acting_user=make_user(Role.LEADER), year=YEAR, unit=city.districts[0],
            ground=ExemptionGround.FORCE_MAJEURE, reason="Flood",
            problem=year_of_work.district_one[0])


def test_an_upheld_appeal_applies_its_recorded_adjustment(year_of_work):
    city = year_of_work.city
    version = adopted_version(city, [LINEAR_ON_TIME, OVERDUE_CASES])
    with on(date(YEAR + 1, 1, 10)):
        publication = services.publish_results(version, acting_user=city.supervisor)
    appeal = services.file_appeal(
        acting_user=city.supervisor, unit=city.districts[1], indicator_code="on_time_closure",
        reason="q2 was late because the site was sealed by court order", publication=publication)
    dismissed = services.file_appeal(
        acting_user=city.supervisor, unit=city.districts[1], indicator_code="overdue_count",
        reason="Not our fault", publication=publication)

    pending = _preview(city, version)
    services.decide_appeal(appeal, acting_user=city.supervisor, uphold=True,
                           adjustment=Decimal("20"), note="Court order on file")
    services.decide_appeal(dismissed, acting_user=city.supervisor, uphold=False)
    decided = _preview(city, version)

    assert _district(pending, city.districts[1])[0].total == Decimal("56.00")
    unit, lines = _district(decided, city.districts[1])
    # 33.34 by the rule + 20 by appeal = 53.34; total (53.34 × 60 + 90 × 40) / 100 = 68.004.
    assert (lines["on_time_closure"].score, lines["on_time_closure"].adjustment) == (
        Decimal("53.34"), Decimal("20"))
    assert lines["on_time_closure"].appeals == [appeal.pk]
    assert lines["overdue_count"].appeals == []
    assert unit.total == Decimal("68.00")
    assert unit.rank == 1
    # The publication made before the decision keeps its figures.
    assert publication.units.get(district=city.districts[1]).total == Decimal("56.00")


def test_an_upheld_appeal_needs_an_adjustment_and_a_score_stays_within_0_to_100(year_of_work):
    city = year_of_work.city
    version = adopted_version(city, [LINEAR_ON_TIME])
    appeal = services.file_appeal(acting_user=city.supervisor, unit=city.districts[0],
                                  indicator_code="on_time_closure", reason="x", version=version)
    with pytest.raises(InvalidInput):
        services.decide_appeal(appeal, acting_user=city.supervisor, uphold=True)

    services.decide_appeal(appeal, acting_user=city.supervisor, uphold=True,
                           adjustment=Decimal("80"))

    _unit, lines = _district(_preview(city, version), city.districts[0])
    assert lines["on_time_closure"].score == Decimal("100")  # 50 + 80, capped
    with pytest.raises(InvalidInput):
        services.file_appeal(acting_user=city.supervisor, unit=city.districts[0],
                             indicator_code="overdue_count", reason="x", version=version)

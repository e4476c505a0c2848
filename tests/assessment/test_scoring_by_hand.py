"""A small scheme scored by hand, in the test, and by the platform: the same numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ecoledger.assessment import services
from ecoledger.assessment.choices import UnitKind
from tests.assessment.factories import (
    LINEAR_ON_TIME,
    OVERDUE_CASES,
    YEAR,
    adopted_version,
    on,
)

pytestmark = pytest.mark.django_db


def _by_unit(computation, kind):
    return {unit.unit_id: unit for unit in computation.ranking(kind)}


def _figures(unit):
    return {i.code: (i.value, i.score, i.weighted_score) for i in unit.indicators}


def test_the_platform_scores_a_small_scheme_as_a_hand_computation_does(year_of_work):
    city = year_of_work.city
    version = adopted_version(city, [LINEAR_ON_TIME, OVERDUE_CASES])

    with on(date(YEAR + 1, 1, 15)):
        computation = services.preview_results(version, acting_user=city.supervisor)

    # District 1: 3 of 4 problems due were closed by their deadline: 75.00 %.
    # Linear from 50 % (0 points) to 100 % (100 points): (75 − 50) / (100 − 50) × 100 = 50.00.
    # One problem overdue (p4): 100 − 10 × 1 = 90.00.
    # Total: (50.00 × 60 + 90.00 × 40) / (60 + 40) = 66.00; weighted 30.00 and 36.00.
    # District 2: 2 of 3 on time: 66.67 % → (66.67 − 50) / 50 × 100 = 33.34.
    # One overdue (q2, submitted ten days late): 90.00.
    # Total: (33.34 × 60 + 90.00 × 40) / 100 = 56.004 → 56.00; weighted 20.00 and 36.00.
    one, two = (d.pk for d in city.districts)
    districts = _by_unit(computation, UnitKind.DISTRICT)
    assert _figures(districts[one]) == {
        "on_time_closure": (Decimal("75.00"), Decimal("50.00"), Decimal("30.00")),
        "overdue_count": (Decimal("1"), Decimal("90.00"), Decimal("36.00")),
    }
    assert _figures(districts[two]) == {
        "on_time_closure": (Decimal("66.67"), Decimal("33.34"), Decimal("20.00")),
        "overdue_count": (Decimal("1"), Decimal("90.00"), Decimal("36.00")),
    }
    assert (districts[one].total, districts[one].rank) == (Decimal("66.00"), 1)
    assert (districts[two].total, districts[two].rank) == (Decimal("56.00"), 2)

    # Department 1 is responsible for p1 (on time) and p4 (open, overdue): 1 of 2 = 50.00 %
    # → 0.00 points; one overdue → 90.00; total (0 × 60 + 90 × 40) / 100 = 36.00.
    # Department 2 is responsible for q1–q3 (as district 2) and only cooperates on p4.
    first, second = (d.pk for d in city.departments)
    departments = _by_unit(computation, UnitKind.DEPARTMENT)
    assert _figures(departments[first])["on_time_closure"][:2] == (Decimal("50.00"),
                                                                  Decimal("0.00"))
    assert (departments[first].total, departments[first].rank) == (Decimal("36.00"), 2)
    assert (departments[second].total, departments[second].rank) == (Decimal("56.00"), 1)
    assert [u.unit_id for u in computation.ranking(UnitKind.DEPARTMENT)] == [second, first]


def test_overdue_days_count_only_days_inside_the_period(year_of_work):
    city = year_of_work.city
    days = services.IndicatorInput("overdue_days", 1, {"kind": "deduction", "per_case": 0.1,
                                                       "cap": 100})
    version = adopted_version(city, [days])

    with on(date(YEAR + 1, 3, 1)):
        computation = services.preview_results(version, acting_user=city.supervisor)

    # p4: 1 October to 31 December = 92 days; q2: 1 to 10 June = 10 days.
    districts = _by_unit(computation, UnitKind.DISTRICT)
    one, two = (d.pk for d in city.districts)
    assert districts[one].indicators[0].value == Decimal(92)
    assert districts[one].indicators[0].score == Decimal("90.80")  # 100 − 0.1 × 92
    assert districts[two].indicators[0].value == Decimal(10)
    assert districts[two].indicators[0].score == Decimal("99.00")  # 100 − 0.1 × 10

"""The catalogue's environmental indicators from hand-made monitoring data."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from ecoledger.assessment.catalogue import CATALOGUE, Context, Period
from ecoledger.assessment.choices import UnitKind
from ecoledger.monitoring.choices import DataType, PointKind
from ecoledger.monitoring.models import MonitoringPoint, Reading
from ecoledger.monitoring.parameters import parameter_ids
from tests.assessment.factories import SHANGHAI, YEAR
from tests.monitoring.factories import make_point

pytestmark = pytest.mark.django_db

THREE_DAYS = Period(YEAR, date(YEAR, 1, 1), date(YEAR, 1, 3))


def _hours(point: MonitoringPoint, code: str, day: date, values: list[float]) -> list[Reading]:
    parameter = parameter_ids()[code]
    start = datetime.combine(day, time(), tzinfo=SHANGHAI)
    return [Reading(point=point, parameter_id=parameter, data_type=DataType.HOUR,
                    observed_at=start + timedelta(hours=h), value=v, received_at=start)
            for h, v in enumerate(values)]


@pytest.fixture
def stations(city):
    air = make_point(city.towns[0][0], mn="AIR0001", kind=PointKind.AIR_STATION)
    good = make_point(city.towns[1][0], mn="WATER001", kind=PointKind.WATER_SECTION,
                      target_class=3)
    poor = make_point(city.towns[1][1], mn="WATER002", kind=PointKind.WATER_SECTION,
                      target_class=2)
    readings = [
        # This year: a clean day (PM2.5 20 → AQI 29), a polluted one (150 → AQI 200), and a
        # day of 10 hours, too few for a daily mean (GB 3095: 20).
        *_hours(air, "a34004", date(YEAR, 1, 1), [20.0] * 24),
        *_hours(air, "a34004", date(YEAR, 1, 2), [150.0] * 24),
        *_hours(air, "a34004", date(YEAR, 1, 3), [30.0] * 10),
        # Last year's same days: two clean days.
        *_hours(air, "a34004", date(YEAR - 1, 1, 1), [20.0] * 24),
        *_hours(air, "a34004", date(YEAR - 1, 1, 2), [20.0] * 24),
        # Sections: NH3-N 0.8 and DO 6 make class III (target III: met); TP 0.25 makes class
        # IV (target II: missed).
        *_hours(good, "w21003", date(YEAR, 1, 1), [0.7, 0.9]),
        *_hours(good, "w01009", date(YEAR, 1, 1), [6.0, 6.0]),
        *_hours(poor, "w21011", date(YEAR, 1, 2), [0.25]),
    ]
    Reading.objects.bulk_create(readings)
    return air, good, poor


def _measure(code: str):
    return CATALOGUE[code].measure(Context(THREE_DAYS), UnitKind.DISTRICT)


def test_good_air_days_and_their_change_on_last_year(city, stations):
    one = city.districts[0].pk

    share = _measure("good_air_share")[one]
    change = _measure("good_air_change")[one]

    # 1 good day out of 2 with an AQI (the third day has no daily mean) = 50.00 %;
    # last year 2 of 2 = 100.00 %: a change of −50.00 points.
    assert (share.figures, share.value) == (
        {"good_days": 1, "valid_days": 2, "stations": 1}, Decimal("50.00"))
    assert change.value == Decimal("-50.00")


def test_pm25_change_on_last_year(city, stations):
    measured = _measure("pm25_change")[city.districts[0].pk]

    # This year (20 + 150) / 2 = 85.00 µg/m³, last year 20.00: (85 − 20) / 20 × 100 = 325.00 %.
    assert measured.figures["this_mean"] == "85.00"
    assert measured.figures["last_mean"] == "20.00"
    assert measured.value == Decimal("325.00")


def test_water_sections_meeting_their_target_class(city, stations):
    measured = _measure("water_target_share")[city.districts[1].pk]

    assert measured.figures == {"sections": 2, "assessed": 2, "meeting": 1}
    assert measured.value == Decimal("50.00")
    rows = CATALOGUE["water_target_share"].drilldown(
        Context(THREE_DAYS), UnitKind.DISTRICT, city.districts[1].pk).rows
    assert [(r["mn"], r["section_class"], r["meets"]) for r in rows] == [
        ("WATER001", "III", True), ("WATER002", "IV", False)]


def test_data_completeness_counts_valid_values_against_one_an_hour_per_parameter(
        city, stations):
    air_district = _measure("data_completeness")[city.districts[0].pk]
    water_district = _measure("data_completeness")[city.districts[1].pk]

    # The air station: 24 + 24 + 10 = 58 PM2.5 values of 6 pollutants × 72 hours = 432
    # expected: 13.43 %. The sections: 2 + 2 of 2 items × 72, and 1 of 1 item × 72: 5 of 216.
    assert air_district.figures == {"stations": 1, "values": 58, "expected": 432}
    assert air_district.value == Decimal("13.43")
    assert water_district.figures == {"stations": 2, "values": 5, "expected": 216}
    assert water_district.value == Decimal("2.31")


def test_departments_are_not_scored_on_the_environment():
    assert all(CATALOGUE[code].kinds == {UnitKind.DISTRICT} for code in (
        "good_air_share", "good_air_change", "pm25_change", "water_target_share",
        "data_completeness"))

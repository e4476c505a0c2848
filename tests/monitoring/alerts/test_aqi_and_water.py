"""AQI alerts at air stations and target-class alerts at water sections."""

from __future__ import annotations

import numpy as np
import pytest

from ecoledger.ledger.models import Problem
from ecoledger.monitoring.air_quality import POLLUTANT_CODES
from ecoledger.monitoring.alerts.conditions import relative_excess
from ecoledger.monitoring.alerts.judges import WATER_ITEMS, water_bounds
from ecoledger.monitoring.choices import AlertKind, AlertStatus, PointKind
from ecoledger.monitoring.models import Alert
from ecoledger.monitoring.standards import compute_aqi, item_class
from ecoledger.monitoring.standards.water import water_item
from ecoledger.org.choices import WaterBodyKind
from ecoledger.org.models import WaterBody
from tests.monitoring.alerts.factories import (
    add_readings,
    evaluate_at,
    hours,
    make_point,
    parameter,
)

pytestmark = pytest.mark.django_db

CLEAN_AIR = {"so2": 10.0, "no2": 30.0, "co": 0.5, "o3": 60.0, "pm10": 40.0}
PM25 = [40.0, 130.0, 130.0, 135.0, 60.0, 50.0, 40.0]


def air_station(city, pm25):
    station = make_point(city.towns[0][0], kind=PointKind.AIR_STATION, name="城南监测站")
    readings = {}
    for key, value in CLEAN_AIR.items():
        readings[key] = add_readings(station, POLLUTANT_CODES[key], [value] * len(pm25))
    readings["pm25"] = add_readings(station, POLLUTANT_CODES["pm25"], pm25)
    return station, readings


def test_hours_at_moderate_pollution_open_one_aqi_alert_without_a_problem(city):
    station, readings = air_station(city, PM25)

    evaluate_at(hours(len(PM25)))

    alert = Alert.objects.get(point=station, kind=AlertKind.AQI)
    expected_peak = compute_aqi({**CLEAN_AIR, "pm25": 135.0}, rule_set="2026", daily=False)
    assert alert.parameter is None
    assert (alert.opened_at, alert.threshold, alert.peak) == (
        hours(1),
        150.0,
        float(expected_peak.aqi),
    )
    assert (alert.status, alert.resolved_at) == (AlertStatus.RESOLVED, hours(4))
    assert set(alert.evidence.values_list("reading_id", flat=True)) == {
        r.pk for r in readings["pm25"][1:4]
    }
    assert not Problem.objects.exists()


def test_one_hour_at_moderate_pollution_is_no_alert(city):
    station, _ = air_station(city, [40.0, 130.0, 60.0, 50.0])

    evaluate_at(hours(4))

    assert not Alert.objects.filter(point=station, kind=AlertKind.AQI).exists()


@pytest.fixture
def section(city):
    river = WaterBody.objects.create(name="秦淮河", kind=WaterBodyKind.RIVER)
    return make_point(
        city.towns[0][0],
        kind=PointKind.WATER_SECTION,
        name="七桥瓮断面",
        water_body=river,
        target_class=3,
    )


def test_ammonia_worse_than_the_target_class_opens_an_alert_and_a_problem(section):
    add_readings(section, "w21003", [0.8, 1.6, 1.7, 1.8])

    evaluate_at(hours(4))

    alert = Alert.objects.get(point=section, kind=AlertKind.WATER_CLASS)
    assert (alert.opened_at, alert.threshold, alert.peak) == (hours(1), 1.0, 1.8)
    problem = alert.problem
    assert problem.title == "七桥瓮断面氨氮劣于III类水质目标"
    assert (problem.origin, problem.domain, problem.water_body) == (
        "monitoring",
        "water",
        section.water_body,
    )


def test_dissolved_oxygen_is_worse_when_below_its_limit(section):
    add_readings(section, "w01009", [6.0, 4.0, 3.5, 4.2, 6.0])

    evaluate_at(hours(5))

    alert = Alert.objects.get(point=section, kind=AlertKind.WATER_CLASS)
    assert (alert.opened_at, alert.threshold, alert.peak) == (hours(1), 5.0, 3.5)


def test_a_section_without_target_class_is_not_judged(section):
    section.target_class = None
    section.save()
    add_readings(section, "w21003", [3.0, 3.0, 3.1])

    evaluate_at(hours(3))

    assert not Alert.objects.filter(kind=AlertKind.WATER_CLASS).exists()


@pytest.mark.parametrize("code", sorted(WATER_ITEMS))
@pytest.mark.parametrize("target", [1, 2, 3, 4, 5])
def test_the_bounds_judge_as_the_gb3838_class_does(section, code, target):
    section.target_class = target
    key = WATER_ITEMS[code]
    limits = water_item(key, "river").limits
    values = np.array(sorted({v * f for v in limits for f in (0.5, 0.99, 1.0, 1.01, 2.0)}))

    lower, upper = water_bounds(section, parameter(code))

    beyond = relative_excess(values, upper=upper, lower=lower) > 0
    assert beyond.tolist() == (item_class(values, key) > target).tolist()

"""Invalid values raise data-quality alerts, never exceedances; silent points go missing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ecoledger.lib import clock
from ecoledger.monitoring.alerts import check_missing_data
from ecoledger.monitoring.choices import AlertKind, AlertStatus
from ecoledger.monitoring.models import Alert, MaintenanceWindow
from tests.monitoring.alerts.factories import (
    SO2,
    add_readings,
    evaluate_at,
    hours,
    make_point,
)

pytestmark = pytest.mark.django_db



def kinds(point):
    return sorted(Alert.objects.filter(point=point).values_list("kind", flat=True))


@pytest.mark.parametrize("flag", ["M", "C", "D", "F"])
def test_flagged_values_over_the_limit_raise_a_device_alert_not_an_exceedance(stack, flag):
    readings = add_readings(stack, SO2, [500, 600, 700, 800], flags=flag)

    evaluate_at(hours(4))

    alert = Alert.objects.get(point=stack)
    assert (alert.kind, alert.parameter.code, alert.opened_at) == (
        AlertKind.DEVICE,
        SO2,
        hours(0),
    )
    assert alert.evidence.count() == len(readings)


def test_values_inside_a_maintenance_window_never_exceed(stack):
    MaintenanceWindow.objects.create(
        point=stack,
        starts_at=hours(0),
        ends_at=hours(3) + timedelta(minutes=30),
        reason="脱硫塔检修",
    )
    add_readings(stack, SO2, [500, 600, 700, 800])

    evaluate_at(hours(4))

    assert kinds(stack) == [AlertKind.DEVICE]


def test_a_flagged_hour_inside_an_exceedance_neither_counts_nor_breaks_it(stack):
    add_readings(stack, SO2, [120, 130, 500, 125], flags="NNCN")

    evaluate_at(hours(4))

    alert = Alert.objects.get(point=stack, kind=AlertKind.EXCEEDANCE)
    assert (alert.opened_at, alert.peak, alert.evidence.count()) == (hours(0), 130.0, 3)


def test_the_device_alert_resolves_when_valid_values_come_back(stack):
    add_readings(stack, SO2, [50, 50, 50, 40, 40], flags="MMMNN")

    evaluate_at(hours(5))

    alert = Alert.objects.get(point=stack)
    assert (alert.status, alert.resolved_at) == (AlertStatus.RESOLVED, hours(3))


def test_negative_values_raise_an_out_of_range_alert(stack):
    add_readings(stack, SO2, [-3, -4, -2])

    evaluate_at(hours(3))

    assert kinds(stack) == [AlertKind.OUT_OF_RANGE]


def test_values_above_the_measuring_range_raise_an_out_of_range_alert(stack):
    add_readings(stack, SO2, [900, 950, 990], flags="T")

    evaluate_at(hours(3))

    assert kinds(stack) == [AlertKind.OUT_OF_RANGE]


def test_an_impossible_ph_is_out_of_range(city):
    outlet = make_point(city.towns[0][0], kind="wastewater")
    add_readings(outlet, "w01001", [15.2, 15.3, 15.1])

    evaluate_at(hours(3))

    assert kinds(outlet) == [AlertKind.OUT_OF_RANGE]


def test_a_negative_flue_gas_temperature_is_no_alert(stack):
    add_readings(stack, "a01012", [-5.0, -4.0, -6.0])

    evaluate_at(hours(3))

    assert kinds(stack) == []


def test_six_identical_hourly_values_are_a_flat_line(stack):
    readings = add_readings(stack, SO2, [42.0] * 6)

    evaluate_at(hours(6))

    alert = Alert.objects.get(point=stack)
    assert (alert.kind, alert.opened_at, alert.peak) == (AlertKind.FLAT_LINE, hours(5), 42.0)
    assert alert.evidence.count() == len(readings)


def test_five_identical_values_are_not_yet_a_flat_line(stack):
    add_readings(stack, SO2, [42.0] * 5 + [43.0])

    evaluate_at(hours(6))

    assert kinds(stack) == []


def test_a_point_silent_for_more_than_twice_its_interval_goes_missing(stack):
    add_readings(stack, SO2, [50, 50])  # last received at hours(2)

    with clock.frozen_at(hours(4) + timedelta(seconds=1)):
        result = check_missing_data()

    alert = Alert.objects.get(point=stack, kind=AlertKind.MISSING)
    assert alert.parameter is None
    assert (alert.status, alert.opened_at) == (AlertStatus.OPEN, hours(4))
    assert result == {"opened": 1, "resolved": 0, "problems": 0}


def test_missing_data_is_checked_once_and_resolved_when_data_return(stack):
    add_readings(stack, SO2, [50, 50])
    with clock.frozen_at(hours(5)):
        check_missing_data()
        again = check_missing_data()
    add_readings(stack, SO2, [51], start=hours(5))

    with clock.frozen_at(hours(6)):
        result = check_missing_data()

    alert = Alert.objects.get(point=stack, kind=AlertKind.MISSING)
    assert again["opened"] == 0
    assert (alert.status, alert.resolved_at) == (AlertStatus.RESOLVED, hours(6))
    assert result["resolved"] == 1


def test_a_point_that_never_sent_data_or_is_in_declared_maintenance_is_not_missing(city, stack):
    make_point(city.towns[0][0], name="未投运点位")
    add_readings(stack, SO2, [50])
    MaintenanceWindow.objects.create(
        point=stack, starts_at=hours(1), ends_at=hours(48), reason="停产检修"
    )

    with clock.frozen_at(hours(10)):
        check_missing_data()

    assert not Alert.objects.filter(kind=AlertKind.MISSING).exists()

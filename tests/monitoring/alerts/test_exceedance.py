"""The evaluation job over a stack's SO2 against its permit limit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ecoledger.audit.models import Event
from ecoledger.ledger.models import Problem
from ecoledger.monitoring.choices import AlertKind, AlertStatus, DataType
from ecoledger.monitoring.models import Alert, AlertEvidence, AlertRule
from tests.monitoring.alerts.factories import (
    SO2,
    add_readings,
    evaluate_at,
    hours,
)

pytestmark = pytest.mark.django_db



def exceedances(point):
    return Alert.objects.filter(point=point, kind=AlertKind.EXCEEDANCE).order_by("opened_at")


def state():
    """Everything an evaluation may change."""
    return (
        list(Alert.objects.order_by("pk").values()),
        sorted(AlertEvidence.objects.values_list("alert_id", "reading_id")),
        list(Problem.objects.order_by("pk").values("pk", "status", "title")),
        Event.objects.count(),
    )


def test_three_hours_over_the_limit_open_one_alert_from_the_first_of_them(stack):
    readings = add_readings(stack, SO2, [90, 120, 130, 125])

    result = evaluate_at(hours(5))

    alert = exceedances(stack).get()
    assert (alert.status, alert.opened_at, alert.last_seen_at) == (
        AlertStatus.OPEN,
        hours(1),
        hours(3),
    )
    assert (alert.threshold, alert.peak) == (100.0, 130.0)
    assert set(alert.evidence.values_list("reading_id", flat=True)) == {r.pk for r in readings[1:]}
    assert result["opened"] == 1


def test_two_hours_over_the_limit_open_nothing(stack):
    add_readings(stack, SO2, [90, 120, 130, 95])

    evaluate_at(hours(5))

    assert not exceedances(stack).exists()


def test_a_run_split_between_two_evaluations_still_opens_the_alert(stack):
    add_readings(stack, SO2, [120, 130])
    evaluate_at(hours(2))
    add_readings(stack, SO2, [125], start=hours(2))

    evaluate_at(hours(3))

    assert exceedances(stack).get().opened_at == hours(0)


def test_it_resolves_at_the_first_of_three_compliant_hours_with_hysteresis(stack):
    add_readings(stack, SO2, [90, 120, 130, 125, 99, 110, 97, 101, 80, 70, 60, 50])

    evaluate_at(hours(12))

    alert = exceedances(stack).get()
    assert alert.status == AlertStatus.RESOLVED
    assert (alert.last_seen_at, alert.resolved_at) == (hours(7), hours(8))
    assert alert.evidence.count() == 5


def test_a_value_flapping_around_the_limit_keeps_one_episode_open(stack):
    add_readings(stack, SO2, [101, 102, 103, 99, 101, 98, 102, 97, 101, 99, 103, 96, 101])

    evaluate_at(hours(14))

    assert exceedances(stack).get().status == AlertStatus.OPEN


def test_the_rule_row_overrides_the_defaults(stack):
    AlertRule.objects.create(
        kind=AlertKind.EXCEEDANCE, consecutive=1, clear_after=1, hysteresis=0.0, opens_problem=False
    )
    add_readings(stack, SO2, [120, 90, 120])

    evaluate_at(hours(4))

    assert exceedances(stack).count() == 2
    assert not Problem.objects.exists()


def test_running_twice_over_the_same_readings_changes_nothing(stack):
    add_readings(stack, SO2, [90, 120, 130, 125, 99, 110, 80, 70, 60, 120, 130, 140])
    evaluate_at(hours(12))
    before = state()

    evaluate_at(hours(12))

    assert state() == before
    assert len(before[0]) == 2


def test_a_limit_with_reference_oxygen_judges_the_corrected_value(stack):
    stack.limits.update(reference_oxygen=6.0)
    # Device-corrected values where sent; otherwise corrected here from the O2 of the hour:
    # 80 × (21 − 6)/(21 − 13.5) = 160.
    add_readings(stack, SO2, [80, 80, 80], converted=[150, None, None])
    add_readings(stack, "a19001", [13.5, 13.5, 13.5])

    evaluate_at(hours(4))

    alert = exceedances(stack).get()
    assert (alert.opened_at, alert.peak) == (hours(0), 160.0)


def test_only_the_data_type_of_the_limit_is_judged(stack):
    add_readings(stack, SO2, [500] * 6, data_type=DataType.REALTIME, step=timedelta(minutes=1))

    evaluate_at(hours(2))

    assert not exceedances(stack).exists()


def test_an_acknowledged_alert_stays_acknowledged_while_it_is_extended(stack):
    add_readings(stack, SO2, [120, 130, 125])
    evaluate_at(hours(3))
    Alert.objects.filter(point=stack).update(status=AlertStatus.ACKNOWLEDGED)
    add_readings(stack, SO2, [140], start=hours(3))

    evaluate_at(hours(4))

    alert = exceedances(stack).get()
    assert (alert.status, alert.peak, alert.last_seen_at) == (
        AlertStatus.ACKNOWLEDGED,
        140.0,
        hours(3),
    )

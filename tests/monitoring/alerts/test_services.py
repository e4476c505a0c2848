"""Acknowledging and resolving alerts by hand: who may, and what is recorded."""

from __future__ import annotations

import pytest

from ecoledger.audit.models import Event
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput, StateConflict
from ecoledger.monitoring.alerts import acknowledge_alert, resolve_alert
from ecoledger.monitoring.choices import AlertKind, AlertStatus
from ecoledger.monitoring.models import Alert
from ecoledger.org.choices import Role
from tests.factories import make_user
from tests.monitoring.alerts.factories import SO2, add_readings, evaluate_at, hours, make_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(city):
    point = make_point(city.towns[0][0])
    add_readings(point, SO2, [10, 10, 10], flags="D")
    evaluate_at(hours(3))
    return Alert.objects.get(kind=AlertKind.DEVICE)


def events(action):
    return Event.objects.filter(action=action)


def test_an_officer_of_the_region_acknowledges_with_a_comment(alert, city):
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])

    with clock.frozen_at(hours(4)):
        acknowledge_alert(alert, acting_user=officer, comment="已通知运维单位到场检修")

    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.acknowledged_at, alert.comment) == (
        AlertStatus.ACKNOWLEDGED,
        officer,
        hours(4),
        "已通知运维单位到场检修",
    )
    event = events("monitoring.alert.acknowledged").get()
    assert (event.actor, event.message) == (officer, "已通知运维单位到场检修")


@pytest.mark.parametrize("who", ["other_region", "leader"])
def test_it_refuses_who_may_not_acknowledge_and_changes_nothing(alert, city, who):
    user = (
        make_user(Role.REGION_OFFICER, region=city.districts[1])
        if who == "other_region"
        else make_user(Role.LEADER)
    )

    with pytest.raises(ActionRefused):
        acknowledge_alert(alert, acting_user=user, comment="收到")

    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert not events("monitoring.alert.acknowledged").exists()


def test_an_acknowledgement_needs_a_comment(alert, city):
    with pytest.raises(InvalidInput):
        acknowledge_alert(alert, acting_user=city.supervisor, comment="  ")


def test_an_alert_is_acknowledged_once(alert, city):
    acknowledge_alert(alert, acting_user=city.supervisor, comment="收到")

    with pytest.raises(StateConflict):
        acknowledge_alert(alert, acting_user=city.supervisor, comment="再次收到")


def test_a_supervisor_resolves_an_alert_by_hand_now(alert, city):
    acknowledge_alert(alert, acting_user=city.supervisor, comment="收到")

    with clock.frozen_at(hours(5)):
        resolve_alert(alert, acting_user=city.supervisor, comment="点位已停用")

    alert.refresh_from_db()
    assert (alert.status, alert.resolved_at, alert.comment) == (
        AlertStatus.RESOLVED,
        hours(5),
        "收到\n点位已停用",
    )
    assert events("monitoring.alert.resolved").filter(actor=city.supervisor).count() == 1
    with pytest.raises(StateConflict):
        resolve_alert(alert, acting_user=city.supervisor, comment="again")


def test_only_a_supervisor_resolves_by_hand(alert, city):
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])

    with pytest.raises(ActionRefused):
        resolve_alert(alert, acting_user=officer, comment="已修好")

    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_the_evaluation_records_what_it_opened_and_resolved(city):
    point = make_point(city.towns[0][0])
    add_readings(point, SO2, [10, 10, 10, 10, 11, 12], flags="DDDDNN")

    evaluate_at(hours(6))

    assert [e.actor.username for e in Event.objects.filter(action__startswith="monitoring")] == [
        "monitoring-system",
        "monitoring-system",
    ]
    assert sorted(Event.objects.values_list("action", flat=True)) == [
        "monitoring.alert.opened",
        "monitoring.alert.resolved",
    ]

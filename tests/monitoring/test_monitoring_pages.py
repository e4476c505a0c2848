"""Monitoring pages: points with their latest values and AQI, a point's charts with the limit,
the AQI calendar, alerts acknowledged through the service, and the live view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from ecoledger.audit.models import Event
from ecoledger.lib import clock
from ecoledger.monitoring.air_quality import POLLUTANT_CODES
from ecoledger.monitoring.choices import AlertKind, AlertStatus, PointKind
from ecoledger.monitoring.ingest.rows import ReadingRow
from ecoledger.monitoring.ingest.store import store_batch
from ecoledger.monitoring.models import Alert, Parameter, PermitLimit
from ecoledger.monitoring.parameters import parameter_ids
from ecoledger.monitoring.standards.aqi import CHINA_STANDARD_TIME
from ecoledger.org.choices import Role
from tests.factories import make_user
from tests.monitoring.factories import make_point

pytestmark = pytest.mark.django_db
HOURS = 72
AIR = {"so2": 10.0, "no2": 30.0, "co": 0.8, "o3": 80.0, "pm10": 60.0, "pm25": 40.0}


def _hour(moment):
    return moment.replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def site(city):
    """An air station in district 1 with three days of hourly data, a stack in district 2
    with SO2 above its permit limit and an open alert on each."""
    station = make_point(city.towns[0][0], mn="A" * 24, kind=PointKind.AIR_STATION,
                         name="station one")
    stack = make_point(city.towns[1][0], mn="B" * 24, name="stack two", source=city.sources[1])
    ids = parameter_ids()
    now = clock.now()
    rows = [ReadingRow(station.pk, ids[POLLUTANT_CODES[key]], "hour",
                       _hour(now) - timedelta(hours=h), value)
            for h in range(1, HOURS + 1) for key, value in AIR.items()]
    rows += [ReadingRow(stack.pk, ids["a21026"], "hour", _hour(now) - timedelta(hours=h),
                        20.0 + (30 if h < 3 else 0)) for h in range(1, 25)]
    store_batch(rows, [], received_at=now - timedelta(minutes=1))
    PermitLimit.objects.create(point=stack, parameter=Parameter.objects.get(code="a21026"),
                               limit=35.0, basis="permit")
    alerts = {
        point: Alert.objects.create(point=point, kind=AlertKind.EXCEEDANCE, opened_at=now,
                                    last_seen_at=now, message=f"alert at {point.name}")
        for point in (station, stack)
    }
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    return station, stack, alerts, officer


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_points_list_shows_latest_values_status_and_aqi(city, site):
    station, stack, _, _ = site

    page = _client(city.supervisor).get(reverse("monitoring:point-list")).content.decode()

    assert station.mn in page and stack.mn in page
    assert 'class="aqi"' in page and "AQI " in page
    assert "Online" in page


def test_the_points_list_filters_by_kind_and_region(city, site):
    station, stack, _, _ = site
    client = _client(city.supervisor)

    by_kind = client.get(reverse("monitoring:point-list"), {"kind": "stack"}).content.decode()
    by_region = client.get(reverse("monitoring:point-list"),
                           {"region": city.districts[0].pk}).content.decode()

    assert stack.mn in by_kind and station.mn not in by_kind
    assert station.mn in by_region and stack.mn not in by_region


def test_the_point_page_draws_each_parameter_with_its_limit(city, site):
    _, stack, _, _ = site

    page = _client(city.supervisor).get(reverse("monitoring:point-detail", args=[stack.pk]))
    body = page.content.decode()

    assert page.status_code == 200
    assert 'class="limit"' in body and "<polyline" in body
    assert reverse("monitoring:point-series", args=[stack.pk]) + "?parameter=a21026" in body
    assert "alert at stack two" in body
    assert 'id="aqi-calendar"' not in body


def test_the_series_endpoint_returns_values_and_the_limit(city, site):
    _, stack, _, _ = site
    url = reverse("monitoring:point-series", args=[stack.pk])

    body = _client(city.supervisor).get(url, {"parameter": "a21026", "period": "24h",
                                              "resolution": "raw"}).json()

    assert (body["limit"], body["lower_limit"], body["unit"]) == (35.0, None, body["unit"])
    assert body["data_type"] == "hour"
    assert len(body["values"]) == 23  # the 24 h up to now: hours 1–23 before this one
    assert body["values"][-1][1] == 50.0
    assert body["exceedances"] == 2


def test_the_series_endpoint_is_scoped_and_names_a_bad_parameter(city, site):
    _, stack, _, officer = site
    url = reverse("monitoring:point-series", args=[stack.pk])

    hidden = _client(officer).get(url, {"parameter": "a21026"})
    bad = _client(city.supervisor).get(url, {"parameter": "nope"})

    assert hidden.status_code == 404
    assert bad.status_code == 400 and "parameter" in bad.json()["fields"]


def test_the_aqi_calendar_holds_the_daily_aqi_of_an_air_station(city, site):
    station, stack, _, officer = site
    client = _client(city.supervisor)
    yesterday = (clock.now() - timedelta(days=1)).astimezone(CHINA_STANDARD_TIME).date()

    body = client.get(reverse("monitoring:point-aqi-calendar", args=[station.pk])).json()
    page = client.get(reverse("monitoring:point-detail", args=[station.pk])).content.decode()

    assert body["to"] == yesterday.isoformat()
    assert body["days"] and body["days"][-1][0] == yesterday.isoformat()
    assert body["levels"][0]["colour"] == "#00E400"
    assert sum(body["counts"]) + body["missing"] == 365
    assert 'id="aqi-calendar"' in page
    assert client.get(reverse("monitoring:point-aqi-calendar",
                              args=[stack.pk])).status_code == 404
    other = make_user(Role.REGION_OFFICER, region=city.districts[1])
    assert _client(other).get(reverse("monitoring:point-aqi-calendar",
                                      args=[station.pk])).status_code == 404
    assert _client(officer).get(reverse("monitoring:point-aqi-calendar",
                                        args=[station.pk])).status_code == 200


def test_the_alert_list_filters_by_status_and_scope(city, site):
    _, stack, alerts, officer = site
    Alert.objects.filter(pk=alerts[stack].pk).update(status=AlertStatus.RESOLVED,
                                                     resolved_at=clock.now())

    active = _client(city.supervisor).get(reverse("monitoring:alert-list")).content.decode()
    resolved = _client(city.supervisor).get(reverse("monitoring:alert-list"),
                                            {"status": "resolved"}).content.decode()
    officers = _client(officer).get(reverse("monitoring:alert-list"),
                                    {"status": "all"}).content.decode()

    assert "alert at station one" in active and "alert at stack two" not in active
    assert "alert at stack two" in resolved and "alert at station one" not in resolved
    assert "alert at station one" in officers and "alert at stack two" not in officers


def test_a_supervisor_acknowledges_an_alert_with_a_comment(city, site):
    station, _, alerts, _ = site
    alert = alerts[station]
    events = Event.objects.count()

    response = _client(city.supervisor).post(
        reverse("monitoring:alert-acknowledge", args=[alert.pk]),
        {"comment": "Checked the analyser", "next": reverse("monitoring:alert-list")})

    alert.refresh_from_db()
    assert response.status_code == 303 and response["Location"] == reverse(
        "monitoring:alert-list")
    assert (alert.status, alert.acknowledged_by, alert.comment) == (
        AlertStatus.ACKNOWLEDGED, city.supervisor, "Checked the analyser")
    assert Event.objects.count() == events + 1


def test_an_officer_in_scope_may_acknowledge_but_not_outside_it(city, site):
    station, stack, alerts, officer = site
    client = _client(officer)

    inside = client.post(reverse("monitoring:alert-acknowledge", args=[alerts[station].pk]),
                         {"comment": "On it"})
    outside = client.post(reverse("monitoring:alert-acknowledge", args=[alerts[stack].pk]),
                          {"comment": "Not mine"})

    assert inside.status_code == 303
    assert outside.status_code == 404
    assert Alert.objects.get(pk=alerts[stack].pk).status == AlertStatus.OPEN


def test_the_leader_may_not_acknowledge_and_nothing_changes(city, site):
    station, _, alerts, _ = site
    leader = make_user(Role.LEADER)
    events = Event.objects.count()

    page = _client(leader).get(reverse("monitoring:alert-list")).content.decode()
    response = _client(leader).post(
        reverse("monitoring:alert-acknowledge", args=[alerts[station].pk]),
        {"comment": "Seen"})

    assert response.status_code == 403
    assert Alert.objects.get(pk=alerts[station].pk).status == AlertStatus.OPEN
    assert Event.objects.count() == events
    assert reverse("monitoring:alert-acknowledge", args=[alerts[station].pk]) not in page


def test_an_empty_comment_is_refused_with_a_message(city, site):
    station, _, alerts, _ = site

    response = _client(city.supervisor).post(
        reverse("monitoring:alert-acknowledge", args=[alerts[station].pk]), {"comment": " "},
        follow=True)

    assert Alert.objects.get(pk=alerts[station].pk).status == AlertStatus.OPEN
    assert "Say what has been done or why." in response.content.decode()


def test_only_a_supervisor_resolves_an_alert(city, site):
    station, _, alerts, officer = site
    url = reverse("monitoring:alert-resolve", args=[alerts[station].pk])

    refused = _client(officer).post(url, {"comment": "Fixed"})
    done = _client(city.supervisor).post(url, {"comment": "Analyser replaced"})

    assert refused.status_code == 403
    assert done.status_code == 303
    assert Alert.objects.get(pk=alerts[station].pk).status == AlertStatus.RESOLVED


def test_the_live_view_polls_a_partial_that_brings_new_readings(city, site):
    station, stack, _, officer = site
    client = _client(officer)
    page = client.get(reverse("monitoring:live")).content.decode()
    since = clock.now()
    ids = parameter_ids()
    store_batch([ReadingRow(station.pk, ids["a34004"], "rtd", since, 77.5),
                 ReadingRow(stack.pk, ids["a21026"], "rtd", since, 12.5)], [],
                received_at=since + timedelta(seconds=1))

    partial = client.get(reverse("monitoring:live-readings"), {"since": since.isoformat()})
    body = partial.content.decode()

    assert 'hx-trigger="every 5s' in page and reverse("monitoring:live-readings") in page
    assert partial.status_code == 200 and "<html" not in body
    assert "77.5" in body and 'class="live-new"' in body
    assert "12.5" not in body  # the stack is outside the officer's district
    assert body.count('class="live-new"') == 1


@pytest.mark.parametrize("name", ["monitoring:point-list", "monitoring:alert-list",
                                  "monitoring:live", "monitoring:quarantine-list"])
def test_pages_render_for_every_role(city, site, name):
    users = [city.supervisor, make_user(Role.LEADER), site[3],
             make_user(Role.DEPARTMENT_OFFICER, department=city.departments[0]),
             make_user(Role.ENTERPRISE, enterprise=city.enterprises[1]),
             make_user(Role.INSPECTOR, region=city.districts[1])]
    for user in users:
        assert _client(user).get(reverse(name)).status_code == 200, (user.role, name)


def test_the_monitoring_pages_ask_anonymous_to_log_in(site):
    station, _, alerts, _ = site
    client = Client()
    urls = [reverse("monitoring:point-series", args=[station.pk]),
            reverse("monitoring:point-aqi-calendar", args=[station.pk]),
            reverse("monitoring:alert-list"), reverse("monitoring:live"),
            reverse("monitoring:live-readings")]
    for url in urls:
        assert client.get(url).status_code == 302, url
    response = client.post(reverse("monitoring:alert-acknowledge", args=[alerts[station].pk]),
                           {"comment": "x"})
    assert response.status_code == 302
    assert Alert.objects.get(pk=alerts[station].pk).status == AlertStatus.OPEN

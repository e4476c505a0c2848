"""Monitoring data through the API, in each role's scope."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ecoledger.lib import clock
from ecoledger.monitoring.ingest.rows import QuarantineRow, ReadingRow
from ecoledger.monitoring.ingest.store import store_batch
from ecoledger.monitoring.parameters import parameter_ids
from ecoledger.org.choices import Role
from tests.factories import make_user
from tests.monitoring.factories import make_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def points(city):
    inside = make_point(city.towns[0][0], mn="A" * 24)
    outside = make_point(city.towns[1][0], mn="B" * 24)
    pm25 = parameter_ids()["a34004"]
    now = clock.now()
    store_batch([ReadingRow(p.pk, pm25, "hour", now.replace(minute=0, second=0, microsecond=0),
                            40.0 + i) for i, p in enumerate((inside, outside))],
                [QuarantineRow("tcp", "1.2.3.4:5", "wrong_password", "x", b"##", p.mn, p.pk)
                 for p in (inside, outside)]
                + [QuarantineRow("tcp", "1.2.3.4:5", "unknown_mn", "x", b"##", "Z" * 24)],
                received_at=now)
    return inside, outside


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "sees_outside", "quarantine_rows"),
    [(Role.SUPERVISOR, True, 3), (Role.LEADER, True, 3), (Role.REGION_OFFICER, False, 1),
     (Role.INSPECTOR, False, 1), (Role.DEPARTMENT_OFFICER, True, 2)],
)
def test_points_and_quarantine_follow_scope(city, points, role, sees_outside, quarantine_rows):
    inside, outside = points
    scope = {"region": city.districts[0]} if role in (Role.REGION_OFFICER, Role.INSPECTOR) else (
        {"department": city.departments[0]} if role == Role.DEPARTMENT_OFFICER else {})
    client = _client(make_user(role, **scope))

    listed = {p["mn"] for p in client.get(reverse("point-list")).json()["results"]}
    hidden = client.get(reverse("point-detail", args=[outside.pk])).status_code
    series = client.get(reverse("point-readings", args=[outside.pk]), {"parameter": "a34004"})

    assert listed == ({inside.mn, outside.mn} if sees_outside else {inside.mn})
    assert hidden == (200 if sees_outside else 404)
    assert series.status_code == (200 if sees_outside else 404)
    assert client.get(reverse("quarantine-list")).json()["count"] == quarantine_rows


def test_an_enterprise_sees_only_its_own_points(city, points):
    mine = make_point(city.sources[0].region, mn="C" * 24, source=city.sources[0])
    client = _client(make_user(Role.ENTERPRISE, enterprise=city.enterprises[0]))

    listed = {p["mn"] for p in client.get(reverse("point-list")).json()["results"]}

    assert listed == {mine.mn}


def test_a_point_lists_its_latest_values_and_its_series(city, points):
    inside, _ = points
    client = _client(city.supervisor)

    point = client.get(reverse("point-detail", args=[inside.pk])).json()
    series = client.get(reverse("point-readings", args=[inside.pk]),
                        {"parameter": "a34004", "aggregate": "day"}).json()

    assert [(v["parameter"], v["value"]) for v in point["latest"]] == [("a34004", 40.0)]
    assert point["online"] is True
    assert [(v["value"], v["count"]) for v in series["values"]] == [(40.0, 1)]


def test_a_bad_series_request_names_what_is_wrong(city, points):
    client = _client(city.supervisor)

    response = client.get(reverse("point-readings", args=[points[0].pk]),
                          {"parameter": "nope", "aggregate": "week", "from": "yesterday"})

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"parameter", "aggregate", "from"}


def test_quarantine_shows_the_bytes_as_received(city, points):
    client = _client(city.supervisor)

    rows = client.get(reverse("quarantine-list"), {"reason": "unknown_mn"}).json()["results"]

    assert [(r["mn"], r["raw"]) for r in rows] == [("Z" * 24, "##")]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.REGION_OFFICER])
def test_pages_show_points_in_scope_only(city, points, role):
    inside, outside = points
    scope = {"region": city.districts[0]} if role == Role.REGION_OFFICER else {}
    client = _client(make_user(role, **scope))
    sees_outside = role == Role.SUPERVISOR

    listing = client.get(reverse("monitoring:point-list")).content.decode()
    detail = client.get(reverse("monitoring:point-detail", args=[outside.pk]))
    quarantine = client.get(reverse("monitoring:quarantine-list")).content.decode()

    assert inside.mn in listing
    assert (outside.mn in listing) == sees_outside
    assert detail.status_code == (200 if sees_outside else 404)
    assert ("Z" * 24 in quarantine) == sees_outside


def test_the_point_page_draws_the_series_with_its_limit(city, points):
    from ecoledger.monitoring.models import Parameter, PermitLimit

    PermitLimit.objects.create(point=points[0], parameter=Parameter.objects.get(code="a34004"),
                               limit=75)
    page = _client(city.supervisor).get(reverse("monitoring:point-detail", args=[points[0].pk]))

    assert b'class="limit"' in page.content
    assert b"<polyline" in page.content

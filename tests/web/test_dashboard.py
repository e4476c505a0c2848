"""The dashboard and its data endpoints: each role sees its own scope's figures, map and flow;
every figure drills down to the ledger filtered the same way."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ecoledger.demo.boundaries import store_boundaries
from ecoledger.ledger import weekly
from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import Problem
from ecoledger.lib import clock
from ecoledger.monitoring.choices import AlertKind, PointKind
from ecoledger.monitoring.ingest.rows import ReadingRow
from ecoledger.monitoring.ingest.store import store_batch
from ecoledger.monitoring.models import Alert
from ecoledger.monitoring.parameters import parameter_ids
from ecoledger.web import dashboard
from tests.factories import make_problem
from tests.monitoring.factories import make_point

pytestmark = pytest.mark.django_db
STATIC = Path(dashboard.__file__).parent / "static" / "web"
OWN_ASSETS = ["ecoledger.css", "ecoledger.js", "charts.js", "map.js", "dashboard.js"]


def _place(region, latitude, longitude):
    region.latitude, region.longitude = latitude, longitude
    region.save()


@pytest.fixture
def world(city):
    """Two districts with boundaries; in each, problems of every light and monitoring points."""
    _place(city.city, 36.2, 117.1)
    for d, district in enumerate(city.districts):
        _place(district, 36.2, 117.0 + 0.3 * d)
        for t, town in enumerate(city.towns[d]):
            _place(town, 36.15 + 0.1 * t, 116.95 + 0.3 * d + 0.05 * t)
    store_boundaries(city.city)
    today = clock.today()

    def problem(d, t, **kwargs):
        town = city.towns[d][t]
        return make_problem(city, region=town, latitude=town.latitude, longitude=town.longitude,
                            **kwargs)

    problems = {
        "late": problem(0, 0, status=Status.RECTIFYING),
        "green": problem(0, 1, status=Status.RECTIFYING),
        "new": problem(0, 1),
        "closed": problem(0, 0, status=Status.CLOSED),
        "other_late": problem(1, 0, status=Status.RECTIFYING),
        "other_closed": problem(1, 1, status=Status.CLOSED),
    }
    Problem.objects.filter(pk__in=[problems["late"].pk, problems["other_late"].pk]).update(
        deadline=today - timedelta(days=5))
    Problem.objects.filter(pk=problems["other_closed"].pk).update(
        deadline=today - timedelta(days=1))  # closed today, after its deadline
    weekly.rebuild()  # the rows were edited behind the services' back: recount
    points = {
        "station": make_point(city.towns[0][0], mn="A" * 24, kind=PointKind.AIR_STATION,
                              latitude=36.15, longitude=116.95),
        "stack": make_point(city.towns[1][0], mn="B" * 24, latitude=36.15, longitude=117.25,
                            source=city.sources[1]),
    }
    return problems, points


def _codes(markers) -> set[str]:
    return {m[0] for m in markers}


@pytest.mark.parametrize("role", ["supervisor", "leader", "officer", "other_officer",
                                  "department", "enterprise", "inspector"])
def test_the_dashboard_shows_each_role_its_own_scope(world, people, login, role):
    user = people[role]
    client = login(user)
    visible = Problem.objects.visible_to(user)

    page = client.get(reverse("web:home"))
    markers = client.get(reverse("web:dashboard-problems")).json()["markers"]
    flow = client.get(reverse("web:dashboard-flow")).json()

    assert page.status_code == 200
    assert page.context["figures"]["total"] == visible.count()
    open_located = visible.filter(status__in=["reported", "assigned", "rectifying",
                                              "contested", "pending_acceptance"])
    assert _codes(markers) == set(open_located.values_list("code", flat=True))
    assert sum(week["new"] for week in flow["weeks"]) == visible.count()
    assert sum(week["closed"] for week in flow["weeks"]) == visible.filter(
        status=Status.CLOSED).count()


def test_a_region_officers_map_holds_only_their_districts_problems_and_points(
        world, people, login, city):
    problems, points = world
    client = login(people["officer"])

    regions = client.get(reverse("web:dashboard-regions")).json()["features"]
    markers = client.get(reverse("web:dashboard-problems")).json()["markers"]
    located = client.get(reverse("web:dashboard-points")).json()["points"]
    ranking = client.get(reverse("web:dashboard-flow")).json()["ranking"]

    assert {f["id"] for f in regions} == {city.districts[0].pk, *(t.pk for t in city.towns[0])}
    assert _codes(markers) == {problems[k].code for k in ("late", "green", "new")}
    assert [p["id"] for p in located] == [points["station"].pk]
    assert [r["region"] for r in ranking] == [city.districts[0].pk]


def test_an_enterprises_ranking_lists_only_the_districts_where_it_closed_problems(
        world, people, login):
    ranking = login(people["enterprise"]).get(reverse("web:dashboard-flow")).json()["ranking"]
    closed = Problem.objects.visible_to(people["enterprise"]).filter(status=Status.CLOSED)

    assert {r["region"] for r in ranking} == set(closed.values_list("district_id", flat=True))
    assert all(r["closed"] for r in ranking)


def test_the_supervisors_map_shades_each_district_by_its_overdue_rate(world, people, login, city):
    client = login(people["supervisor"])

    regions = client.get(reverse("web:dashboard-regions")).json()["features"]

    by_id = {f["id"]: f for f in regions}
    first, second = (by_id[d.pk]["properties"] for d in city.districts)
    assert (first["overdue"], first["running"], first["rate"]) == (1, 2, 0.5)
    assert (second["overdue"], second["running"], second["rate"]) == (1, 1, 1.0)
    assert by_id[city.districts[0].pk]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    town = by_id[city.towns[0][0].pk]
    assert town["properties"]["level"] == "town" and "rate" not in town["properties"]


def test_a_town_officer_sees_only_their_town(world, city, login):
    from ecoledger.org.choices import Role
    from tests.factories import make_user

    officer = make_user(Role.REGION_OFFICER, region=city.towns[0][0])
    client = login(officer)

    regions = client.get(reverse("web:dashboard-regions")).json()["features"]
    markers = client.get(reverse("web:dashboard-problems")).json()["markers"]

    assert [f["id"] for f in regions] == [city.towns[0][0].pk]
    assert regions[0]["properties"]["rate"] == 1.0
    assert _codes(markers) == {world[0]["late"].code}


def test_markers_come_most_urgent_first_and_stop_at_the_cap(world, people):
    problems, _ = world

    markers, capped = dashboard.problem_markers(people["supervisor"], clock.today(), cap=3)

    assert [m[0] for m in markers[:2]] == sorted(
        [problems["late"].code, problems["other_late"].code])
    assert [m[3] for m in markers] == ["r", "r", "g"]
    assert capped is True
    assert dashboard.problem_markers(people["supervisor"], clock.today(), cap=4)[1] is False


def test_each_marker_has_the_light_of_the_models_rule(world, people, city):
    today = clock.today()
    town = city.towns[0][0]
    make_problem(city, region=town, status=Status.RECTIFYING, latitude=town.latitude,
                 longitude=town.longitude, deadline=today + timedelta(days=2))

    markers, _ = dashboard.problem_markers(people["supervisor"], today)

    codes = {"red": "r", "yellow": "y", "green": "g", None: "n"}
    expected = {p.code: codes[p.traffic_light(today)] for p in Problem.objects.all()
                if p.status in ("reported", "assigned", "rectifying", "contested",
                                "pending_acceptance")}
    assert {m[0]: m[3] for m in markers} == expected
    assert sorted(expected.values()) == ["g", "n", "r", "r", "y"]


def test_the_map_shows_problems_closed_lately_within_the_users_scope(world, people, login):
    problems, _ = world
    long_ago = clock.now() - timedelta(days=dashboard.CLOSED_DAYS + 1)
    old = problems["closed"]
    Problem.objects.filter(pk=old.pk).update(closed_at=long_ago)

    supervisor = login(people["supervisor"]).get(reverse("web:dashboard-problems")).json()
    officer = login(people["officer"]).get(reverse("web:dashboard-problems")).json()

    assert _codes(supervisor["closed"]) == {problems["other_closed"].code}
    assert supervisor["closed"][0][4] == clock.today().isoformat()
    assert officer["closed"] == []  # district 1's only closed problem closed too long ago
    assert old.code not in _codes(supervisor["markers"])


def test_the_closed_layer_stops_at_its_cap_newest_first(world, people):
    problems, _ = world
    Problem.objects.filter(pk=problems["closed"].pk).update(
        closed_at=clock.now() - timedelta(days=3))

    closed = dashboard.closed_markers(people["supervisor"], clock.today(), cap=1)

    assert [row[0] for row in closed] == [problems["other_closed"].code]


def test_the_problems_endpoint_says_when_it_is_capped(world, people, login, monkeypatch):
    monkeypatch.setattr(dashboard, "MARKER_CAP", 2)

    body = login(people["supervisor"]).get(reverse("web:dashboard-problems")).json()

    assert (body["capped"], body["count"], body["cap"]) == (True, 2, 2)


def test_the_flow_counts_this_weeks_new_and_closed_and_ranks_by_on_time_rate(
        world, people, login, city):
    body = login(people["supervisor"]).get(reverse("web:dashboard-flow")).json()

    assert len(body["weeks"]) == dashboard.WEEKS
    this_week = body["weeks"][-1]
    assert (this_week["new"], this_week["closed"]) == (6, 2)
    assert [(r["region"], r["closed"], r["on_time"], r["rate"]) for r in body["ranking"]] == [
        (city.districts[0].pk, 1, 1, 1.0), (city.districts[1].pk, 1, 0, 0.0)]


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_drill_down_links_carry_the_filters_of_the_figure(world, people, login, city):
    client = login(people["supervisor"])
    page = client.get(reverse("web:home")).content.decode()
    district = city.districts[0]
    regions = {f["id"]: f for f in client.get(reverse("web:dashboard-regions")).json()["features"]}
    flow = client.get(reverse("web:dashboard-flow")).json()
    monday = flow["weeks"][-1]["start"]

    links = set(re.findall(r'href="([^"]+)"', page.replace("&amp;", "&")))
    ledger = reverse("web:problem-list")
    assert f"{ledger}?light=red" in links
    assert f"{ledger}?rebounded=true" in links
    assert f"{ledger}?status=rectifying" in links
    assert f"{ledger}?domain=air" in links
    assert f"{ledger}?origin=patrol" in links
    assert f"{ledger}?region={district.pk}" in links
    assert _query(regions[district.pk]["properties"]["overdue_url"]) == {
        "region": [str(district.pk)], "overdue": ["true"]}
    assert _query(flow["ranking"][0]["url"]) == {
        "region": [str(district.pk)], "status": ["closed"],
        "closed_from": [flow["weeks"][0]["start"]], "closed_to": [clock.today().isoformat()]}
    assert _query(flow["weeks"][-1]["new_url"]) == {
        "reported_from": [monday], "reported_to": [clock.today().isoformat()]}


def test_a_drill_down_lists_exactly_the_problems_counted(world, people, login, city):
    problems, _ = world
    client = login(people["supervisor"])
    regions = {f["id"]: f for f in client.get(reverse("web:dashboard-regions")).json()["features"]}

    listed = client.get(regions[city.districts[0].pk]["properties"]["overdue_url"])

    codes = set(re.findall(r"ZG-\d{4}-\d{6}", listed.content.decode()))
    assert codes == {problems["late"].code}


def test_a_districts_on_time_rate_links_to_the_closings_it_counts(world, people, login, city):
    problems, _ = world
    with clock.frozen_at(clock.now() - timedelta(weeks=dashboard.WEEKS + 4)):
        before = make_problem(city, region=city.towns[0][0], status=Status.CLOSED)
    client = login(people["supervisor"])
    ranking = client.get(reverse("web:dashboard-flow")).json()["ranking"]
    row = next(r for r in ranking if r["region"] == city.districts[0].pk)

    listed = client.get(row["url"]).content.decode()

    codes = set(re.findall(r"ZG-\d{4}-\d{6}", listed))
    assert codes == {problems["closed"].code}
    assert len(codes) == row["closed"]
    assert before.code not in listed  # closed before the weeks the rate counts


def test_points_are_coloured_by_aqi_or_compliance(world, people, login):
    _, points = world
    now = clock.now()
    so2 = parameter_ids()["a21026"]
    store_batch([ReadingRow(points["stack"].pk, so2, "hour",
                            now.replace(minute=0, second=0, microsecond=0), 80.0)], [],
                received_at=now)
    Alert.objects.create(point=points["stack"], kind=AlertKind.EXCEEDANCE, opened_at=now,
                         last_seen_at=now, message="SO2 above its limit")

    located = login(people["supervisor"]).get(reverse("web:dashboard-points")).json()["points"]

    states = {p["id"]: (p["state"], p["online"], p["alerts"]) for p in located}
    assert states == {points["station"].pk: ("offline", False, 0),
                      points["stack"].pk: ("exceeding", True, 1)}


def test_anonymous_is_sent_to_log_in(world, client):
    for name in ("web:home", "web:dashboard-regions", "web:dashboard-problems",
                 "web:dashboard-points", "web:dashboard-flow"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"], name


def test_the_page_and_its_data_take_a_fixed_number_of_queries(world, people, login, city):
    client = login(people["officer"])
    names = ("web:home", "web:dashboard-regions", "web:dashboard-problems",
             "web:dashboard-points", "web:dashboard-flow")

    def queries() -> list[int]:
        counts = []
        for name in names:
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse(name)).status_code == 200
            counts.append(len(captured))
        return counts

    before = queries()
    for t in range(2):
        town = city.towns[0][t]
        make_problem(city, region=town, status=Status.RECTIFYING, latitude=town.latitude,
                     longitude=town.longitude)

    assert queries() == before


def test_the_dashboard_weighs_under_200_kb_with_its_own_scripts_and_styles(
        world, people, login):
    html = login(people["supervisor"]).get(reverse("web:home")).content

    weight = len(html) + sum((STATIC / name).stat().st_size for name in OWN_ASSETS)

    assert weight < 200_000, weight
    for name in OWN_ASSETS[2:]:
        assert f"web/{name}" in html.decode()

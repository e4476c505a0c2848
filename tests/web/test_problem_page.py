"""The problem page: facts, map, evidence gallery, timeline, related problems; every role."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime

import pytest
from django.urls import reverse

from ecoledger.ledger import services
from ecoledger.ledger.choices import EvidenceStage, Status
from ecoledger.lib import clock
from ecoledger.org.choices import Role
from tests.factories import jpeg_bytes, make_problem, make_user

pytestmark = pytest.mark.django_db

BOUNDARY = {"type": "Polygon",
            "coordinates": [[[118.7, 32.0], [118.9, 32.0], [118.9, 32.1], [118.7, 32.0]]]}


def map_data(page: str) -> dict:
    found = re.search(r'<script id="problem-map-data" type="application/json">(.*?)</script>',
                      page, re.S)
    return json.loads(found.group(1)) if found else {}


def test_the_gallery_shows_images_files_digests_and_photo_facts(city, people, login):
    problem = make_problem(city, latitude=32.05, longitude=118.78)
    photo = services.add_evidence(
        problem, acting_user=city.supervisor, stage=EvidenceStage.BEFORE, name="site.jpg",
        upload=io.BytesIO(jpeg_bytes(
            exif={306: "2026:03:01 09:30:00"},
            gps={1: "N", 2: (32.0, 3.0, 0.0), 3: "E", 4: (118.0, 46.0, 48.0)})))
    document = services.add_evidence(
        problem, acting_user=city.supervisor, stage=EvidenceStage.DOCUMENT, name="report.pdf",
        upload=io.BytesIO(b"%PDF-1.4\n% a report\n"))

    page = login(people["officer"]).get(
        reverse("web:problem-detail", args=[problem.code])).content.decode()

    image_url = reverse("web:evidence-file", args=[photo.pk])
    assert f'<img src="{image_url}"' in page
    file_url = reverse("web:evidence-file", args=[document.pk])
    assert f'href="{file_url}" download="report.pdf"' in page
    assert f'<img src="{file_url}"' not in page
    assert photo.sha256 in page and document.sha256 in page
    assert "2026-03-01 09:30:00" in page  # EXIF time, in the platform's zone
    assert "32.050000, 118.780000" in page  # EXIF GPS
    assert "≈ 0 m from the problem" in page
    assert map_data(page)["photos"] == [{"lat": 32.05, "lon": 118.78, "name": "site.jpg"}]


def test_the_map_draws_the_point_and_the_region_boundaries(city, people, login):
    city.districts[0].boundary = BOUNDARY
    city.districts[0].save()
    located = make_problem(city, latitude=32.05, longitude=118.78)
    nowhere = make_problem(city, region=city.towns[1][0])
    client = login(people["supervisor"])

    page = client.get(reverse("web:problem-detail", args=[located.code])).content.decode()
    blank = client.get(reverse("web:problem-detail", args=[nowhere.code])).content.decode()

    data = map_data(page)
    assert data["point"] == [32.05, 118.78]
    assert data["boundaries"] == [BOUNDARY]
    assert data["tiles"] == "" and data["datum"] == "gcj02"
    assert 'data-problem-map' in page and "leaflet.js" in page
    assert map_data(blank) == {} and "No location was recorded." in blank


def test_the_map_uses_a_tile_server_when_one_is_configured(city, people, login, settings):
    settings.MAP_TILE_URL = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    problem = make_problem(city, latitude=32.05, longitude=118.78)

    page = login(people["supervisor"]).get(
        reverse("web:problem-detail", args=[problem.code])).content.decode()

    assert map_data(page)["tiles"] == settings.MAP_TILE_URL


def test_the_timeline_tells_the_history_from_the_audit_chain(city, people, login):
    problem = make_problem(city, status=Status.RECTIFYING)

    page = login(people["supervisor"]).get(
        reverse("web:problem-detail", args=[problem.code])).content.decode()

    timeline = page[page.index('id="timeline-title"'):]
    assert [label for label in ("Registered", "Verified and assigned", "Rectification started")
            if label in timeline] == ["Registered", "Verified and assigned",
                                      "Rectification started"]
    assert "status: Assigned → Rectifying" in timeline
    assert f"units: — → lead: {city.districts[0].name}" in timeline


def test_related_problems_outside_the_scope_are_not_shown(city, people, login):
    problem = make_problem(city)
    near = make_problem(city, title="Same site, other side")
    far = make_problem(city, region=city.towns[1][0], title="Across the river")
    services.link_problems(problem, near, acting_user=city.supervisor, kind="same_area")
    services.link_problems(problem, far, acting_user=city.supervisor, kind="same_water_body")

    officer = login(people["officer"]).get(
        reverse("web:problem-detail", args=[problem.code])).content.decode()
    supervisor = login(people["supervisor"]).get(
        reverse("web:problem-detail", args=[problem.code])).content.decode()

    assert near.code in officer and far.code not in officer
    assert near.code in supervisor and far.code in supervisor


def test_the_plan_decisions_and_units_are_shown(city, people, login):
    problem = make_problem(city, status=Status.PENDING_ACCEPTANCE)
    services.reject_problem(problem, acting_user=city.second_supervisor, reason="Still dusty")

    page = login(people["leader"]).get(
        reverse("web:problem-detail", args=[problem.code])).content.decode()

    assert "Still dusty" in page and "Rejected" in page
    assert "Covered and watered" in page  # the submission
    assert f"<dt>Lead unit</dt><dd>{city.districts[0].name}</dd>" in page
    assert "Nothing for you to do on this problem now." in page  # a leader only reads


def test_pages_render_for_every_role(city, login):
    problem = make_problem(city, status=Status.RECTIFYING, source=city.sources[0])
    users = [
        city.supervisor, make_user(Role.LEADER),
        make_user(Role.REGION_OFFICER, region=city.districts[0]),
        make_user(Role.REGION_OFFICER, region=city.towns[0][0]),
        make_user(Role.DEPARTMENT_OFFICER, department=city.departments[0]),
        make_user(Role.ENTERPRISE, enterprise=city.enterprises[0]),
        make_user(Role.INSPECTOR, region=city.districts[0]),
    ]
    for user in users:
        client = login(user)
        sees = problem.__class__.objects.visible_to(user).filter(pk=problem.pk).exists()
        pages = {
            reverse("web:problem-list"): 200,
            reverse("web:my-work"): 200,
            reverse("web:problem-detail", args=[problem.code]): 200 if sees else 404,
            reverse("web:problem-create"): 200 if user.role not in (
                Role.LEADER, Role.ENTERPRISE) else 403,
        }
        for url, status in pages.items():
            assert client.get(url).status_code == status, (user.role, url)


def test_pages_render_in_chinese_by_default(city, people, login):
    problem = make_problem(city)
    client = login(people["supervisor"])
    client.cookies["django_language"] = "zh-hans"

    page = client.get(reverse("web:problem-detail", args=[problem.code]))

    assert page.status_code == 200
    assert '<html lang="zh-hans">' in page.content.decode()


def test_times_are_shown_in_the_platforms_zone(city, people, login):
    problem = make_problem(city)
    reported = clock.now()
    problem.__class__.objects.filter(pk=problem.pk).update(
        reported_at=datetime(2026, 3, 1, 1, 30, tzinfo=reported.tzinfo))

    page = login(people["supervisor"]).get(
        reverse("web:problem-detail", args=[problem.code])).content.decode()

    assert "2026-03-01 09:30" in page  # 01:30 UTC is 09:30 in Asia/Shanghai


def test_the_timeline_says_which_measure_was_checked_off(city, people, login):
    problem = make_problem(city, status=Status.RECTIFYING)
    plan = services.save_plan(problem, acting_user=city.supervisor, goal="Stop the dust",
                              measures=[services.MeasureInput("Cover the pile", "site",
                                                              problem.deadline)])
    services.set_measure_done(plan.measures.get(), acting_user=city.supervisor)

    page = login(people["supervisor"]).get(
        reverse("web:problem-detail", args=[problem.code])).content.decode()

    assert "<strong>Measure marked done</strong> · Cover the pile" in page

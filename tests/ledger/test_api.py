"""The ledger through its REST API, as a client would use it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ecoledger.ledger.choices import Status
from ecoledger.lib import clock
from ecoledger.org.choices import Role
from tests.factories import jpeg_bytes, make_problem, make_user

pytestmark = pytest.mark.django_db


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_problem_lives_its_whole_life_through_the_api(city):
    supervisor = _token_client(city.supervisor)
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    district = _token_client(officer)
    deadline = (clock.today() + timedelta(days=30)).isoformat()

    created = supervisor.post(reverse("problem-list"), {
        "title": "河道黑臭", "description": "白鹭河下游水体发黑发臭", "domain": "water",
        "origin": "complaint", "region": city.towns[0][1].pk, "latitude": 32.05,
        "longitude": 118.78,
        "tickets": [{"kind": "hotline_12345", "upstream_id": "12345-2026-0001"}],
    }, format="json")
    assert created.status_code == 201, created.json()
    code = created.json()["code"]
    assert created.json()["available_actions"][:2] == ["verify", "dismiss"]

    def act(client, path, body=None, fmt="json"):
        response = client.post(reverse(f"problem-{path}", args=[code]), body or {}, format=fmt)
        assert response.status_code in (200, 201), (path, response.json())
        return response.json()

    act(supervisor, "verify", {"lead_unit": {"kind": "region", "id": city.districts[0].pk},
                               "responsible_units": [{"kind": "department",
                                                      "id": city.departments[0].pk}],
                               "deadline": deadline})
    act(district, "start")
    act(district, "plan", {"goal": "消除黑臭", "measures": [
        {"description": "截污纳管", "owner": "区水务局", "due_on": deadline}]})
    act(district, "progress", {"text": "截污管道已铺设一半"})
    photo = io.BytesIO(jpeg_bytes(seed=7))
    photo.name = "after.jpg"
    evidence = act(district, "evidence", {"file": photo, "stage": "after"}, fmt="multipart")
    assert len(evidence["sha256"]) == 64
    act(district, "submit", {"summary": "水体已消除黑臭"})
    assert act(supervisor, "accept", {"opinion": "现场核查通过"})["status"] == "closed"

    timeline = supervisor.get(reverse("problem-timeline", args=[code])).json()
    assert [e["action"].split(".")[-1] for e in timeline] == [
        "registered", "verified", "started", "plan_saved", "progress_reported",
        "evidence_added", "submitted", "accepted", "followups_scheduled"]
    assert timeline[1]["actor_name"] == "supervisor"
    download = district.get(evidence["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == photo.getvalue()


def test_errors_name_the_field_and_the_reason(city):
    client = _token_client(city.supervisor)

    response = client.post(reverse("problem-list"), {"description": "x", "domain": "air",
                                                     "origin": "patrol",
                                                     "region": city.towns[0][0].pk},
                           format="json")

    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": "The input is not valid.",
                               "fields": {"title": ["This field is required."]}}


def test_domain_errors_come_back_as_json_with_fields(city):
    client = _token_client(city.supervisor)
    problem = make_problem(city)

    response = client.post(reverse("problem-verify", args=[problem.code]), {}, format="json")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"lead_unit", "deadline"}


def test_a_bad_unit_reference_is_explained(city):
    client = _token_client(city.supervisor)
    problem = make_problem(city)

    response = client.post(reverse("problem-verify", args=[problem.code]),
                           {"lead_unit": {"kind": "region", "id": 999999},
                            "deadline": "2099-01-01"}, format="json")

    assert response.json()["fields"] == {"lead_unit": ["There is no region with id 999999."]}


def test_an_action_in_the_wrong_state_is_a_conflict(city):
    client = _token_client(city.second_supervisor)
    problem = make_problem(city, status=Status.RECTIFYING)

    response = client.post(reverse("problem-accept", args=[problem.code]), {}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "refused_state"
    assert "Rectifying" in response.json()["message"]


def test_an_upload_of_the_wrong_type_is_refused_with_the_reason(city):
    client = _token_client(city.supervisor)
    problem = make_problem(city)
    bogus = io.BytesIO(b"#!/bin/sh\nrm -rf /\n")
    bogus.name = "photo.jpg"

    response = client.post(reverse("problem-evidence", args=[problem.code]),
                           {"file": bogus, "stage": "before"}, format="multipart")

    assert response.status_code == 400
    assert "not an accepted file type" in response.json()["fields"]["file"][0]
    assert problem.evidence.count() == 0


def test_the_list_filters_by_region_status_and_overdue_sorted_by_deadline(city):
    client = _token_client(city.supervisor)
    with clock.frozen_at(clock.now() - timedelta(days=90)):
        late = make_problem(city, status=Status.RECTIFYING,
                            deadline=clock.today() + timedelta(days=10))
        later = make_problem(city, status=Status.RECTIFYING,
                             deadline=clock.today() + timedelta(days=20))
    make_problem(city, status=Status.RECTIFYING)  # on time
    make_problem(city, status=Status.RECTIFYING, region=city.towns[1][0])  # elsewhere

    response = client.get(reverse("problem-list"), {
        "region": city.districts[0].pk, "status": "rectifying", "overdue": "true",
        "ordering": "deadline"})

    body = response.json()
    assert [row["code"] for row in body["results"]] == [late.code, later.code]
    assert (body["count"], body["count_is_exact"]) == (2, True)
    assert {row["traffic_light"] for row in body["results"]} == {"red"}


def test_counts_beyond_the_cap_say_so(city, settings):
    settings.LIST_COUNT_CAP = 100
    client = _token_client(city.supervisor)
    from ecoledger.ledger.models import Problem

    for _ in range(3):
        make_problem(city)
    assert Problem.objects.count() == 3

    body = client.get(reverse("problem-list")).json()

    assert (body["count"], body["count_is_exact"]) == (3, True)


def test_the_exports_file_name_carries_the_citys_local_time_as_the_excel_export_does(city):
    client = _token_client(city.supervisor)
    with clock.frozen_at(datetime(2026, 12, 7, 14, 40, tzinfo=UTC)):
        response = client.get(reverse("problem-export"))

    assert response["Content-Disposition"] == 'attachment; filename="ledger-20261207-2240.csv"'


def test_export_holds_exactly_the_filtered_set(city):
    client = _token_client(city.supervisor)
    closed = make_problem(city, status=Status.CLOSED)
    make_problem(city, status=Status.REPORTED)

    response = client.get(reverse("problem-export"), {"status": "closed"})

    rows = list(csv.DictReader(io.StringIO(
        b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row["code"] for row in rows] == [closed.code]
    assert response["Content-Disposition"].startswith('attachment; filename="ledger-')


def test_the_dashboard_counts_by_status_district_and_light(city):
    client = _token_client(city.supervisor)
    make_problem(city, status=Status.RECTIFYING)
    make_problem(city, status=Status.CLOSED, region=city.towns[1][0])

    body = client.get(reverse("api-dashboard")).json()

    assert body["total"] == 2
    assert body["by_status"]["rectifying"] == 1 and body["by_status"]["closed"] == 1
    assert body["lights"] == {"green": 1, "yellow": 0, "red": 0}
    assert {row["name"]: row["total"] for row in body["by_district"]} == {
        "district 1": 1, "district 2": 1}


def test_the_openapi_schema_describes_the_endpoints(city):
    client = APIClient()
    client.force_login(city.supervisor)

    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()

    assert "/api/v1/problems/{code}/accept/" in schema["paths"]
    assert "/api/v1/problems/" in schema["paths"]
    assert client.get(reverse("api-docs")).status_code == 200


def test_a_malformed_unit_reference_is_explained(city):
    client = _token_client(city.supervisor)
    problem = make_problem(city)

    response = client.post(reverse("problem-verify", args=[problem.code]),
                           {"lead_unit": "district 1", "deadline": "2099-01-01"}, format="json")

    assert response.json()["fields"] == {"lead_unit": [
        'Give a unit as {"kind": "region" or "department", "id": number}.']}


def test_the_timeline_hides_the_code_of_a_linked_problem_outside_the_readers_scope(city):
    here = make_problem(city)
    there = make_problem(city, region=city.towns[1][0])
    from ecoledger.ledger import services

    services.link_problems(here, there, acting_user=city.supervisor, kind="same_water_body")
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])

    events = _token_client(officer).get(reverse("problem-timeline", args=[here.code])).json()

    linked = [e for e in events if e["action"] == "ledger.problem.linked"]
    assert linked and all(there.code not in str(e) for e in linked)

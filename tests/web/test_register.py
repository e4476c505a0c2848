"""Registering a problem with the map picker and its files; editing its facts."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ecoledger.audit.models import Event
from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import Evidence, Problem
from ecoledger.lib.geo import wgs84_to_gcj02
from tests.factories import category, jpeg_bytes, make_problem
from tests.web.conftest import field_error, form_errors

pytestmark = pytest.mark.django_db


def facts(city, **changes):
    data = {
        "title": "Smoke from a boiler", "description": "Black smoke every night",
        "domain": "air", "origin": "patrol", "severity": "general",
        "region": city.towns[0][0].pk, "coordinate_system": "wgs84", "stage": "before",
    }
    return data | changes


def jpeg(name: str, seed: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(seed=seed), content_type="image/jpeg")


def test_a_point_picked_in_gcj02_is_stored_in_wgs84(city, people, login):
    lon, lat = wgs84_to_gcj02(118.78, 32.05)  # what a Chinese map picker gives for that spot

    response = login(people["inspector"]).post(reverse("web:problem-create"), facts(
        city, latitude=f"{lat:.7f}", longitude=f"{lon:.7f}", coordinate_system="gcj02"))

    assert response.status_code == 302
    problem = Problem.objects.get()
    assert response["Location"] == reverse("web:problem-detail", args=[problem.code])
    assert problem.latitude == pytest.approx(32.05, abs=1e-6)
    assert problem.longitude == pytest.approx(118.78, abs=1e-6)
    assert (problem.status, problem.reported_by) == (Status.REPORTED, people["inspector"])


def test_the_form_offers_the_map_picker_and_gcj02_first(city, people, login):
    page = login(people["supervisor"]).get(reverse("web:problem-create")).content.decode()

    assert "data-picker-map" in page and 'id="picker-data"' in page
    assert re.search(r'<option value="gcj02" selected>', page)
    assert '<label for="id_latitude">' in page and '<label for="id_coordinate_system">' in page


def test_registering_with_several_files_attaches_them_all(city, people, login):
    response = login(people["officer"]).post(reverse("web:problem-create"), facts(
        city, files=[jpeg("a.jpg", 1), jpeg("b.jpg", 2)], stage="before",
        ticket_kind="hotline_12345", ticket_upstream_id="12345-77"))

    assert response.status_code == 302
    problem = Problem.objects.get()
    assert sorted(problem.evidence.values_list("original_name", "stage")) == [
        ("a.jpg", "before"), ("b.jpg", "before")]
    assert problem.tickets.get().upstream_id == "12345-77"


def test_a_bad_file_keeps_the_problem_from_being_registered(city, people, login):
    response = login(people["officer"]).post(reverse("web:problem-create"), facts(
        city, files=[jpeg("a.jpg", 1), SimpleUploadedFile("virus.jpg", b"MZ\x90\x00")]))

    assert response.status_code == 400
    assert "not an accepted file type" in field_error(response.content.decode(), "files")
    assert Problem.objects.count() == 0 and Evidence.objects.count() == 0


@pytest.mark.parametrize(("changes", "field", "text"), [
    ({"title": ""}, "title", "required"),
    ({"latitude": "32.05"}, "longitude", "both latitude and longitude"),
    ({"latitude": "95", "longitude": "118"}, "latitude", "between -90 and 90"),
    ("other-domain", "category", "another domain"),
    ({"ticket_kind": "hotline_12345", "ticket_upstream_id": "dup-1"}, "ticket_upstream_id",
     "already on problem"),
])
def test_validation_errors_show_next_to_the_field(city, people, login, changes, field, text):
    if changes == "other-domain":
        changes = {"category": category("water").pk}
    if field == "ticket_upstream_id":
        login(people["supervisor"]).post(reverse("web:problem-create"), facts(city, **changes))
    before = Problem.objects.count()

    response = login(people["supervisor"]).post(reverse("web:problem-create"),
                                                facts(city, **changes))

    assert response.status_code == 400
    page = response.content.decode()
    assert text in field_error(page, field)
    assert f'aria-describedby="id_{field}_error' in page
    assert form_errors(page)  # and a summary at the top that takes the focus
    assert Problem.objects.count() == before


def test_choices_are_limited_to_the_users_scope(city, people, login):
    page = login(people["officer"]).get(reverse("web:problem-create")).content.decode()

    def options(name: str) -> set[int]:
        select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
        return set(map(int, re.findall(r'<option value="(\d+)"', select)))

    assert options("region") == {city.districts[0].pk, *(t.pk for t in city.towns[0])}
    assert options("source") == {city.sources[0].pk}
    assert options("enterprise") == {city.enterprises[0].pk}


def test_categories_carry_their_domain_for_the_page_to_filter(city, people, login):
    air, water = category("air"), category("water")

    page = login(people["supervisor"]).get(reverse("web:problem-create")).content.decode()

    assert f'<option value="{air.pk}" data-domain="air">' in page
    assert f'<option value="{water.pk}" data-domain="water">' in page


def test_the_script_path_registers_then_uploads_each_file_with_json(city, people, login):
    client = login(people["officer"])

    created = client.post(reverse("web:problem-create"), facts(city),
                          HTTP_ACCEPT="application/json")
    body = created.json()
    uploaded = client.post(body["evidence_url"], {
        "add_evidence-files": jpeg("site.jpg", 5), "add_evidence-stage": "before"},
        HTTP_ACCEPT="application/json")
    refused = client.post(body["evidence_url"], {
        "add_evidence-files": SimpleUploadedFile("a.exe.jpg", b"MZ"),
        "add_evidence-stage": "before"}, HTTP_ACCEPT="application/json")

    problem = Problem.objects.get()
    assert created.status_code == 201
    assert body == {"code": problem.code, "url": f"/problems/{problem.code}/",
                    "evidence_url": f"/problems/{problem.code}/actions/add_evidence/"}
    assert uploaded.status_code == 201
    evidence = problem.evidence.get()
    assert uploaded.json()["evidence"] == [{
        "id": evidence.pk, "name": "site.jpg", "sha256": evidence.sha256, "size": evidence.size,
        "is_image": True, "url": f"/evidence/{evidence.pk}/"}]
    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == ["add_evidence-files"]


def test_the_script_path_gets_field_errors_as_json(city, people, login):
    response = login(people["officer"]).post(
        reverse("web:problem-create"), facts(city, title="", latitude="32"),
        HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"title"}  # the form stops before the service
    assert Problem.objects.count() == 0


def test_editing_changes_only_what_changed(city, people, login):
    problem = make_problem(city, reporter=people["inspector"], latitude=32.05, longitude=118.78)
    client = login(people["inspector"])
    page = client.get(reverse("web:problem-edit", args=[problem.code]))
    unchanged = facts(city, latitude="32.05", longitude="118.78", title=problem.title,
                      description=problem.description)
    unchanged.pop("origin")
    events = Event.objects.count()

    same = client.post(reverse("web:problem-edit", args=[problem.code]), unchanged, follow=True)
    edited = client.post(reverse("web:problem-edit", args=[problem.code]),
                         unchanged | {"title": "Smoke from two boilers"})

    assert page.status_code == 200
    assert 'value="Dust from an uncovered pile"' in page.content.decode()
    assert "Nothing was changed." in same.content.decode()
    assert edited.status_code == 302
    problem.refresh_from_db()
    assert problem.title == "Smoke from two boilers"
    assert problem.latitude == 32.05
    event = Event.objects.latest("seq")
    assert Event.objects.count() == events + 1
    assert event.action == "ledger.problem.edited"
    assert event.changes == {"title": ["Dust from an uncovered pile", "Smoke from two boilers"]}


def test_editing_a_point_in_gcj02_converts_it(city, people, login):
    problem = make_problem(city)
    lon, lat = wgs84_to_gcj02(118.8, 32.1)
    data = facts(city, title=problem.title, description=problem.description,
                 latitude=f"{lat:.7f}", longitude=f"{lon:.7f}", coordinate_system="gcj02")
    data.pop("origin")

    response = login(people["supervisor"]).post(
        reverse("web:problem-edit", args=[problem.code]), data)

    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.latitude, problem.longitude) == (pytest.approx(32.1, abs=1e-6),
                                                     pytest.approx(118.8, abs=1e-6))


def test_editing_is_refused_once_the_reporter_may_no_longer(city, people, login):
    problem = make_problem(city, reporter=people["inspector"], status=Status.ASSIGNED)
    client = login(people["inspector"])
    detail = client.get(reverse("web:problem-detail", args=[problem.code])).content.decode()

    response = client.post(reverse("web:problem-edit", args=[problem.code]),
                           facts(city, title="Changed"))

    assert 'id="action-edit"' not in detail
    assert response.status_code == 409  # an inspector edits only while it is reported
    assert Problem.objects.get(pk=problem.pk).title == problem.title

"""Open311 GeoReport v2: services, requests (GET and POST), tokens, errors, in JSON and XML."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse

from ecoledger.intake import services
from ecoledger.intake.choices import Channel, ComplaintStatus
from ecoledger.intake.models import ApiKey, Complaint
from ecoledger.intake.open311.keys import issue_key
from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import Category
from tests.factories import category, make_problem
from tests.intake.factories import LAT, LON, make_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def key() -> str:
    api_key = ApiKey(name="12345 app")
    secret = issue_key(api_key)
    api_key.save()
    return secret


def _url(name: str, fmt: str = "json", **kwargs) -> str:
    return reverse(f"open311:{name}", kwargs={"fmt": fmt, **kwargs})


def _post(key: str, **overrides):
    data = {"api_key": key, "service_code": category("air").code, "lat": str(LAT),
            "long": str(LON), "description": "工地夜间施工扬尘严重", "first_name": "三",
            "last_name": "张", "phone": "13812345678", "email": "zs@example.com"}
    return Client().post(_url("requests"), data | overrides)


def test_services_are_the_ledgers_categories_in_json_and_xml():
    category("air")
    category("water")

    listed = {s["service_code"]: s for s in Client().get(_url("services")).json()}
    xml = ElementTree.fromstring(Client().get(_url("services", "xml")).content)

    assert set(listed) == set(Category.objects.values_list("code", flat=True))
    assert listed["air.test"] == {
        "service_code": "air.test", "service_name": "air test", "description": "Air · air test",
        "metadata": False, "type": "realtime", "keywords": ["air"], "group": "Air"}
    assert {s.findtext("service_code") for s in xml.findall("service")} == set(listed)
    assert xml.find("service/metadata").text == "false"


def test_a_service_definition_and_an_unknown_service():
    category("air")

    found = Client().get(_url("service-definition", code="air.test")).json()
    missing = Client().get(_url("service-definition", "xml", code="nope"))

    assert found == {"service_code": "air.test", "attributes": []}
    assert missing.status_code == 404
    error = ElementTree.fromstring(missing.content)
    assert error.tag == "errors" and error.findtext("error/code") == "404"
    assert "nope" in error.findtext("error/description")


def test_posting_needs_a_valid_api_key(key):
    for given in ("", "el311_wrong"):
        response = _post(key, api_key=given)
        assert response.status_code == 403
        assert response.json()[0]["code"] == 403
    assert not Complaint.objects.exists()


def test_a_posted_request_becomes_a_complaint_and_reads_back_without_personal_data(key):
    posted = _post(key, media_url="https://example.org/p.jpg")

    assert posted.status_code == 200
    request_id = posted.json()[0]["service_request_id"]
    complaint = Complaint.objects.get(tracking_code=request_id)
    assert (complaint.channel, complaint.name, complaint.phone) == (
        Channel.OPEN311, "张三", "13812345678")
    assert posted.json()[0]["token"] == request_id
    read = Client().get(_url("request-detail", request_id=request_id))
    row = read.json()[0]
    assert (row["status"], row["service_code"], row["lat"], row["long"]) == (
        "open", "air.test", LAT, LON)
    assert row["media_url"] == "https://example.org/p.jpg"
    assert row["requested_datetime"].endswith("+08:00")
    body = read.content.decode() + Client().get(_url("requests", "xml")).content.decode()
    for personal in ("13812345678", "138****5678", "张三", "zs@example.com"):
        assert personal not in body
    token = Client().get(_url("token", token=request_id)).json()
    assert token == [{"service_request_id": request_id, "token": request_id}]


@pytest.mark.parametrize(("overrides", "code", "words"), [
    ({"service_code": ""}, 400, "service_code is required"),
    ({"service_code": "nope"}, 404, "service_code nope was not found"),
    ({"lat": "", "long": ""}, 400, "A location is required"),
    ({"lat": "north"}, 400, "lat=north is not a number"),
    ({"phone": "12345"}, 400, "not a valid mainland mobile number"),
    ({"media_url": "ftp://x"}, 400, "media_url"),
    ({"jurisdiction_id": "elsewhere.gov"}, 404, "jurisdiction_id elsewhere.gov"),
])
def test_bad_posts_get_the_specs_errors(key, settings, overrides, code, words):
    settings.OPEN311_JURISDICTION_ID = "city.example.cn"

    response = _post(key, **overrides)

    assert response.status_code == code
    assert response.json()[0]["code"] == code
    assert words in response.json()[0]["description"]
    assert not Complaint.objects.exists()


def test_the_abuse_limit_answers_429(key, settings):
    settings.INTAKE_PER_PHONE_DAY = 1
    assert _post(key).status_code == 200

    refused = _post(key)

    assert refused.status_code == 429
    assert "one phone number" in refused.json()[0]["description"]


def test_request_filters_by_id_code_status_and_dates(city):
    air = make_complaint()
    water = make_complaint(category=category("water"), description="河道发黑发臭")
    services.reject_complaint(water, acting_user=city.supervisor, reason="重复")
    client = Client()

    def ids(**params) -> list[str]:
        return [r["service_request_id"] for r in client.get(_url("requests"), params).json()]

    assert ids(service_request_id=f"{air.tracking_code},{water.tracking_code}") == [
        water.tracking_code, air.tracking_code]
    assert ids(service_code="water.test") == [water.tracking_code]
    assert ids(status="open") == [air.tracking_code]
    assert ids(status="closed") == [water.tracking_code]
    assert ids(start_date="2000-01-01T00:00:00Z", end_date="2000-02-01T00:00:00Z") == []
    too_long = client.get(_url("requests"), {"start_date": "2026-01-01T00:00:00Z",
                                             "end_date": "2026-12-01T00:00:00Z"})
    assert too_long.status_code == 400 and "90 days" in too_long.json()[0]["description"]
    assert client.get(_url("requests"), {"status": "pending"}).status_code == 400
    assert client.get(_url("requests"), {"start_date": "yesterday"}).status_code == 400


def test_a_request_follows_its_problem_to_the_answer(city):
    problem = make_problem(city, status=Status.PENDING_ACCEPTANCE)
    complaint = make_complaint()
    services.merge_complaint(complaint, acting_user=city.supervisor, problem=problem)
    url = _url("request-detail", request_id=complaint.tracking_code)

    merged = Client().get(url).json()[0]
    from ecoledger.ledger import services as ledger

    ledger.accept_problem(problem, acting_user=city.second_supervisor, opinion="已整改到位")
    answered = Client().get(url).json()[0]

    assert (merged["status"], merged["agency_responsible"]) == ("open", "district 1")
    assert merged["expected_datetime"] is not None
    assert answered["status"] == "closed"
    assert answered["status_notes"] == "Answered: 已整改到位"
    assert Complaint.objects.get().status == ComplaintStatus.ANSWERED


def test_an_unknown_request_or_token_is_404_in_the_specs_format():
    for name, kwargs in (("request-detail", {"request_id": "NOPE"}),
                         ("token", {"token": "NOPE"})):
        response = Client().get(_url(name, "xml", **kwargs))
        assert response.status_code == 404
        assert ElementTree.fromstring(response.content).findtext("error/code") == "404"

"""The assessment through its REST API, and who may read and do what."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ecoledger.assessment.models import Publication, UnitResult
from ecoledger.audit.models import Event
from ecoledger.org.choices import Role
from tests.assessment.factories import YEAR, on
from tests.factories import make_user

pytestmark = pytest.mark.django_db

INDICATORS = [
    {"code": "on_time_closure", "weight": "60", "applies_to": "both",
     "rule": {"kind": "linear", "direction": "higher", "floor": 50, "target": 100}},
    {"code": "overdue_count", "weight": "40",
     "rule": {"kind": "deduction", "per_case": 10, "cap": 50}},
]


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def published(year_of_work):
    """The office creates, edits, adopts, previews and publishes a scheme through the API."""
    city = year_of_work.city
    office = _client(city.supervisor)
    with on(date(YEAR + 1, 1, 20)):
        created = office.post(reverse("assessment-scheme-list"),
                              {"year": YEAR, "name": "2025 rectification assessment",
                               "indicators": INDICATORS[:1]}, format="json")
        assert created.status_code == 201, created.json()
        version_id = created.json()["versions"][0]["id"]
        edited = office.patch(reverse("assessment-version-detail", args=[version_id]),
                              {"indicators": INDICATORS, "note": "with overdue problems"},
                              format="json")
        assert edited.status_code == 200, edited.json()
        assert [i["code"] for i in edited.json()["indicators"]] == [
            "on_time_closure", "overdue_count"]
        assert office.post(reverse("assessment-version-adopt", args=[version_id])
                           ).status_code == 200
        preview = office.get(reverse("assessment-version-preview", args=[version_id])).json()
        publication = office.post(reverse("assessment-version-publish", args=[version_id]),
                                  {"note": "first"}, format="json")
    assert publication.status_code == 201, publication.json()
    assert preview["inputs_sha256"] == publication.json()["inputs_sha256"]
    return year_of_work


def test_the_office_publishes_and_everyone_in_scope_reads_the_ranking(published):
    city = published.city
    officer = make_user(Role.REGION_OFFICER, region=city.districts[1])

    ranking = _client(officer).get(reverse("assessment-results"),
                                   {"year": YEAR, "kind": "district"}).json()

    assert [(r["name"], r["total"], r["rank"]) for r in ranking["rows"]] == [
        ("district 1", "66.00", 1), ("district 2", "56.00", 2)]
    assert ranking["publication"]["period_end"] == f"{YEAR}-12-31"


def test_a_district_officer_reads_its_own_scorecard_and_drilldown_only(published):
    city = published.city
    own, other = city.districts
    client = _client(make_user(Role.REGION_OFFICER, region=own))

    card = client.get(reverse("assessment-scorecard", args=["district", own.pk]),
                      {"year": YEAR})
    drill = client.get(reverse("assessment-drilldown",
                               args=["district", own.pk, "on_time_closure"]), {"year": YEAR})
    foreign_card = client.get(reverse("assessment-scorecard", args=["district", other.pk]),
                              {"year": YEAR})
    foreign_drill = client.get(reverse("assessment-drilldown",
                                       args=["district", other.pk, "on_time_closure"]),
                               {"year": YEAR})

    assert card.status_code == 200
    assert card.json()["total"] == "66.00"
    lines = {line["code"]: line for line in card.json()["lines"]}
    assert lines["on_time_closure"]["value"] == "75.00"
    assert "3 of 4 problems" in lines["on_time_closure"]["explanation"]
    assert drill.status_code == 200
    body = drill.json()
    assert body["count"] == 4 and body["matches_published"] is True
    assert sorted(row["on_time"] for row in body["results"]) == [False, True, True, True]
    assert (foreign_card.status_code, foreign_drill.status_code) == (403, 403)
    assert foreign_card.json()["code"] == "refused_scope"


def test_a_department_officer_reads_its_department_not_another_nor_districts(published):
    city = published.city
    first, second = city.departments
    client = _client(make_user(Role.DEPARTMENT_OFFICER, department=first))

    own = client.get(reverse("assessment-scorecard", args=["department", first.pk]),
                     {"year": YEAR})
    other = client.get(reverse("assessment-scorecard", args=["department", second.pk]),
                       {"year": YEAR})
    district = client.get(reverse("assessment-scorecard", args=["district", city.districts[0].pk]),
                          {"year": YEAR})
    ranking = client.get(reverse("assessment-results"), {"year": YEAR, "kind": "department"})

    assert own.status_code == 200 and own.json()["total"] == "36.00"
    assert (other.status_code, district.status_code) == (403, 403)
    assert [row["rank"] for row in ranking.json()["rows"]] == [1, 2]


@pytest.mark.parametrize("role", ["region_officer", "department_officer", "leader"])
def test_only_the_office_publishes_and_a_refusal_changes_nothing(published, role):
    city = published.city
    scope = {"region_officer": {"region": city.districts[0]},
             "department_officer": {"department": city.departments[0]}}.get(role, {})
    client = _client(make_user(role, **scope))
    version = Publication.objects.get().version
    before = (Publication.objects.count(), UnitResult.objects.count(), Event.objects.count())

    publish = client.post(reverse("assessment-version-publish", args=[version.pk]))
    create = client.post(reverse("assessment-scheme-list"), {"year": YEAR + 1, "name": "x"},
                         format="json")
    exemption = client.post(reverse("assessment-exemption-list"), {}, format="json")

    assert (publish.status_code, create.status_code, exemption.status_code) == (403, 403, 403)
    assert publish.json()["code"] == "refused_role"
    assert (Publication.objects.count(), UnitResult.objects.count(),
            Event.objects.count()) == before


def test_officers_cannot_preview_and_do_not_see_drafts(published):
    city = published.city
    office = _client(city.supervisor)
    scheme = office.get(reverse("assessment-scheme-list")).json()["results"][0]
    with on(date(YEAR + 1, 2, 1)):
        draft = office.post(reverse("assessment-version-list"), {"scheme": scheme["id"]},
                            format="json").json()
    officer = _client(make_user(Role.REGION_OFFICER, region=city.districts[0]))
    adopted = Publication.objects.get().version

    assert officer.get(reverse("assessment-version-preview", args=[draft["id"]])
                       ).status_code == 404
    assert officer.get(reverse("assessment-version-preview", args=[adopted.pk])
                       ).status_code == 403
    listed = officer.get(reverse("assessment-version-list")).json()["results"]
    assert [v["id"] for v in listed] == [adopted.pk]


@pytest.mark.parametrize("role", ["enterprise", "inspector", "town_officer", "no_role"])
def test_roles_outside_the_assessment_read_nothing(published, role):
    city = published.city
    scope = {"enterprise": {"enterprise": city.enterprises[0]},
             "inspector": {"region": city.districts[0]},
             "town_officer": {"region": city.towns[0][0]}}.get(role, {})
    real_role = {"town_officer": Role.REGION_OFFICER, "no_role": ""}.get(role, role)
    client = _client(make_user(real_role, **scope))
    district = city.districts[0].pk

    responses = [
        client.get(reverse("assessment-results"), {"year": YEAR}),
        client.get(reverse("assessment-scorecard", args=["district", district]), {"year": YEAR}),
        client.get(reverse("assessment-drilldown", args=["district", district,
                                                         "on_time_closure"]), {"year": YEAR}),
        client.get(reverse("assessment-catalogue")),
    ]
    listed = [client.get(reverse(name)).json()["results"] for name in (
        "assessment-scheme-list", "assessment-publication-list", "assessment-exemption-list",
        "assessment-appeal-list")]

    if role == "town_officer":
        assert [r.status_code for r in responses] == [200, 403, 403, 200]
    else:
        assert [r.status_code for r in responses] == [403, 403, 403, 403]
        assert listed == [[], [], [], []]


def test_anonymous_gets_nothing(published):
    client = APIClient()
    for url in (reverse("assessment-results"), reverse("assessment-scheme-list"),
                reverse("assessment-scorecard", args=["district", 1])):
        assert client.get(url).status_code in (401, 403)


def test_the_openapi_schema_describes_the_assessment(city):
    client = _client(city.supervisor)

    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/assessment/versions/{id}/publish/" in paths
    assert "/api/v1/assessment/scorecards/{kind}/{unit_id}/" in paths

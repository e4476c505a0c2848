"""The assessment's reading pages: ranking, scorecard and drill-down, and who may read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ecoledger.assessment import page_data, selectors, services
from ecoledger.assessment.catalogue import Column
from ecoledger.assessment.models import Publication
from ecoledger.monitoring.choices import PointKind
from ecoledger.org.choices import Role
from tests.assessment.conftest import YearOfWork
from tests.assessment.factories import (
    LINEAR_ON_TIME,
    OVERDUE_CASES,
    YEAR,
    accept,
    adopted_version,
    on,
    submit,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@dataclass
class Published:
    work: YearOfWork
    publication: Publication
    users: dict[str, object]


@pytest.fixture
def published(year_of_work) -> Published:
    """Last year (nothing due: every unit 100) and this year published under one rule set."""
    city = year_of_work.city
    before = adopted_version(city, [LINEAR_ON_TIME, OVERDUE_CASES], year=YEAR - 1)
    with on(date(YEAR, 1, 10)):
        services.publish_results(before, acting_user=city.supervisor)
    version = adopted_version(city, [LINEAR_ON_TIME, OVERDUE_CASES])
    with on(date(YEAR + 1, 1, 10)):
        publication = services.publish_results(version, acting_user=city.supervisor)
    users = {
        "supervisor": city.supervisor,
        "leader": make_user(Role.LEADER),
        "region_officer": make_user(Role.REGION_OFFICER, region=city.districts[0]),
        "town_officer": make_user(Role.REGION_OFFICER, region=city.towns[0][0]),
        "department_officer": make_user(Role.DEPARTMENT_OFFICER,
                                        department=city.departments[0]),
        "enterprise": make_user(Role.ENTERPRISE, enterprise=city.enterprises[0]),
        "inspector": make_user(Role.INSPECTOR, region=city.districts[0]),
        "no_role": make_user(""),
    }
    return Published(year_of_work, publication, users)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _scorecard(kind: str, unit) -> str:
    return reverse("assessment:scorecard", args=[YEAR, kind, unit.pk])


def _drilldown(kind: str, unit, code: str = "on_time_closure") -> str:
    return reverse("assessment:drilldown", args=[YEAR, kind, unit.pk, code])


def _rows(response) -> list[tuple]:
    return [(row.name, row.total, row.rank, row.scores, row.last_total, row.change)
            for row in response.context["table"].rows]


def test_the_ranking_shows_totals_indicator_scores_and_the_change_on_last_year(published):
    client = _client(published.users["leader"])

    districts = client.get(reverse("assessment:ranking"))
    departments = client.get(reverse("assessment:ranking"), {"year": YEAR, "kind": "department"})

    assert districts.status_code == 200
    assert districts.context["year"] == YEAR  # the latest published year by default
    assert [c.code for c in districts.context["table"].columns] == [
        "on_time_closure", "overdue_count"]
    assert _rows(districts) == [
        ("district 1", Decimal("66.00"), 1, [Decimal("50.00"), Decimal("90.00")],
         Decimal("100.00"), Decimal("-34.00")),
        ("district 2", Decimal("56.00"), 2, [Decimal("33.34"), Decimal("90.00")],
         Decimal("100.00"), Decimal("-44.00")),
    ]
    html = districts.content.decode()
    assert "−34.00" in html and "On-time closure rate" in html
    assert f'href="{_scorecard("district", published.work.city.districts[0])}"' in html
    assert [(bar["name"], bar["total"]) for bar in districts.context["chart"]] == [
        ("district 1", 66.0), ("district 2", 56.0)]
    assert 'id="ranking-chart"' in html and "echarts.min.js" in html
    assert "Preview, not published" not in html
    assert published.publication.inputs_sha256 in html
    assert [(name, total, rank) for name, total, rank, *_ in _rows(departments)] == [
        ("department 2", Decimal("56.00"), 1), ("department 1", Decimal("36.00"), 2)]


def test_an_officer_reads_the_ranking_but_links_only_its_own_scorecard(published):
    own, other = published.work.city.districts
    client = _client(published.users["region_officer"])

    html = client.get(reverse("assessment:ranking"), {"year": YEAR}).content.decode()

    assert f'href="{_scorecard("district", own)}"' in html
    assert f'href="{_scorecard("district", other)}"' not in html
    assert "district 2" in html
    assert "Live preview" not in html


def test_the_scorecard_explains_each_indicator_beside_last_year(published):
    district = published.work.city.districts[0]
    client = _client(published.users["region_officer"])

    response = client.get(_scorecard("district", district))

    assert response.status_code == 200
    card = response.context["card"]
    assert (card.total, card.rank, card.ranked_among, card.last_total, card.total_change) == (
        Decimal("66.00"), 1, 2, Decimal("100.00"), Decimal("-34.00"))
    lines = {line.code: line for line in card.lines}
    on_time, overdue = lines["on_time_closure"], lines["overdue_count"]
    assert (on_time.value, on_time.score, on_time.weight, on_time.weighted_score) == (
        Decimal("75.00"), Decimal("50.00"), Decimal("60.00"), Decimal("30.00"))
    assert (on_time.last_value, on_time.last_score) == (None, None)  # nothing due last year
    assert (overdue.value, overdue.score, overdue.last_value, overdue.last_score,
            overdue.score_change) == (Decimal("1.00"), Decimal("90.00"), Decimal("0.00"),
                                      Decimal("100.00"), Decimal("-10.00"))
    html = response.content.decode()
    assert "3 of 4 problems due in the period were closed by their deadline." in html
    assert "0 points at 50%, 100 at 100%, linear in between." in html
    assert f'href="{_drilldown("district", district)}"' in html
    assert f'href="{_drilldown("district", district, "overdue_count")}"' in html


def test_the_drilldown_lists_exactly_the_problems_behind_the_value(published):
    work = published.work
    client = _client(published.users["region_officer"])

    response = client.get(_drilldown("district", work.city.districts[0]))
    overdue = client.get(_drilldown("district", work.city.districts[0], "overdue_count"))

    assert response.status_code == 200
    rows = response.context["data"].rows
    listed = {row.cells[0].text for row in rows}
    assert listed == {problem.code for problem in work.district_one}
    assert {row.cells[0].problem_code for row in rows} == listed  # all in the officer's scope
    html = response.content.decode()
    for problem in work.district_one:
        assert f'href="{reverse("web:problem-detail", args=[problem.code])}"' in html
    for problem in work.district_two:
        assert problem.code not in html
    assert "3 of 4 problems due in the period were closed by their deadline." in html
    assert "<code>due</code>" not in html  # the figures are in the sentence, not as names
    assert "still give the published figures" in html
    assert [row.cells[0].text for row in overdue.context["data"].rows] == [
        work.district_one[3].code]


def test_the_drilldown_links_only_the_problems_the_reader_may_see(published):
    work = published.work
    leader, officer = published.users["leader"], published.users["department_officer"]
    found = selectors.drilldown(leader, year=YEAR, kind="district",
                                unit_id=work.city.districts[0].pk, code="on_time_closure")

    data = page_data.drilldown_page(officer, found, list(found.drilldown.rows))

    linked = {row.cells[0].problem_code for row in data.rows} - {""}
    # The first department leads none of these and is responsible for p1 and p4 only.
    assert linked == {work.district_one[0].code, work.district_one[3].code}
    assert len(data.rows) == 4


def test_a_published_scorecard_stays_when_later_data_change_and_the_drilldown_says_so(
        published):
    work = published.work
    district = work.city.districts[0]
    late = work.district_one[3]
    submit(work.city, late, date(YEAR + 1, 1, 20))
    accept(work.city, late, date(YEAR + 1, 1, 21))
    client = _client(published.users["leader"])

    card = client.get(_scorecard("district", district)).context["card"]
    drill = client.get(_drilldown("district", district)).content.decode()

    assert card.total == Decimal("66.00")
    assert "have changed since it was published" in drill


@pytest.mark.parametrize("role", ["supervisor", "leader"])
def test_the_office_and_leaders_see_a_live_preview_labelled_as_such(published, role):
    city = published.work.city
    draft = services.create_version(published.publication.version.scheme,
                                    acting_user=city.supervisor)
    client = _client(published.users[role])

    with on(date(YEAR + 1, 1, 15)):
        ranking = client.get(reverse("assessment:ranking"), {"version": draft.pk})
        card = client.get(_scorecard("district", city.districts[1]), {"version": draft.pk})
        drill = client.get(_drilldown("district", city.districts[1]), {"version": draft.pk})

    assert ranking.status_code == card.status_code == drill.status_code == 200
    table = ranking.context["table"]
    assert table.preview and table.version == draft
    assert [(row.name, row.total) for row in table.rows] == [
        ("district 1", Decimal("66.00")), ("district 2", Decimal("56.00"))]
    for response in (ranking, card, drill):
        assert "Preview, not published." in response.content.decode()
    assert card.context["card"].total == Decimal("56.00")
    assert f"?version={draft.pk}" in ranking.content.decode()
    assert {row.cells[0].text for row in drill.context["data"].rows} == {
        problem.code for problem in published.work.district_two}


@pytest.mark.parametrize("role", ["region_officer", "department_officer"])
def test_officers_get_no_preview(published, role):
    city = published.work.city
    adopted = published.publication.version
    draft = services.create_version(adopted.scheme, acting_user=city.supervisor)
    client = _client(published.users[role])

    responses = [client.get(reverse("assessment:ranking"), {"version": draft.pk}),
                 client.get(reverse("assessment:ranking"), {"version": adopted.pk})]

    assert [r.status_code for r in responses] == [404, 403]
    assert "Live preview" not in client.get(reverse("assessment:ranking")).content.decode()


READ_EXPECTED = {  # role: ranking, own district card, other district card, own dept card,
    #                    other dept card, a drill-down of district 1, of district 2
    "supervisor": [200, 200, 200, 200, 200, 200, 200],
    "leader": [200, 200, 200, 200, 200, 200, 200],
    "region_officer": [200, 200, 403, 403, 403, 200, 403],
    "town_officer": [200, 403, 403, 403, 403, 403, 403],
    "department_officer": [200, 403, 403, 200, 403, 403, 403],
    "enterprise": [403] * 7,
    "inspector": [403] * 7,
    "no_role": [403] * 7,
}


@pytest.mark.parametrize("role", list(READ_EXPECTED))
def test_each_role_reads_what_its_scope_allows(published, role):
    city = published.work.city
    client = _client(published.users[role])
    districts, departments = city.districts, city.departments

    statuses = [client.get(url).status_code for url in (
        reverse("assessment:ranking"), _scorecard("district", districts[0]),
        _scorecard("district", districts[1]), _scorecard("department", departments[0]),
        _scorecard("department", departments[1]), _drilldown("district", districts[0]),
        _drilldown("district", districts[1]))]

    assert statuses == READ_EXPECTED[role]
    home = client.get(reverse("web:home")).content.decode()
    linked = f'href="{reverse("assessment:ranking")}"' in home
    assert linked == (READ_EXPECTED[role][0] == 200)
    assert ('id="assessment-link"' in home) == linked


def test_a_refused_scorecard_shows_why(published):
    client = _client(published.users["region_officer"])

    response = client.get(_scorecard("district", published.work.city.districts[1]))

    assert response.status_code == 403
    assert "You may read your own unit&#x27;s scorecard only." in response.content.decode()


def test_anonymous_users_are_sent_to_log_in(published):
    district = published.work.city.districts[0]
    client = Client()

    for url in (reverse("assessment:ranking"), _scorecard("district", district),
                _drilldown("district", district)):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_an_unknown_kind_indicator_or_year_is_not_found(published):
    district = published.work.city.districts[0]
    client = _client(published.users["leader"])

    statuses = [client.get(url).status_code for url in (
        reverse("assessment:scorecard", args=[YEAR, "town", district.pk]),
        _drilldown("district", district, "no_such_indicator"),
        reverse("assessment:scorecard", args=[YEAR - 5, "district", district.pk]),
    )]

    assert statuses == [404, 404, 404]


def test_with_nothing_published_the_ranking_opens_on_the_newest_schemes_preview(city):
    version = adopted_version(city, [LINEAR_ON_TIME])
    reader = Client()
    reader.force_login(city.supervisor)

    response = reader.get(reverse("assessment:ranking"))

    assert response.status_code == 302
    assert response["Location"].endswith(f"?version={version.pk}&kind=district")
    assert reader.get(response["Location"]).status_code == 200


def test_a_drilldown_names_a_stations_kind_in_words():
    cell = page_data._cell(Column("point_kind", "Kind"), PointKind.AIR_STATION, set(), {})

    assert cell.text == str(PointKind.AIR_STATION.label) != PointKind.AIR_STATION.value

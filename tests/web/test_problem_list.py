"""The ledger list: filters, sorting, capped pagination, in-place results and the export link."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import Problem
from ecoledger.ledger.services import UnitAssignment
from ecoledger.lib import clock
from tests.factories import make_problem

pytestmark = pytest.mark.django_db


def codes(page: str) -> list[str]:
    """Codes of the listed problems, in order."""
    return re.findall(r'<td data-label="Code"><a href="/problems/([^/]+)/">', page)


def submitted(page: str) -> list[tuple[str, str]]:
    """What pressing Filter sends: the filter form's fields as the page shows them."""
    form = re.search(r'<form id="ledger-filters".*?</form>', page, re.S).group(0)
    fields = []
    for tag in re.findall(r"<input [^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and ('type="checkbox"' not in tag or " checked" in tag):
            fields.append((name.group(1), html.unescape(value.group(1)) if value else ""))
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        fields.append((name, chosen.group(1) if chosen else ""))
    return fields


@pytest.fixture
def ledger(city):
    today = clock.today()
    return {
        "air": make_problem(city, title="Dust from a pile"),
        "water": make_problem(city, domain="water", title="Black water in a ditch",
                              region=city.towns[1][0], status=Status.RECTIFYING,
                              deadline=today + timedelta(days=3)),
        "late": make_problem(city, region=city.towns[0][1], status=Status.RECTIFYING,
                             deadline=today + timedelta(days=90),
                             units=UnitAssignment(lead=city.districts[0],
                                                  responsible=[city.departments[1]])),
        "closed": make_problem(city, status=Status.CLOSED, origin="complaint"),
    }


@pytest.mark.parametrize(("query", "expected"), [
    ({}, {"air", "water", "late", "closed"}),
    ({"status": "rectifying"}, {"water", "late"}),
    ({"status": ["reported", "closed"]}, {"air", "closed"}),
    ({"domain": "water"}, {"water"}),
    ({"origin": "complaint"}, {"closed"}),
    ({"light": "yellow"}, {"water"}),
    ({"light": "green"}, {"late"}),
    ({"q": "ditch"}, {"water"}),
    ("region-district-2", {"water"}),
    ("department-2", {"late"}),
    ("deadline-soon", {"water"}),
])
def test_filters_narrow_the_list(city, ledger, people, login, query, expected):
    today = clock.today()
    named = {
        "region-district-2": {"region": city.districts[1].pk},
        "department-2": {"department": city.departments[1].pk},
        "deadline-soon": {"deadline_from": today.isoformat(),
                          "deadline_to": (today + timedelta(days=10)).isoformat()},
    }
    params = named.get(query, query) if isinstance(query, str) else query

    page = login(people["supervisor"]).get(reverse("web:problem-list"), params)

    assert page.status_code == 200
    assert set(codes(page.content.decode())) == {ledger[name].code for name in expected}


def test_a_regional_user_is_offered_only_the_regions_they_may_filter_by(city, ledger, people,
                                                                        login):
    client = login(people["officer"])

    page = client.get(reverse("web:problem-list")).content.decode()
    outside = client.get(reverse("web:problem-list"), {"region": city.districts[1].pk})

    select = re.search(r'<select name="region".*?</select>', page, re.S).group(0)
    offered = set(map(int, re.findall(r'<option value="(\d+)"', select)))
    assert offered == {city.districts[0].pk, *(town.pk for town in city.towns[0])}
    assert codes(outside.content.decode()) == []
    assert "Select a valid choice" in outside.content.decode()


def test_an_inspector_filters_by_the_districts_of_the_problems_sent_to_them(city, ledger, people,
                                                                            login):
    """The dashboard counts an inspector's checks elsewhere per district and links each row here."""
    inspector = people["inspector"]
    far = make_problem(city, status=Status.CLOSED, domain="water", region=city.towns[1][1])
    assert far.followups.exists()  # water is risky: every closing is checked
    far.followups.update(inspector=inspector)
    client = login(inspector)
    district = city.districts[1]

    home = client.get(reverse("web:home")).content.decode()
    listed = client.get(reverse("web:problem-list"), {"region": district.pk}).content.decode()
    api = client.get(reverse("problem-list"), {"region": district.pk}).json()

    assert f'href="{reverse("web:problem-list")}?region={district.pk}"' in home
    assert "Select a valid choice" not in listed
    assert codes(listed) == [row["code"] for row in api["results"]] == [far.code]
    select = re.search(r'<select name="region".*?</select>', listed, re.S).group(0)
    offered = set(map(int, re.findall(r'<option value="(\d+)"', select)))
    assert offered == {city.districts[0].pk, *(town.pk for town in city.towns[0]),
                       district.pk, city.towns[1][1].pk}


def test_columns_sort_both_ways_and_say_how(city, ledger, people, login):
    client = login(people["supervisor"])
    url = reverse("web:problem-list")

    up = client.get(url, {"ordering": "code"}).content.decode()
    down = client.get(url, {"ordering": "-code"}).content.decode()
    by_deadline = client.get(url, {"ordering": "deadline", "status": "rectifying"}).content.decode()

    assert codes(up) == sorted(codes(up)) and codes(down) == sorted(codes(up), reverse=True)
    assert 'aria-sort="ascending"' in up and 'aria-sort="descending"' in down
    assert codes(by_deadline) == [ledger["water"].code, ledger["late"].code]
    # the header link reverses the order and keeps the filters
    assert 'href="?status=rectifying&amp;ordering=-deadline"' in by_deadline


def test_pages_hold_25_and_the_pager_keeps_the_filters(city, people, login):
    for n in range(27):
        make_problem(city, title=f"Pile {n}")
    client = login(people["supervisor"])

    first = client.get(reverse("web:problem-list"), {"domain": "air"}).content.decode()
    second = client.get(reverse("web:problem-list"), {"domain": "air", "page": 2}).content.decode()

    assert len(codes(first)) == 25 and len(codes(second)) == 2
    assert "27 problems" in first
    assert "Page 1 of 2" in first
    assert 'href="?domain=air&amp;page=2"' in first
    assert not set(codes(first)) & set(codes(second))


def test_beyond_the_cap_the_count_says_at_least(city, people, login, settings):
    settings.LIST_COUNT_CAP = 3
    for _ in range(5):
        make_problem(city)

    page = login(people["supervisor"]).get(reverse("web:problem-list")).content.decode()

    assert "3+ problems" in page


def test_the_export_button_exports_exactly_the_filtered_set(city, ledger, people, login):
    client = login(people["supervisor"])
    params = {"status": "rectifying", "ordering": "deadline"}

    page = client.get(reverse("web:problem-list"), params).content.decode()
    href = re.search(r'<a class="button secondary" href="([^"]+)" data-export>', page).group(1)
    exported = client.get(href.replace("&amp;", "&"))

    assert href.startswith(reverse("problem-export") + "?")
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    rows = [row["code"] for row in csv.DictReader(io.StringIO(text))]
    assert rows == codes(page) == [ledger["water"].code, ledger["late"].code]


@pytest.mark.parametrize("dates", ["reported", "closed"])
def test_a_date_range_shows_in_the_form_and_holds_when_filtering_again(city, ledger, people,
                                                                        login, dates):
    """The dashboard's weekly links filter by these ranges: the page must show and keep them."""
    today = clock.today()
    with clock.frozen_at(clock.now() - timedelta(days=30)):
        earlier = make_problem(city, status=Status.CLOSED)
    params = {"status": "closed", f"{dates}_from": (today - timedelta(days=7)).isoformat(),
              f"{dates}_to": today.isoformat()}
    client = login(people["supervisor"])

    page = client.get(reverse("web:problem-list"), params).content.decode()
    again = client.get(reverse("web:problem-list"), submitted(page)).content.decode()
    href = re.search(r'href="([^"]+)" data-export>', again).group(1)
    exported = client.get(html.unescape(href))

    assert codes(page) == codes(again) == [ledger["closed"].code]
    assert earlier.code in codes(client.get(reverse("web:problem-list"),
                                            {"status": "closed"}).content.decode())
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert [row["code"] for row in csv.DictReader(io.StringIO(text))] == codes(again)
    for name in (f"{dates}_from", f"{dates}_to"):
        assert f'<input type="date" name="{name}" value="{params[name]}"' in page
    assert '<details class="more-filters" open>' in page


@pytest.mark.parametrize("flag", ["overdue", "rebounded"])
def test_the_dashboards_flags_show_in_the_form_and_hold_when_filtering_again(
        city, ledger, people, login, flag):
    Problem.objects.filter(pk=ledger["late"].pk).update(
        deadline=clock.today() - timedelta(days=2), rebound_count=1)
    client = login(people["supervisor"])

    page = client.get(reverse("web:problem-list"), {flag: "true"}).content.decode()
    again = client.get(reverse("web:problem-list"), submitted(page)).content.decode()

    assert codes(page) == codes(again) == [ledger["late"].code]
    assert ('<option value="true" selected>' in
            re.search(rf'<select name="{flag}".*?</select>', page, re.S).group(0))
    assert '<details class="more-filters" open>' in page


def test_filter_changes_swap_only_the_results(city, ledger, people, login):
    client = login(people["supervisor"])

    partial = client.get(reverse("web:problem-list"), {"domain": "water"},
                         HTTP_HX_REQUEST="true")
    restore = client.get(reverse("web:problem-list"), {"domain": "water"},
                         HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    body = partial.content.decode()
    assert body.lstrip().startswith('<section id="results"') and "<html" not in body
    assert codes(body) == [ledger["water"].code]
    assert "<html" in restore.content.decode()
    assert "HX-Request" in partial["Vary"]


def test_the_list_shows_the_traffic_light_as_a_labelled_badge(city, ledger, people, login):
    page = login(people["supervisor"]).get(reverse("web:problem-list")).content.decode()

    assert '<span class="light-badge yellow"><span class="shape" aria-hidden="true">▲</span> ' \
           'Warning</span>' in page
    assert '<span class="light-badge green">' in page


@pytest.mark.parametrize("first", ["web:problem-list", "api-schema"])
def test_the_filters_keep_their_widgets_and_scope_whatever_was_served_before(
        city, ledger, people, login, first):
    """The API schema builds the shared filters' fields; the page must not inherit them."""
    login(people["supervisor"]).get(reverse(first))
    client = login(people["officer"])

    page = client.get(reverse("web:problem-list")).content.decode()

    statuses = re.findall(r'<input type="checkbox" name="status" value="(\w+)"', page)
    assert set(statuses) == set(Status.values)
    assert re.search(r'<input type="date" name="deadline_from"', page)
    light = re.search(r'<select name="light".*?</select>', page, re.S).group(0)
    assert re.search(r'<option value="" selected>All</option>', light)
    region = re.search(r'<select name="region".*?</select>', page, re.S).group(0)
    assert str(city.districts[1].pk) not in re.findall(r'<option value="(\d+)"', region)

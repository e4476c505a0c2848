"""My work: each role's queues hold what needs them, inside their scope."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ecoledger.ledger.choices import Status
from ecoledger.ledger.services import UnitAssignment
from ecoledger.org.choices import Role
from ecoledger.web.work import work_counts
from tests.factories import make_problem, make_user

pytestmark = pytest.mark.django_db


def test_a_supervisor_sees_what_to_verify_arbitrate_and_accept(city):
    make_problem(city)
    make_problem(city, status=Status.CONTESTED)
    make_problem(city, status=Status.PENDING_ACCEPTANCE)  # submitted by city.supervisor

    mine = work_counts(city.supervisor)
    other = work_counts(city.second_supervisor)

    assert (mine["to_verify"], mine["to_arbitrate"], mine["to_accept"]) == (1, 1, 0)
    assert other["to_accept"] == 1


def test_an_officer_sees_the_assignments_of_their_own_unit_only(city):
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    make_problem(city, status=Status.ASSIGNED)  # lead: district 1
    make_problem(city, status=Status.ASSIGNED, region=city.towns[1][0])  # district 2
    make_problem(city, status=Status.ASSIGNED,
                 units=UnitAssignment(lead=city.departments[0]))  # a department leads

    counts = work_counts(officer)

    assert counts["to_start"] == 1
    assert counts["total"] == 1


def test_the_page_lists_the_queues_and_the_navigation_shows_the_count(city):
    problem = make_problem(city)
    client = Client()
    client.force_login(city.supervisor)

    page = client.get(reverse("web:my-work")).content.decode()

    assert problem.code in page
    assert 'class="badge"' in page


def test_each_queue_shows_its_count_and_continues_in_the_ledger(city):
    for _ in range(21):
        make_problem(city)
    client = Client()
    client.force_login(city.supervisor)

    page = client.get(reverse("web:my-work")).content.decode()

    assert '<a href="#to_verify">' in page  # the queues, with their counts, at the top
    assert '<span class="count-pill active">21</span>' in page
    assert f'href="{reverse("web:problem-list")}?status=reported"' in page
    assert page.count('<span class="status-badge status-reported">') == 20


def test_the_register_button_is_offered_to_roles_that_may_register(city):
    leader = make_user(Role.LEADER)
    client = Client()

    client.force_login(city.supervisor)
    offered = client.get(reverse("web:my-work")).content.decode()
    client.force_login(leader)
    not_offered = client.get(reverse("web:my-work")).content.decode()

    assert reverse("web:problem-create") in offered
    assert reverse("web:problem-create") not in not_offered


def test_the_navigation_count_is_kept_a_minute_but_the_users_own_write_renews_it(city):
    client = Client()
    client.force_login(city.supervisor)
    make_problem(city)
    first = client.get(reverse("web:home")).content.decode()
    make_problem(city)  # someone else registers: the cached count stays for a while
    cached = client.get(reverse("web:home")).content.decode()

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    renewed = client.get(reverse("web:home")).content.decode()

    assert '<span class="badge"' in first
    assert _badge(first) == _badge(cached) == 1
    assert _badge(renewed) == 2


def _badge(page: str) -> int:
    return int(re.search(r'<span class="badge"[^>]*>(\d+)</span>', page).group(1))

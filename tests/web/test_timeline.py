"""The timeline names every change an event records, whatever kind of field it names."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from ecoledger.audit.services import record
from ecoledger.ledger import services
from ecoledger.ledger.models import Problem
from ecoledger.ledger.services.registration import TicketInput
from tests.factories import make_problem

pytestmark = pytest.mark.django_db


def test_a_change_naming_a_reverse_relation_is_shown_under_its_models_name(
    city, people, login
):
    problem = make_problem(city)
    record("ledger.problem.checked", actor=city.supervisor, target=problem,
           changes={"contests": [None, "two checks"]})

    response = login(people["supervisor"]).get(
        reverse("web:problem-detail", args=[problem.code]))

    assert response.status_code == 200
    with translation.override("en"):
        name = str(Problem._meta.get_field("contests").related_model._meta.verbose_name_plural)
    assert f"{name}: — → two checks" in response.content.decode()


def test_links_and_tickets_name_their_kind_and_a_complaints_channel_its_name(
    city, people, login
):
    problem, other = make_problem(city), make_problem(city)
    services.link_problems(problem, other, acting_user=city.supervisor, kind="same_source")
    services.add_ticket(problem, acting_user=city.supervisor, ticket=TicketInput(
        kind="complaint", upstream_id="5K3XULXGR4", channel="open311"))

    page = login(people["supervisor"]).get(
        reverse("web:problem-detail", args=[problem.code])).content.decode()

    assert f"{other.code} (Same pollution source)" in page
    assert "Complaint 5K3XULXGR4" in page and "Complaint · Open311 GeoReport" in page
    text = re.sub(r"<[^>]+>", " ", page)
    assert "same_source" not in text and "complaint:" not in text and "open311" not in text

"""The timeline names every change an event records, whatever kind of field it names."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from ecoledger.audit.services import record
from ecoledger.ledger.models import Problem
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

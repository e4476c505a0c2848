"""The follow-up and suspected-rebound endpoints: the same services, the same refusals."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ecoledger.ledger import services
from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import Problem, SuspectedRebound
from ecoledger.lib import clock
from tests.factories import jpeg_bytes, make_problem
from tests.ledger.followup_factories import (
    METRES_50,
    closed_problem,
    days_after_closing,
    first_check,
    make_inspector,
)

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_inspector_lists_what_is_due_and_records_a_rebound_with_photos(city):
    inspector = make_inspector(city.districts[1])
    problem = closed_problem(city)
    check = first_check(problem)
    client = _client(inspector)
    photo = io.BytesIO(jpeg_bytes(seed=99))
    photo.name = "site.jpg"

    with clock.frozen_at(days_after_closing(problem, 31)):
        due = client.get(reverse("followup-list"), {"status": "pending", "due": "1"}).json()
        response = client.post(reverse("followup-record", args=[check.pk]),
                               {"finding": "rebound", "note": "Foam on the water",
                                "files": [photo]}, format="multipart")

    assert [row["id"] for row in due["results"]] == [check.pk]
    assert due["results"][0]["problem"] == problem.code
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "rebound"
    assert len(response.json()["evidence"]) == 1
    assert Problem.objects.get(pk=problem.pk).rebound_count == 1


def test_a_record_before_it_is_due_is_refused_before_the_input_is_read(city):
    inspector = make_inspector(city.districts[1])
    problem = closed_problem(city)

    response = _client(inspector).post(reverse("followup-record",
                                               args=[first_check(problem).pk]), {})

    assert response.status_code == 403
    assert "not due until" in response.json()["message"]


def test_the_supervisor_confirms_a_suspicion_through_the_api(city):
    problem = closed_problem(city)
    with clock.frozen_at(days_after_closing(problem, 3)):
        make_problem(city, region=city.towns[0][1], latitude=32.05 + METRES_50,
                     longitude=118.78)
        services.detect_rebounds()
    suspicion = SuspectedRebound.objects.get()
    client = _client(city.supervisor)
    deadline = clock.today() + timedelta(days=15)

    listed = client.get(reverse("suspected-rebound-list"), {"status": "open"}).json()
    response = client.post(reverse("suspected-rebound-confirm", args=[suspicion.pk]),
                           {"reason": "Confirmed on site", "deadline": deadline.isoformat()})

    assert listed["results"][0]["reason"].startswith("Patrol finding")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert Problem.objects.get(pk=problem.pk).status == Status.RECTIFYING


def test_an_unknown_status_filter_is_an_error_that_names_the_known_ones(city):
    response = _client(city.supervisor).get(reverse("followup-list"), {"status": "done"})

    assert response.status_code == 400
    assert "pending" in response.json()["fields"]["status"][0]

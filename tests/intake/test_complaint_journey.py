"""A complaint's whole journey, from the page and from Open311: triage, merge, answer."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ecoledger.intake.models import ApiKey, Complaint
from ecoledger.intake.open311.keys import issue_key
from ecoledger.ledger import services as ledger
from ecoledger.ledger.choices import Status, TicketKind
from tests.factories import category, make_problem
from tests.intake.factories import LAT, LON

pytestmark = pytest.mark.django_db


def test_page_and_open311_complaints_reach_triage_merge_and_hear_the_answer(city):
    problem = make_problem(city, status=Status.PENDING_ACCEPTANCE, latitude=LAT + 0.001,
                           longitude=LON, category=category("air"),
                           description="工地扬尘严重，未覆盖防尘网")
    api_key = ApiKey(name="12345 app")
    secret = issue_key(api_key)
    api_key.save()

    page = Client(REMOTE_ADDR="10.0.0.1").post(reverse("intake:report"), {
        "description": "工地扬尘很大，没有覆盖防尘网", "category": category("air").pk,
        "latitude": str(LAT), "longitude": str(LON), "coordinate_system": "wgs84",
        "phone": "13812345678"})
    posted = Client(REMOTE_ADDR="10.0.0.2").post(
        reverse("open311:requests", kwargs={"fmt": "json"}),
        {"api_key": secret, "service_code": "air.test", "lat": str(LAT), "long": str(LON),
         "description": "附近工地晚上扬尘"})
    from_page = Complaint.objects.get(channel="web").tracking_code
    from_api = posted.json()[0]["service_request_id"]
    assert page["Location"] == reverse("intake:track-detail", args=[from_page])

    supervisor = Client()
    supervisor.force_login(city.supervisor)
    queue = supervisor.get(reverse("intake:triage")).content.decode()
    for code in (from_page, from_api):
        card = queue[queue.index(code):]
        assert re.search(rf"{problem.code}.*?111 m away", card, re.S)
        response = supervisor.post(reverse("intake:triage-action", args=[code, "merge"]),
                                   {"merge-problem": problem.code})
        assert response.status_code == 302

    assert set(problem.tickets.filter(kind=TicketKind.COMPLAINT).values_list(
        "upstream_id", flat=True)) == {from_page, from_api}
    ledger.accept_problem(problem, acting_user=city.second_supervisor,
                          opinion="已覆盖防尘网并安装喷淋")

    for code in (from_page, from_api):
        tracking = Client().get(reverse("intake:track-detail", args=[code])).content.decode()
        assert "Answered: 已覆盖防尘网并安装喷淋" in tracking
    read = Client().get(reverse("open311:request-detail",
                                kwargs={"fmt": "json", "request_id": from_api})).json()[0]
    assert (read["status"], read["status_notes"]) == ("closed", "Answered: 已覆盖防尘网并安装喷淋")

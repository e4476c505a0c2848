"""Triage: the queue with duplicate candidates, the three decisions, and the answer on close."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from ecoledger.audit.models import Event
from ecoledger.intake import services
from ecoledger.intake.choices import ComplaintStatus
from ecoledger.intake.duplicates import candidates_for
from ecoledger.ledger import services as ledger
from ecoledger.ledger.choices import Origin, Status, TicketKind
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, StateConflict
from ecoledger.notifications.models import Message
from ecoledger.org.choices import Role
from tests.factories import category, make_problem, make_user
from tests.intake.factories import LAT, LON, make_complaint

pytestmark = pytest.mark.django_db

# About 111 m north of the complaint's point.
NEAR_LAT = LAT + 0.001


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_candidates_are_ranked_with_distance_days_and_similarity(city):
    near = make_problem(city, status=Status.RECTIFYING, latitude=NEAR_LAT, longitude=LON,
                        description="工地扬尘严重，未覆盖防尘网", category=category("air"))
    far_but_alike = make_problem(city, latitude=LAT + 0.2, longitude=LON,
                                 description="工地扬尘很大，没有覆盖防尘网",
                                 category=category("air"))
    make_problem(city, latitude=LAT + 0.2, longitude=LON, description="农田秸秆焚烧",
                 category=category("air"))
    earlier = make_complaint(description="晚上工地施工扬尘")
    complaint = make_complaint()

    found = candidates_for(complaint, city.supervisor)

    assert [c.problem or c.complaint for c in found] == [earlier, near, far_but_alike]
    assert round(found[0].distance_m) == 0
    assert (round(found[1].distance_m), found[1].days_apart) == (111, 0)
    assert found[2].distance_m > 20_000 and found[2].similarity == pytest.approx(11 / 16)


def test_closed_problems_count_only_while_recently_closed(city, settings):
    settings.INTAKE_DUPLICATE_DAYS = 30
    closed = make_problem(city, status=Status.CLOSED, latitude=NEAR_LAT, longitude=LON)
    complaint = make_complaint()
    assert [c.problem for c in candidates_for(complaint, city.supervisor)] == [closed]

    with clock.frozen_at(clock.now() + timedelta(days=31)):
        later = make_complaint()
    assert candidates_for(later, city.supervisor) == []


def test_the_queue_shows_each_new_complaint_with_its_candidates_and_reasons(city):
    problem = make_problem(city, status=Status.ASSIGNED, latitude=NEAR_LAT, longitude=LON)
    complaint = make_complaint()
    client = Client()
    client.force_login(city.supervisor)

    html = _page(client, reverse("intake:triage"))

    assert complaint.tracking_code in html and problem.code in html
    assert "111 m away" in html and "0 days apart" in html and "% similar" in html
    detail = _page(client, reverse("intake:triage-detail", args=[complaint.tracking_code]))
    assert f"Merge into {problem.code}" in detail and "111 m away" in detail


def test_merging_links_the_complaint_as_a_ticket_with_its_reply_deadline(city, settings):
    settings.INTAKE_REPLY_DAYS = 15
    problem = make_problem(city, status=Status.RECTIFYING, latitude=NEAR_LAT, longitude=LON)
    complaint = make_complaint()
    client = Client()
    client.force_login(city.supervisor)

    response = client.post(reverse("intake:triage-action", args=[complaint.tracking_code,
                                                                  "merge"]),
                           {"merge-problem": problem.code})

    assert response.status_code == 302
    complaint.refresh_from_db()
    ticket = problem.tickets.get()
    assert (complaint.status, complaint.problem, complaint.ticket) == (
        ComplaintStatus.MERGED, problem, ticket)
    assert (ticket.kind, ticket.upstream_id) == (TicketKind.COMPLAINT, complaint.tracking_code)
    assert ticket.reply_deadline == clock.today() + timedelta(days=15)
    assert ticket.received_at == complaint.created_at
    assert Event.objects.filter(action="intake.complaint.merged").count() == 1
    tracking = _page(Client(), reverse("intake:track-detail", args=[complaint.tracking_code]))
    assert "Merged into a case that is already being handled" in tracking


def test_opening_a_problem_registers_it_from_the_complaint(city):
    complaint = make_complaint(address="玄武区北京东路41号")

    problem = services.open_problem_for(complaint, acting_user=city.supervisor,
                                        region=city.towns[0][1], title="工地扬尘")

    complaint.refresh_from_db()
    assert (problem.origin, problem.status, problem.category) == (
        Origin.COMPLAINT, Status.REPORTED, complaint.category)
    assert (problem.latitude, problem.longitude) == (LAT, LON)
    assert problem.description == complaint.description
    assert complaint.ticket == problem.tickets.get(kind=TicketKind.COMPLAINT)
    assert complaint.status == ComplaintStatus.OPENED


def test_rejecting_needs_a_reason_that_the_complainant_then_reads(city):
    complaint = make_complaint()
    client = Client()
    client.force_login(city.supervisor)
    url = reverse("intake:triage-action", args=[complaint.tracking_code, "reject"])

    empty = client.post(url, {"reject-reason": " "})
    done = client.post(url, {"reject-reason": "不属于生态环境部门职责，已转交城管"})

    assert empty.status_code == 400
    assert done.status_code == 302
    tracking = _page(Client(), reverse("intake:track-detail", args=[complaint.tracking_code]))
    assert "Not accepted" in tracking and "不属于生态环境部门职责，已转交城管" in tracking


def test_a_complaint_is_decided_once(city):
    problem = make_problem(city)
    complaint = make_complaint()
    services.reject_complaint(complaint, acting_user=city.supervisor, reason="Duplicate")

    with pytest.raises(StateConflict):
        services.merge_complaint(complaint, acting_user=city.second_supervisor, problem=problem)

    assert problem.tickets.count() == 0


def test_only_supervisors_decide(city):
    complaint = make_complaint()
    inspector = make_user(Role.INSPECTOR, region=city.districts[0])

    with pytest.raises(ActionRefused):
        services.reject_complaint(complaint, acting_user=inspector, reason="No")

    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED


def test_closing_the_problem_answers_every_complaint_on_it_and_tells_the_complainant(city):
    problem = make_problem(city, status=Status.PENDING_ACCEPTANCE, latitude=NEAR_LAT,
                           longitude=LON)
    first, second = make_complaint(), make_complaint()
    for complaint in (first, second):
        services.merge_complaint(complaint, acting_user=city.supervisor, problem=problem)

    ledger.accept_problem(problem, acting_user=city.second_supervisor,
                          opinion="工地已全部覆盖防尘网，夜间停止施工")

    for complaint in (first, second):
        complaint.refresh_from_db()
        assert complaint.status == ComplaintStatus.ANSWERED
        assert complaint.ticket.reply == "工地已全部覆盖防尘网，夜间停止施工"
        assert complaint.ticket.replied_at is not None
        html = _page(Client(), reverse("intake:track-detail", args=[complaint.tracking_code]))
        assert "Answered" in html and "工地已全部覆盖防尘网，夜间停止施工" in html


def test_merging_into_a_closed_problem_answers_at_once(city):
    problem = make_problem(city, status=Status.CLOSED, latitude=NEAR_LAT, longitude=LON)
    complaint = make_complaint()

    services.merge_complaint(complaint, acting_user=city.supervisor, problem=problem)

    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED
    assert complaint.ticket.reply == "Checked on site"


def test_staff_are_told_without_the_complainants_contact(city):
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    problem = make_problem(city, status=Status.RECTIFYING)
    complaint = make_complaint(name="张三", phone="13812345678")

    services.merge_complaint(complaint, acting_user=city.supervisor, problem=problem)

    received = Message.objects.get(kind="intake.complaint_received")
    merged = Message.objects.get(kind="intake.complaint_merged")
    assert set(received.notifications.values_list("recipient", flat=True)) == {
        city.supervisor.pk, city.second_supervisor.pk}
    assert received.link == f"/complaints/{complaint.tracking_code}/"
    assert list(merged.notifications.values_list("recipient", flat=True)) == [officer.pk]
    assert complaint.tracking_code in merged.body and merged.problem == problem
    for message in (received, merged):
        assert "13812345678" not in message.body + message.subject
        assert "张三" not in message.body + message.subject


def test_a_similar_complaint_already_merged_offers_its_problem(city):
    problem = make_problem(city, status=Status.RECTIFYING)
    earlier = make_complaint()
    services.merge_complaint(earlier, acting_user=city.supervisor, problem=problem)
    complaint = make_complaint()
    client = Client()
    client.force_login(city.supervisor)

    html = _page(client, reverse("intake:triage-detail", args=[complaint.tracking_code]))

    assert earlier.tracking_code in html
    assert f'name="merge-problem" value="{problem.code}"' in html
    assert f"Merge into {problem.code}" in html


def _square(lat: float, lon: float, half: float) -> dict:
    corners = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
               [lon - half, lat + half], [lon - half, lat - half]]
    return {"type": "Polygon", "coordinates": [corners]}


def test_opening_a_problem_offers_the_region_the_point_lies_in(city):
    district, town = city.districts[1], city.towns[1][0]
    district.boundary = _square(LAT, LON, 0.2)
    district.save()
    town.boundary = _square(LAT, LON, 0.01)
    town.save()
    inside, outside = make_complaint(), make_complaint(latitude=LAT + 0.1)
    client = Client()
    client.force_login(city.supervisor)

    def offered(complaint) -> object:
        url = reverse("intake:triage-detail", args=[complaint.tracking_code])
        return client.get(url).context["forms"]["open"]["region"].initial

    assert (offered(inside), offered(outside)) == (town, district)


def test_the_navigation_offers_triage_to_supervisors_only(city):
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])
    link = f'href="{reverse("intake:triage")}"'

    pages = {}
    for user in (city.supervisor, officer):
        client = Client()
        client.force_login(user)
        pages[user.role] = client.get(reverse("web:problem-list")).content.decode()

    assert link in pages[Role.SUPERVISOR] and link not in pages[Role.REGION_OFFICER]

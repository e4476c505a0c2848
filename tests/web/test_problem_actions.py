"""The action forms of the problem page: offered only to who may act, each one calling its service.

One row per workflow action: the state to start from, a user who may take it and
one who may not (but sees the problem), valid input and what it changes, and
input a service or form refuses with the field the error must appear next to.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ecoledger.audit.models import Event
from ecoledger.ledger import services
from ecoledger.ledger.choices import EvidenceStage, ExtensionStatus, Status
from ecoledger.ledger.models import Problem, ProgressReport, RectificationPlan
from ecoledger.lib import clock
from tests.factories import City, jpeg_bytes, make_problem
from tests.web.conftest import field_error, form_errors

pytestmark = pytest.mark.django_db


def days(n: int) -> str:
    return (clock.today() + timedelta(days=n)).isoformat()


def after_deadline(problem: Problem, n: int) -> str:
    return (problem.deadline + timedelta(days=n)).isoformat()


def jpeg(name: str = "photo.jpg", seed: int = 1) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(seed=seed), content_type="image/jpeg")


def plan_input(due_on: str) -> dict[str, str]:
    return {
        "goal": "Cover every pile", "summary": "", "measures-TOTAL_FORMS": "1",
        "measures-INITIAL_FORMS": "0", "measures-MIN_NUM_FORMS": "0",
        "measures-MAX_NUM_FORMS": "1000", "measures-0-description": "Cover with dust nets",
        "measures-0-owner": "Site manager", "measures-0-due_on": due_on,
    }


def _after_photo(city: City, problem: Problem, people: dict[str, Any]) -> None:
    services.add_evidence(problem, acting_user=city.supervisor, upload=io.BytesIO(
        jpeg_bytes(seed=problem.pk + 1000)), name="after.jpg", stage=EvidenceStage.AFTER)


def _pending_extension(city: City, problem: Problem, people: dict[str, Any]) -> None:
    services.request_extension(problem, acting_user=people["officer"],
                               deadline=problem.deadline + timedelta(days=30), reason="Rain")


def _another_problem(city: City, problem: Problem, people: dict[str, Any]) -> None:
    make_problem(city, title="Dust at the same site")


def _other_code(problem: Problem) -> str:
    return Problem.objects.exclude(pk=problem.pk).get().code


@dataclass
class Case:
    action: str
    status: str
    allowed: str
    denied: str
    valid: Callable[[Problem], dict[str, Any]]
    event: str
    done: Callable[[Problem], bool]
    invalid: Callable[[Problem], dict[str, Any]] | None = None
    error_field: str = ""  # "" for an error at the top of the form
    error_text: str = ""
    prepare: Callable[[City, Problem, dict[str, Any]], None] | None = None

    def __str__(self) -> str:
        return self.action


CASES = [
    Case("verify", Status.REPORTED, "supervisor", "inspector",
         lambda p: {"lead_unit": f"region:{p.district_id}", "deadline": days(30),
                    "severity": "serious"},
         "verified", lambda p: p.status == Status.ASSIGNED and p.severity == "serious",
         lambda p: {"lead_unit": f"region:{p.district_id}", "deadline": days(-1),
                    "severity": "general"},
         "deadline", "is in the past"),
    Case("dismiss", Status.REPORTED, "supervisor", "officer",
         lambda p: {"reason": "A duplicate"}, "dismissed", lambda p: p.status == Status.DISMISSED,
         lambda p: {"reason": ""}, "reason", "required"),
    Case("contest", Status.ASSIGNED, "officer", "supervisor",
         lambda p: {"reason": "Not our territory"}, "contested",
         lambda p: p.status == Status.CONTESTED,
         lambda p: {"reason": "   "}, "reason", "required"),
    Case("arbitrate", Status.CONTESTED, "supervisor", "officer",
         lambda p: {"decision": "uphold", "reason": "It is on your ground"}, "arbitrated",
         lambda p: p.status == Status.ASSIGNED,
         lambda p: {"decision": "reassign", "reason": "Someone else"},
         "lead_unit", "new lead unit"),
    Case("start", Status.ASSIGNED, "officer", "leader",
         lambda p: {}, "started", lambda p: p.status == Status.RECTIFYING),
    Case("edit_plan", Status.RECTIFYING, "officer", "enterprise",
         lambda p: plan_input(days(10)), "plan_saved",
         lambda p: RectificationPlan.objects.get(problem=p).measures.count() == 1
         and p.measures_total == 1,
         lambda p: plan_input(after_deadline(p, 10)), "measures-0-due_on",
         "after the problem's deadline"),
    Case("report_progress", Status.RECTIFYING, "enterprise", "leader",
         lambda p: {"text": "Half of the piles are covered", "stage": "during"},
         "progress_reported", lambda p: ProgressReport.objects.filter(problem=p).count() == 1,
         lambda p: {"text": "", "stage": "during"}, "text", "required"),
    Case("add_evidence", Status.RECTIFYING, "officer", "leader",
         lambda p: {"files": jpeg(), "stage": "during"}, "evidence_added",
         lambda p: p.evidence.filter(original_name="photo.jpg").exists(),
         lambda p: {"files": SimpleUploadedFile("notes.txt", b"just text"), "stage": "during"},
         "files", "not an accepted file type"),
    Case("submit", Status.RECTIFYING, "officer", "inspector",
         lambda p: {"summary": "All piles covered"}, "submitted",
         lambda p: p.status == Status.PENDING_ACCEPTANCE,
         lambda p: {"summary": ""}, "summary", "required", prepare=_after_photo),
    Case("reject", Status.PENDING_ACCEPTANCE, "second_supervisor", "officer",
         lambda p: {"reason": "Still dusty"}, "rejected", lambda p: p.status == Status.RECTIFYING,
         lambda p: {"reason": ""}, "reason", "required"),
    Case("accept", Status.PENDING_ACCEPTANCE, "second_supervisor", "supervisor",
         lambda p: {"opinion": "Checked on site", "method": "on_site"}, "accepted",
         lambda p: p.status == Status.CLOSED,
         lambda p: {"opinion": "", "method": "on_site"}, "opinion", "required"),
    Case("rebound", Status.CLOSED, "supervisor", "officer",
         lambda p: {"reason": "Dust again", "deadline": days(20)}, "rebounded",
         lambda p: p.status == Status.RECTIFYING and p.rebound_count == 1,
         lambda p: {"reason": "Dust again", "deadline": days(-2)}, "deadline", "in the past"),
    Case("request_extension", Status.RECTIFYING, "officer", "supervisor",
         lambda p: {"deadline": after_deadline(p, 30), "reason": "Rainy season"},
         "extension_requested",
         lambda p: p.extensions.filter(status=ExtensionStatus.PENDING).exists(),
         lambda p: {"deadline": after_deadline(p, -1), "reason": "Rainy season"},
         "deadline", "later than"),
    Case("decide_extension", Status.RECTIFYING, "supervisor", "officer",
         lambda p: {"approve": "approve", "note": "Granted"}, "extension_decided",
         lambda p: p.extensions.filter(status=ExtensionStatus.APPROVED).exists(),
         lambda p: {"approve": "", "note": ""}, "approve", "required",
         prepare=_pending_extension),
    Case("extend_deadline", Status.RECTIFYING, "supervisor", "officer",
         lambda p: {"deadline": after_deadline(p, 10), "reason": "Winter works stop"},
         "deadline_extended",
         lambda p: p.extensions.filter(status=ExtensionStatus.APPROVED).exists(),
         lambda p: {"deadline": after_deadline(p, 0), "reason": "Winter"},
         "deadline", "later than"),
    Case("add_ticket", Status.REPORTED, "supervisor", "inspector",
         lambda p: {"kind": "hotline_12345", "upstream_id": "12345-0001"}, "ticket_added",
         lambda p: p.tickets.filter(upstream_id="12345-0001").exists(),
         lambda p: {"kind": "telegram"}, "kind", "valid choice"),
    Case("link", Status.REPORTED, "inspector", "officer",
         lambda p: {"other": _other_code(p), "kind": "same_area"}, "linked",
         lambda p: p.links_out.exists() or p.links_in.exists(),
         lambda p: {"other": "ZG-1999-000001", "kind": "same_area"}, "other", "No problem",
         prepare=_another_problem),
]


def _build(case: Case, city: City, people: dict[str, Any]) -> Problem:
    problem = make_problem(city, status=case.status, source=city.sources[0])
    if case.prepare:
        case.prepare(city, problem, people)
    return Problem.objects.get(pk=problem.pk)


def _prefixed(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    return {f"{case.action}-{name}": value for name, value in data.items()}


def _url(problem: Problem, case: Case) -> str:
    return reverse("web:problem-action", args=[problem.code, case.action])


def _snapshot(problem: Problem) -> tuple:
    fresh = Problem.objects.get(pk=problem.pk)
    return (fresh.status, fresh.deadline, fresh.updated_at, fresh.evidence.count(),
            Event.objects.count())


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_form_is_offered_only_to_users_who_may_take_the_action(case, city, people, login):
    problem = _build(case, city, people)
    detail = reverse("web:problem-detail", args=[problem.code])

    allowed = login(people[case.allowed]).get(detail).content.decode()
    denied = login(people[case.denied]).get(detail)

    assert f'id="action-{case.action}"' in allowed
    assert _url(problem, case) in allowed
    assert denied.status_code == 200  # sees the problem …
    assert f'id="action-{case.action}"' not in denied.content.decode()  # … but no form


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_post_takes_the_action_through_its_service(case, city, people, login):
    problem = _build(case, city, people)
    user = people[case.allowed]

    response = login(user).post(_url(problem, case), _prefixed(case, case.valid(problem)))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("web:problem-detail", args=[problem.code])
    fresh = Problem.objects.get(pk=problem.pk)
    assert case.done(fresh)
    # Closing also schedules the follow-ups, recorded after the acceptance itself.
    events = Event.objects.filter(subject_id=str(problem.pk)).exclude(
        action="ledger.problem.followups_scheduled")
    event = events.latest("seq")
    assert (event.action, event.actor_id) == (f"ledger.problem.{case.event}", user.pk)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_post_by_a_user_who_may_not_is_refused_and_changes_nothing(case, city, people, login):
    problem = _build(case, city, people)
    before = _snapshot(problem)

    response = login(people[case.denied]).post(_url(problem, case),
                                               _prefixed(case, case.valid(problem)))

    assert response.status_code in (403, 409)
    assert _snapshot(problem) == before
    assert 'class="messages"' in response.content.decode()  # the reason, at the top


@pytest.mark.parametrize("case", [c for c in CASES if c.invalid], ids=str)
def test_errors_show_next_to_the_field_they_concern(case, city, people, login):
    problem = _build(case, city, people)
    before = _snapshot(problem)

    response = login(people[case.allowed]).post(_url(problem, case),
                                                _prefixed(case, case.invalid(problem)))

    assert response.status_code == 400
    page = response.content.decode()
    assert case.error_text in field_error(page, f"{case.action}-{case.error_field}")
    assert f'id="action-{case.action}" open' in page  # the form with the error is open
    assert 'aria-invalid="true"' in page
    assert _snapshot(problem) == before


def test_submitting_without_an_after_photo_says_so_at_the_top_of_the_form(city, people, login):
    problem = make_problem(city, status=Status.RECTIFYING)

    response = login(people["officer"]).post(
        reverse("web:problem-action", args=[problem.code, "submit"]),
        {"submit-summary": "Done"})

    assert response.status_code == 400
    assert "after-rectification photo" in form_errors(response.content.decode())
    assert Problem.objects.get(pk=problem.pk).status == Status.RECTIFYING


def test_an_in_place_post_answers_with_the_page_to_swap(city, people, login):
    problem = make_problem(city, status=Status.REPORTED)
    client = login(people["supervisor"])
    url = reverse("web:problem-action", args=[problem.code, "dismiss"])

    error = client.post(url, {"dismiss-reason": ""}, HTTP_HX_REQUEST="true")
    done = client.post(url, {"dismiss-reason": "Unfounded"}, HTTP_HX_REQUEST="true",
                       follow=True)

    assert error.status_code == 400 and 'id="content"' in error.content.decode()
    assert done.status_code == 200
    assert "The problem was dismissed." in done.content.decode()


def test_an_unknown_action_is_not_found(city, people, login):
    problem = make_problem(city)

    response = login(people["supervisor"]).post(
        reverse("web:problem-action", args=[problem.code, "edit"]), {})

    assert response.status_code == 404


def test_a_measure_is_marked_done_in_place(city, people, login):
    problem = make_problem(city, status=Status.RECTIFYING)
    plan = services.save_plan(problem, acting_user=city.supervisor, goal="Stop the dust",
                              measures=[services.MeasureInput("Cover", "site", problem.deadline)])
    measure = plan.measures.get()
    url = reverse("web:measure-done", args=[problem.code, measure.pk])

    refused = login(people["leader"]).post(url, {"done": "1"})
    response = login(people["officer"]).post(url, {"done": "1"})

    assert refused.status_code == 403
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.done_at is not None and measure.done_by == people["officer"]
    assert Problem.objects.get(pk=problem.pk).measures_done == 1


def test_the_plan_form_keeps_existing_measures_and_adds_rows(city, people, login):
    problem = make_problem(city, status=Status.RECTIFYING)
    plan = services.save_plan(problem, acting_user=city.supervisor, goal="Stop the dust",
                              measures=[services.MeasureInput("Cover", "site", problem.deadline)])
    kept = plan.measures.get()
    data = {
        "edit_plan-goal": "Stop the dust for good", "edit_plan-summary": "",
        "edit_plan-measures-TOTAL_FORMS": "3", "edit_plan-measures-INITIAL_FORMS": "1",
        "edit_plan-measures-MIN_NUM_FORMS": "0", "edit_plan-measures-MAX_NUM_FORMS": "1000",
        "edit_plan-measures-0-id": str(kept.pk), "edit_plan-measures-0-description": "Cover",
        "edit_plan-measures-0-owner": "site", "edit_plan-measures-0-due_on": days(5),
        "edit_plan-measures-0-done": "on",
        "edit_plan-measures-1-description": "Water the road", "edit_plan-measures-1-owner": "town",
        "edit_plan-measures-1-due_on": days(6),
        # a third row left empty is ignored
    }

    response = login(people["officer"]).post(
        reverse("web:problem-action", args=[problem.code, "edit_plan"]), data)

    assert response.status_code == 302
    measures = list(RectificationPlan.objects.get(problem=problem).measures.all())
    assert [(m.pk == kept.pk, m.description, m.done_at is not None) for m in measures] == [
        (True, "Cover", True), (False, "Water the road", False)]


def test_a_progress_report_carries_its_evidence_files(city, people, login):
    problem = make_problem(city, status=Status.RECTIFYING)

    response = login(people["officer"]).post(
        reverse("web:problem-action", args=[problem.code, "report_progress"]),
        {"report_progress-text": "Nets on two piles", "report_progress-stage": "during",
         "report_progress-files": [jpeg("one.jpg", 11), jpeg("two.jpg", 12)]})

    assert response.status_code == 302
    report = ProgressReport.objects.get(problem=problem)
    assert sorted(report.evidence.values_list("original_name", flat=True)) == [
        "one.jpg", "two.jpg"]


def test_a_bad_file_drops_the_whole_progress_report(city, people, login):
    problem = make_problem(city, status=Status.RECTIFYING)

    response = login(people["officer"]).post(
        reverse("web:problem-action", args=[problem.code, "report_progress"]),
        {"report_progress-text": "Nets on two piles", "report_progress-stage": "during",
         "report_progress-files": [SimpleUploadedFile("x.pdf", b"not a pdf")]})

    assert response.status_code == 400
    assert "not an accepted file type" in field_error(response.content.decode(),
                                                      "report_progress-files")
    assert not ProgressReport.objects.filter(problem=problem).exists()


def test_arbitration_can_reassign_to_other_units(city, people, login):
    problem = make_problem(city, status=Status.CONTESTED)
    department = city.departments[1]

    response = login(people["supervisor"]).post(
        reverse("web:problem-action", args=[problem.code, "arbitrate"]),
        {"arbitrate-decision": "reassign", "arbitrate-reason": "A matter for department 2",
         "arbitrate-lead_unit": f"department:{department.pk}",
         "arbitrate-cooperating_units": [f"region:{city.districts[0].pk}"]})

    assert response.status_code == 302
    units = {(u.role, u.unit) for u in Problem.objects.get(pk=problem.pk).units.all()}
    assert units == {("lead", department), ("cooperating", city.districts[0])}


def test_a_reassignment_without_a_new_lead_unit_is_refused_and_changes_nothing(
        city, people, login):
    problem = make_problem(city, status=Status.CONTESTED)
    before = {(u.role, u.unit) for u in problem.units.all()}

    response = login(people["supervisor"]).post(
        reverse("web:problem-action", args=[problem.code, "arbitrate"]),
        {"arbitrate-decision": "reassign", "arbitrate-reason": "Someone else's",
         "arbitrate-lead_unit": ""})

    assert response.status_code == 400
    assert "A reassignment names the new lead unit." in field_error(
        response.content.decode(), "arbitrate-lead_unit")
    problem.refresh_from_db()
    assert problem.status == Status.CONTESTED
    assert {(u.role, u.unit) for u in problem.units.all()} == before


def test_units_offered_are_the_regions_around_the_problem_and_the_departments(city, people,
                                                                             login):
    problem = make_problem(city)

    page = login(people["supervisor"]).get(
        reverse("web:problem-detail", args=[problem.code])).content.decode()

    select = page[page.index('name="verify-lead_unit"'):]
    select = select[:select.index("</select>")]
    town, district = problem.region, problem.region.district
    offered = set(re.findall(r'<option value="([a-z]+:\d+)"', select))
    assert offered == {f"region:{city.city.pk}", f"region:{district.pk}", f"region:{town.pk}",
                       *(f"department:{d.pk}" for d in city.departments)}

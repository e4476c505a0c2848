"""Follow-up pages: My work, the finding form on the problem page, the lists, the review queue."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from ecoledger.ledger import services
from ecoledger.ledger.choices import FollowUpStatus, Status, SuspicionStatus
from ecoledger.ledger.models import FollowUp, Problem, SuspectedRebound
from ecoledger.ledger.services import rebounds as rebound_services
from ecoledger.lib import clock
from tests.factories import jpeg_bytes, make_problem
from tests.ledger.followup_factories import (
    METRES_50,
    closed_problem,
    days_after_closing,
    first_check,
    make_inspector,
)
from tests.photos import scene_jpeg
from tests.web.conftest import field_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def checker(city):
    """An inspector from district 2, who gets the checks of district 1's problems."""
    return make_inspector(city.districts[1])


def _upload(data: bytes, name: str = "site.jpg"):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_my_work_lists_a_follow_up_once_it_is_due_and_counts_it(city, checker, login):
    problem = closed_problem(city)
    client = login(checker)

    with clock.frozen_at(days_after_closing(problem, 29)):
        before = client.get(reverse("web:my-work")).content.decode()
    with clock.frozen_at(days_after_closing(problem, 30)):
        due = client.get(reverse("web:my-work")).content.decode()
        nav = client.get(reverse("web:problem-list")).content.decode()

    assert "Follow-ups due" in before and problem.code not in before
    assert problem.code in due
    assert re.search(r'My work <span class="badge"[^>]*>1</span>', nav)


def test_the_finding_form_is_offered_only_to_the_assigned_inspector_once_due(
        city, checker, people, login):
    problem = closed_problem(city)
    page = reverse("web:problem-detail", args=[problem.code])

    with clock.frozen_at(days_after_closing(problem, 10)):
        early = login(checker).get(page).content.decode()
    with clock.frozen_at(days_after_closing(problem, 31)):
        due = login(checker).get(page).content.decode()
        supervisor = login(people["supervisor"]).get(page).content.decode()

    assert 'id="followup-record"' not in early
    assert 'id="followup-record"' in due
    assert 'id="followup-record"' not in supervisor
    assert "Follow-ups" in supervisor and str(checker) in supervisor
    assert "Follow-ups scheduled" in supervisor  # the timeline says so, with why


def test_recording_a_rebound_on_the_page_reopens_the_problem(city, checker, login):
    problem = closed_problem(city)
    check = first_check(problem)

    with clock.frozen_at(days_after_closing(problem, 31)):
        response = login(checker).post(reverse("web:followup-record", args=[check.pk]), {
            "followup-finding": "rebound", "followup-note": "Sewage in the river again",
            "followup-files": [_upload(jpeg_bytes(seed=77))]})

    assert response.status_code == 302
    assert response["Location"] == reverse("web:problem-detail", args=[problem.code])
    problem.refresh_from_db()
    assert (problem.status, problem.rebound_count) == (Status.RECTIFYING, 1)
    assert FollowUp.objects.get(pk=check.pk).status == FollowUpStatus.REBOUND


def test_a_finding_without_a_photo_is_shown_again_with_the_reason(city, checker, login):
    problem = closed_problem(city)
    check = first_check(problem)

    with clock.frozen_at(days_after_closing(problem, 31)):
        response = login(checker).post(reverse("web:followup-record", args=[check.pk]), {
            "followup-finding": "rebound", "followup-note": "Smell",
            "followup-files": [_upload(b"%PDF-1.4 notes", "notes.pdf")]})

    assert response.status_code == 400
    assert "must be a photo" in field_error(response.content.decode(), "followup-files")
    assert FollowUp.objects.get(pk=check.pk).status == FollowUpStatus.PENDING
    assert Problem.objects.get(pk=problem.pk).status == Status.CLOSED


def test_a_supervisor_assigns_a_check_that_had_no_inspector(city, people, login):
    problem = closed_problem(city)
    check = first_check(problem)
    assert check.inspector is None
    inspector = make_inspector(city.districts[1])
    client = login(people["supervisor"])

    listing = client.get(reverse("web:followup-list")).content.decode()
    response = client.post(reverse("web:followup-assign", args=[check.pk]),
                           {"inspector": inspector.pk})

    assert f'<option value="{inspector.pk}">' in listing
    assert response.status_code == 302
    assert FollowUp.objects.get(pk=check.pk).inspector == inspector


def test_the_inspectors_list_holds_only_their_checks(city, checker, login):
    mine = closed_problem(city)
    theirs = closed_problem(city, region=city.towns[1][0])  # district 2: not checker's

    page = login(checker).get(reverse("web:followup-list")).content.decode()

    assert mine.code in page and theirs.code not in page


def _suspicion(city) -> SuspectedRebound:
    problem = closed_problem(city)
    with clock.frozen_at(days_after_closing(problem, 3)):
        make_problem(city, region=city.towns[0][1], latitude=32.05 + METRES_50,
                     longitude=118.78)
        services.detect_rebounds()
    return SuspectedRebound.objects.get()


def test_the_supervisor_confirms_a_suspicion_in_the_queue(city, people, login):
    suspicion = _suspicion(city)
    client = login(people["supervisor"])
    deadline = clock.today() + timedelta(days=30)

    queue = client.get(reverse("web:suspicion-list")).content.decode()
    response = client.post(reverse("web:suspicion-decide", args=[suspicion.pk, "confirm"]),
                           {"reason": "Dust again at the same site", "deadline": deadline})

    assert suspicion.problem.code in queue and "m away" in queue
    assert response.status_code == 302
    problem = Problem.objects.get(pk=suspicion.problem_id)
    assert (problem.status, problem.rebound_count) == (Status.RECTIFYING, 1)
    assert SuspectedRebound.objects.get().status == SuspicionStatus.CONFIRMED


def test_in_chinese_a_suspicion_reads_as_chinese_and_is_dismissed_not_filed_away(
        city, people, login):
    suspicion = _suspicion(city)
    suspicion.same_source = True
    suspicion.save()
    client = login(people["supervisor"])
    client.cookies["django_language"] = "zh-hans"

    queue = client.get(reverse("web:suspicion-list")).content.decode()

    with translation.override("zh-hans"):
        described = rebound_services.describe(suspicion)
    assert re.search(r"相距\d+米，位于同一污染源", described)
    assert "<summary>排除</summary>" in queue and "不予立案" not in queue


def test_dismissing_without_a_reason_is_refused_with_the_reason(city, people, login):
    suspicion = _suspicion(city)
    client = login(people["supervisor"])

    refused = client.post(reverse("web:suspicion-decide", args=[suspicion.pk, "dismiss"]),
                          {"reason": ""}, follow=True).content.decode()
    client.post(reverse("web:suspicion-decide", args=[suspicion.pk, "dismiss"]),
                {"reason": "Another site across the road"})

    assert "This field is required" in refused
    assert SuspectedRebound.objects.get().status == SuspicionStatus.DISMISSED


def test_the_acceptor_sees_integrity_flags_next_to_the_photo_and_in_the_accept_form(
        city, people, login):
    problem = make_problem(city, status=Status.PENDING_ACCEPTANCE, latitude=32.05,
                           longitude=118.78)
    services.add_evidence(problem, acting_user=city.supervisor,
                          upload=io.BytesIO(scene_jpeg(11)), name="bare.jpg", stage="after")
    detail = reverse("web:problem-detail", args=[problem.code])

    acceptor = login(people["second_supervisor"]).get(detail).content.decode()
    officer = login(people["officer"]).get(detail).content.decode()

    accept_panel = acceptor[acceptor.index('id="action-accept"'):]
    assert "No EXIF at all" in acceptor[:acceptor.index('id="action-accept"')]
    assert "have integrity flags" in accept_panel and "bare.jpg" in accept_panel
    assert "No EXIF at all" not in officer


@pytest.mark.parametrize(("done", "flagged"), [(1, True), (2, False)])
def test_the_acceptor_is_told_of_measures_not_marked_done(city, people, login, done, flagged):
    problem = make_problem(city, status=Status.PENDING_ACCEPTANCE)
    Problem.objects.filter(pk=problem.pk).update(measures_total=2, measures_done=done)

    page = login(people["second_supervisor"]).get(
        reverse("web:problem-detail", args=[problem.code])).content.decode()

    accept_panel = page[page.index('id="action-accept"'):]
    warned = "Only 1 of the plan's 2 measures are marked done" in accept_panel
    assert warned is flagged


def test_my_work_puts_suspicions_and_unassigned_checks_before_the_supervisor(
        city, people, login):
    suspicion = _suspicion(city)  # no inspector outside district 1: its checks wait

    page = login(people["supervisor"]).get(reverse("web:my-work")).content.decode()

    for key in ("suspected_rebounds", "followups_unassigned"):
        section = page[page.index(f'id="{key}"'):]
        section = section[:section.index("</section>")]
        assert suspicion.problem.code in section, key

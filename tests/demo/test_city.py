"""The demo's synthetic city and its year of history, checked as a user of the demo would.

The city and a small history (60 problems) are built once for the module
inside a transaction that is rolled back at the end; each test reads them.
The city is built twice from the same seed (the first time rolled back) to
show that a seed always gives the same city.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from ecoledger.audit.models import Event
from ecoledger.audit.services import timeline, verify_chain
from ecoledger.demo.city import DemoCity, SeedReport, build_city, seed_history
from ecoledger.intake.choices import ComplaintStatus
from ecoledger.intake.duplicates import candidates_for
from ecoledger.intake.models import Complaint
from ecoledger.ledger import tallies
from ecoledger.ledger.choices import (
    DUTY_ROLES,
    OPEN_STATES,
    EvidenceStage,
    FollowUpStatus,
    Origin,
    Status,
    TicketKind,
)
from ecoledger.ledger.models import Evidence, FollowUp, Problem
from ecoledger.lib.uscc import validate_credit_code
from ecoledger.notifications.models import Notification
from ecoledger.org.choices import RegionLevel, Role
from ecoledger.org.models import Enterprise, PollutionSource, Region, User

SEED = 20260101
PASSWORD = "demo-password-1"
PROBLEMS = 60
TODAY = date(2026, 3, 2)

pytestmark = pytest.mark.django_db


@dataclass
class Seeded:
    city: DemoCity
    report: SeedReport
    first_build: list[tuple[Any, ...]]
    second_build: list[tuple[Any, ...]]


def fingerprint(city: DemoCity) -> list[tuple[Any, ...]]:
    """Everything that makes the city what it is, without database ids."""
    return [
        *((r.code, r.name, r.level, r.latitude, r.longitude)
          for r in Region.objects.order_by("code")),
        *((d.code, d.name, d.short_name) for d in city.departments.values()),
        *((w.name, w.kind, w.basin.name if w.basin else "") for w in city.waters),
        *((e.name, e.credit_code, e.region.code, e.industry, e.latitude, e.longitude,
           e.permit_number) for e in Enterprise.objects.order_by("credit_code")),
        *((s.code, s.name, s.kind, s.region.code, s.water_body.name if s.water_body else "",
           s.latitude, s.longitude) for s in PollutionSource.objects.order_by("code")),
        *((u.username, u.role, u.full_name, u.phone) for u in User.objects.order_by("username")),
    ]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Seeded]:
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        with transaction.atomic():
            first_build = fingerprint(build_city(random.Random(SEED), password=PASSWORD))
            transaction.set_rollback(True)
        rng = random.Random(SEED)
        city = build_city(rng, password=PASSWORD)
        report = seed_history(city, rng, problems=PROBLEMS, today=TODAY)
        yield Seeded(city, report, first_build, fingerprint(city))
        transaction.set_rollback(True)


def test_the_same_seed_gives_the_same_city(seeded):
    assert len(seeded.first_build) > 600
    assert seeded.first_build == seeded.second_build


def test_the_city_has_six_districts_of_four_to_six_towns_with_consistent_codes(seeded):
    city = seeded.city

    assert len(city.districts) == 6
    for district, towns in zip(city.districts, city.towns, strict=True):
        assert 4 <= len(towns) <= 6
        assert len(district.code) == 6 and district.code[:4] == city.city.code[:4]
        for town in towns:
            assert len(town.code) == 9 and town.code.startswith(district.code)
            assert town.level == RegionLevel.TOWN and town.district_id == district.pk
            assert abs(town.latitude - district.latitude) < 0.2
            assert abs(town.longitude - district.longitude) < 0.3


def test_it_has_the_departments_waters_enterprises_and_sources_of_a_city(seeded):
    city = seeded.city

    assert len(city.departments) == 12
    assert city.departments["water"].name == "清江市水务局"
    assert all(water.basin_id == city.basin.pk for water in city.waters)
    assert 4 <= len(city.waters) <= 6
    assert Enterprise.objects.count() == 200
    assert 350 <= PollutionSource.objects.count() <= 450
    assert 90 <= PollutionSource.objects.filter(enterprise__isnull=True).count() <= 110


def test_every_enterprise_credit_code_validates_and_carries_its_district(seeded):
    for enterprise in Enterprise.objects.select_related("region__district"):
        assert validate_credit_code(enterprise.credit_code) == enterprise.credit_code
        assert enterprise.credit_code[2:8] == enterprise.region.district.code
        assert enterprise.permit_number.startswith(enterprise.credit_code)


def test_every_user_can_log_in_with_the_given_password(seeded):
    users = User.objects.all()

    assert users.count() == len(seeded.city.users)
    for user in users:
        assert Client().login(username=user.username, password=PASSWORD), user.username
    assert {role for role in Role} <= {user.role for user in users}
    assert User.objects.get(username="admin").is_superuser


def test_the_logins_show_one_account_per_role_and_the_admin(seeded):
    usernames = [username for _label, username in seeded.city.logins]

    assert {User.objects.get(username=u).role for u in usernames} == {*Role, ""}


def test_every_state_is_present_in_the_shares_of_a_real_ledger(seeded):
    counts = seeded.report.by_status

    assert all(counts[status] >= 1 for status in Status), counts
    assert sum(counts.values()) == PROBLEMS == Problem.objects.count()
    assert 0.55 <= counts[Status.CLOSED] / PROBLEMS <= 0.65
    assert counts[Status.DISMISSED] == 3
    assert seeded.report.rebounded == Problem.objects.filter(rebound_count__gt=0).count() >= 1


def test_every_problem_has_a_registration_event_and_a_timeline_in_time_order(seeded):
    for problem in Problem.objects.all():
        events = list(timeline(problem))

        assert events[0].action == "ledger.problem.registered"
        assert events[0].occurred_at == problem.reported_at
        assert all(a.occurred_at <= b.occurred_at for a, b in pairwise(events)), problem.code


def test_the_audit_chain_runs_forwards_in_time_before_the_end_of_the_history(seeded):
    times = list(Event.objects.order_by("seq").values_list("occurred_at", flat=True))
    history_ends = timezone.make_aware(datetime.combine(TODAY, time()))

    assert all(a <= b for a, b in pairwise(times))
    assert times[-1] < history_ends
    assert times[0] >= history_ends - timedelta(days=366)
    assert seeded.report.events == len(times)


def test_the_audit_chain_verifies(seeded):
    checked, broken = verify_chain()

    assert broken is None
    assert checked == Event.objects.count()


def test_the_tallies_match_a_recount(seeded):
    assert tallies.stored() == tallies.counted()


def test_closed_problems_have_photos_from_before_and_after_taken_at_the_step_and_place(seeded):
    for problem in Problem.objects.filter(status=Status.CLOSED):
        stages = set(problem.evidence.values_list("stage", flat=True))

        assert {EvidenceStage.BEFORE, EvidenceStage.AFTER} <= stages, problem.code
    for photo in Evidence.objects.select_related("problem"):
        assert photo.taken_at == photo.uploaded_at.replace(microsecond=0)
        assert abs(photo.photo_latitude - photo.problem.latitude) < 0.001
        assert abs(photo.photo_longitude - photo.problem.longitude) < 0.001
        assert 1_000 < photo.size < 10_000
    assert Evidence.objects.values("sha256").distinct().count() == Evidence.objects.count()


def test_acceptance_is_never_by_the_submitter(seeded):
    for problem in Problem.objects.filter(status=Status.CLOSED):
        for review in problem.acceptances.filter(passed=True):
            assert review.reviewer_id != review.submitted_by_id


def test_public_complaints_are_in_every_state_of_their_life(seeded):
    counts = seeded.report.complaints

    assert all(counts[status] >= 1 for status in ComplaintStatus), counts
    assert sum(counts.values()) == Complaint.objects.count()
    assert Complaint.objects.exclude(phone="").exists()
    assert Complaint.objects.filter(phone="").exists()
    assert Complaint.objects.values("submitter_key").distinct().count() == Complaint.objects.count()
    for complaint in Complaint.objects.filter(status=ComplaintStatus.REJECTED):
        assert complaint.rejection_reason and complaint.problem is None


def test_supervisors_have_read_the_notices_of_complaints_they_came_to_decide(seeded):
    for supervisor in seeded.city.supervisors:
        last_decision = Complaint.objects.filter(decided_by=supervisor).latest("decided_at")
        notices = Notification.objects.filter(recipient=supervisor,
                                              message__kind="intake.complaint_received")

        assert notices.filter(read_at__isnull=False).exists()
        assert all(notice.created_at > last_decision.decided_at
                   for notice in notices.filter(read_at__isnull=True))


def test_problems_of_origin_complaint_are_opened_from_one_with_the_office_s_facts_added(seeded):
    problems = Problem.objects.filter(origin=Origin.COMPLAINT)

    assert problems.count() >= 3
    for problem in problems:
        opened = problem.complaints.get(ticket__kind=TicketKind.COMPLAINT,
                                        decided_at=problem.reported_at)
        assert opened.description == problem.description
        assert opened.created_at < problem.reported_at
        assert opened.decided_by == problem.reported_by
        assert problem.responsible_person


def test_every_complaint_of_a_closed_problem_has_its_answer(seeded):
    closed = Problem.objects.filter(status=Status.CLOSED)
    complaints = Complaint.objects.filter(problem__in=closed).select_related("ticket")

    assert complaints.filter(problem__origin=Origin.COMPLAINT).count() >= 3
    for complaint in complaints:
        assert complaint.status == ComplaintStatus.ANSWERED, complaint.tracking_code
        assert complaint.ticket.reply and complaint.ticket.replied_at >= complaint.decided_at
    for complaint in Complaint.objects.filter(status=ComplaintStatus.MERGED):
        assert complaint.problem.status in OPEN_STATES
        assert complaint.ticket.problem_id == complaint.problem_id


def test_the_newest_complaints_wait_in_triage_some_beside_an_open_problem(seeded):
    supervisor = seeded.city.supervisors[0]
    history_ends = timezone.make_aware(datetime.combine(TODAY, time()))
    waiting = Complaint.objects.filter(status=ComplaintStatus.RECEIVED)

    assert all(history_ends - timedelta(days=5) < c.created_at < history_ends for c in waiting)
    duplicates = [candidate.problem for complaint in waiting
                  for candidate in candidates_for(complaint, supervisor)
                  if candidate.problem is not None and candidate.distance_m is not None]
    assert any(problem.status in OPEN_STATES for problem in duplicates)


def test_follow_ups_due_before_the_end_are_recorded_on_site_by_an_inspector_from_elsewhere(
        seeded):
    recorded = FollowUp.objects.exclude(status__in=[FollowUpStatus.PENDING,
                                                    FollowUpStatus.CANCELLED])

    assert recorded.filter(status=FollowUpStatus.STABLE).count() >= 10
    for check in recorded.select_related("inspector__region", "problem"):
        event = Event.objects.get(action="ledger.problem.followup_recorded",
                                  target_id=str(check.pk))
        assert check.note and event.actor_id == check.inspector_id
        assert timezone.localdate(check.recorded_at) >= check.due_on
        assert check.evidence.filter(stage=EvidenceStage.FOLLOW_UP).exists()
        duty = check.problem.units.filter(role__in=sorted(DUTY_ROLES), region__isnull=False)
        assert not any(unit.region.contains(check.inspector.region) for unit in duty)
    assert Event.objects.filter(action="ledger.problem.followup_assigned").exists()


def test_follow_ups_due_later_wait_and_a_few_recent_ones_are_late(seeded):
    pending = FollowUp.objects.filter(status=FollowUpStatus.PENDING)

    assert pending.filter(due_on__gte=TODAY).exists()
    late = pending.filter(due_on__lt=TODAY)
    assert 1 <= late.count() <= pending.count() // 3
    assert all(check.due_on >= TODAY - timedelta(days=35) for check in late)


def test_a_rebound_comes_from_a_follow_up_finding_or_else_from_a_new_complaint(seeded):
    rebounded = Problem.objects.filter(rebound_count__gt=0)

    assert FollowUp.objects.filter(status=FollowUpStatus.REBOUND).exists()
    for problem in rebounded:
        first_closing = problem.acceptances.filter(passed=True).earliest("reviewed_at")
        found = problem.followups.filter(status=FollowUpStatus.REBOUND, round=0).exists()
        complained = problem.complaints.filter(
            created_at__gt=first_closing.reviewed_at).exists()
        assert found != complained, problem.code

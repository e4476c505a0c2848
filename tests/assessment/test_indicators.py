"""The catalogue's ledger and complaint indicators on small, hand-counted data."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ecoledger.assessment import services
from ecoledger.assessment.catalogue import CATALOGUE, Context, Period
from ecoledger.assessment.choices import ExemptionGround, UnitKind
from ecoledger.intake import services as intake
from ecoledger.intake.choices import Satisfaction
from ecoledger.ledger import services as ledger
from ecoledger.ledger.choices import FollowUpStatus
from ecoledger.ledger.models import FollowUp
from ecoledger.lib.errors import ActionRefused, StateConflict
from ecoledger.org.choices import Role
from tests.assessment.factories import YEAR, accept, close, due_problem, on, reject, submit
from tests.factories import make_user
from tests.intake.factories import make_complaint

pytestmark = pytest.mark.django_db

YEAR_PERIOD = Period(YEAR, date(YEAR, 1, 1), date(YEAR, 12, 31))


def _measure(code: str, kind: str = UnitKind.DISTRICT, exclusions=None):
    context = Context(YEAR_PERIOD, exclusions or {})
    return CATALOGUE[code].measure(context, kind)


def _complaint(city, problem, day: date):
    with on(day):
        complaint = make_complaint()
        intake.merge_complaint(complaint, acting_user=city.supervisor, problem=problem)
    complaint.refresh_from_db()
    return complaint


@pytest.fixture
def complaints(city):
    """Two complaints answered when their problem closed, one still waiting at the year's end."""
    first = city.departments[0]
    answered = due_problem(city, district=0, deadline=date(YEAR, 5, 31), responsible=[first])
    c1 = _complaint(city, answered, date(YEAR, 3, 2))
    c2 = _complaint(city, answered, date(YEAR, 3, 5))
    close(city, answered, submitted=date(YEAR, 3, 10), closed=date(YEAR, 3, 12))  # 15:00
    waiting = due_problem(city, district=0, deadline=date(YEAR + 1, 3, 1),
                          registered=date(YEAR, 12, 1))
    c3 = _complaint(city, waiting, date(YEAR, 12, 20))
    for complaint, verdict in ((c1, Satisfaction.SATISFIED), (c2, Satisfaction.DISSATISFIED)):
        complaint.refresh_from_db()
        intake.record_satisfaction(complaint, acting_user=city.supervisor, satisfaction=verdict)
    return c1, c2, c3


def test_complaint_answer_time_is_the_mean_wait_unanswered_counted_to_the_years_end(
        city, complaints):
    measured = _measure("complaint_response_days")[city.districts[0].pk]

    # c1: 2 March 10:00 → 12 March 15:00 = 10 d 5 h = 882,000 s.
    # c2: 5 March 10:00 → 12 March 15:00 = 7 d 5 h = 622,800 s.
    # c3: 20 December 10:00 → 1 January 00:00 (unanswered) = 11 d 14 h = 1,000,800 s.
    # Mean: 2,505,600 s / 3 = 29 d / 3 = 9.67 days.
    assert measured.figures == {"complaints": 3, "answered": 2, "waited_seconds": 2_505_600}
    assert measured.value == Decimal("9.67")
    # The department answers for the first problem only: (882,000 + 622,800) / 2 s = 8.71 d.
    by_department = _measure("complaint_response_days", UnitKind.DEPARTMENT)
    assert by_department[city.departments[0].pk].value == Decimal("8.71")


def test_satisfaction_counts_the_complainants_asked_and_an_exemption_takes_one_out(
        city, complaints):
    _c1, c2, _c3 = complaints
    district = city.districts[0]

    asked = _measure("complaint_satisfaction")[district.pk]
    exemption = services.record_exemption(
        acting_user=city.supervisor, year=YEAR, unit=district,
        ground=ExemptionGround.UNREASONABLE_COMPLAINT, reason="Demanded the plant be closed.",
        complaint=c2, indicator_code="complaint_satisfaction")
    services.decide_exemption(exemption, acting_user=city.supervisor, approve=True)
    excluded = {("complaint_satisfaction", UnitKind.DISTRICT): {district.pk: frozenset({c2.pk})}}
    without = _measure("complaint_satisfaction", exclusions=excluded)[district.pk]

    assert (asked.figures["rated"], asked.figures["satisfied"], asked.value) == (
        2, 1, Decimal("50.00"))
    assert (without.value, without.removed) == (Decimal("100.00"), frozenset({c2.pk}))


def test_first_pass_rebound_and_followups(city):
    # C: sent back once, then accepted. D: accepted at once, rebounded, accepted again.
    c = due_problem(city, district=1, deadline=date(YEAR, 6, 30))
    submit(city, c, date(YEAR, 4, 1))
    reject(city, c, date(YEAR, 4, 2))
    close(city, c, submitted=date(YEAR, 4, 10), closed=date(YEAR, 4, 11))
    d = due_problem(city, district=1, deadline=date(YEAR, 6, 30))
    close(city, d, submitted=date(YEAR, 4, 5), closed=date(YEAR, 4, 6))
    with on(date(YEAR, 6, 1)):
        ledger.rebound_problem(d, acting_user=city.supervisor, reason="Dust again",
                               deadline=date(YEAR, 7, 31))
    d.refresh_from_db()
    close(city, d, submitted=date(YEAR, 6, 18), closed=date(YEAR, 6, 20))
    FollowUp.objects.all().delete()
    for offset, status in ((30, FollowUpStatus.STABLE), (60, FollowUpStatus.PENDING),
                           (90, FollowUpStatus.CANCELLED), (400, FollowUpStatus.PENDING)):
        FollowUp.objects.create(problem=c, round=0, offset_days=offset,
                                due_on=date(YEAR, 4, 11) + timedelta(days=offset),
                                risk=50, status=status, scheduled_at=c.closed_at)
    district = city.districts[1].pk

    first_pass = _measure("first_pass_acceptance")[district]
    rebound = _measure("rebound_rate")[district]
    followups = _measure("followup_completion")[district]

    # First reviews: C failed, D passed → 1 of 2.
    assert (first_pass.figures, first_pass.value) == ({"reviewed": 2, "passed": 1},
                                                      Decimal("50.00"))
    # Closed in the year: C and D; D has rebounded → 1 of 2.
    assert (rebound.figures, rebound.value) == ({"closed": 2, "rebounded": 1}, Decimal("50.00"))
    # Due in the year: +30 d (done) and +60 d (pending); the cancelled and next year's do not count.
    assert (followups.figures, followups.value) == ({"due": 2, "done": 1}, Decimal("50.00"))


def test_a_unit_without_rows_has_no_rate_but_a_count_of_nought(city):
    assert _measure("on_time_closure") == {}
    assert CATALOGUE["on_time_closure"].empty().value is None
    assert CATALOGUE["overdue_count"].empty().value == Decimal(0)


def test_satisfaction_is_recorded_once_by_a_supervisor_after_the_answer(city, complaints):
    c1, _c2, c3 = complaints
    officer = make_user(Role.REGION_OFFICER, region=city.districts[0])

    with pytest.raises(ActionRefused):
        intake.record_satisfaction(c3, acting_user=officer, satisfaction=Satisfaction.SATISFIED)
    with pytest.raises(StateConflict):  # not answered yet
        intake.record_satisfaction(c3, acting_user=city.supervisor,
                                   satisfaction=Satisfaction.SATISFIED)
    with pytest.raises(StateConflict):  # already recorded
        intake.record_satisfaction(c1, acting_user=city.supervisor,
                                   satisfaction=Satisfaction.DISSATISFIED)
    c1.refresh_from_db()
    assert c1.satisfaction == Satisfaction.SATISFIED


def test_deadlines_are_kept_or_missed_by_the_local_date_at_either_side_of_midnight(city):
    kept = due_problem(city, district=0, deadline=date(YEAR, 6, 30))
    submit(city, kept, date(YEAR, 6, 30), hour=22)
    accept(city, kept, date(YEAR, 6, 30), hour=23)  # 15:00 UTC on the deadline
    missed = due_problem(city, district=0, deadline=date(YEAR, 6, 30))
    submit(city, missed, date(YEAR, 7, 1), hour=0)  # 16:00 UTC on the deadline
    accept(city, missed, date(YEAR, 7, 1), hour=1)
    district = city.districts[0].pk

    on_time = _measure("on_time_closure")[district]
    overdue = _measure("overdue_days")[district]

    assert on_time.figures == {"due": 2, "on_time": 1}
    assert (overdue.figures["cases"], overdue.value) == (1, Decimal(1))

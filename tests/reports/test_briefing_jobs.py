"""The worker's briefings: last week's every Monday and last month's on the 1st, for the city
and each district, once per period; a rerun stores nothing new unless the figures changed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ecoledger.jobs.models import Job, JobStatus
from ecoledger.jobs.services import run_due
from ecoledger.lib import clock
from ecoledger.reports import tasks
from ecoledger.reports.briefing import pdf
from ecoledger.reports.models import Report
from tests.factories import make_problem
from tests.reports.briefing_world import MONDAY, at, ledger_history

pytestmark = pytest.mark.django_db
NEXT_MONDAY = at(MONDAY + timedelta(days=7), 6)


@pytest.fixture(autouse=True)
def _without_libreoffice(monkeypatch):
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)


def _queued() -> list[tuple[str, str, object]]:
    jobs = Job.objects.filter(name=tasks.GENERATE_JOB).order_by("pk")
    return [(job.payload["kind"], job.payload["day"], job.payload["region"]) for job in jobs]


def test_on_monday_last_week_and_last_month_are_queued_once_for_the_city_and_each_district(
        city):
    with clock.frozen_at(NEXT_MONDAY):
        first = tasks.schedule_briefings()
        second = tasks.schedule_briefings()

    districts = [d.pk for d in sorted(city.districts, key=lambda d: d.code)]
    assert (first, second) == ({"queued": 6}, {"queued": 0})
    starts = list(Job.objects.filter(name=tasks.GENERATE_JOB).order_by("pk")
                  .values_list("run_after", flat=True))
    assert starts == [NEXT_MONDAY + n * tasks.SPACING for n in range(6)]
    assert _queued() == [
        *(("weekly", "2026-11-30", region) for region in [None, *districts]),
        *(("monthly", "2026-11-01", region) for region in [None, *districts]),
    ]


def test_the_worker_makes_the_scheduled_briefings(city):
    ledger_history(city)
    with clock.frozen_at(NEXT_MONDAY):
        run_due("test-worker")
    with clock.frozen_at(NEXT_MONDAY + 6 * tasks.SPACING):
        run_due("test-worker")

    done = Job.objects.filter(name=tasks.GENERATE_JOB)
    assert set(done.values_list("status", flat=True)) == {JobStatus.DONE}
    weekly = Report.objects.get(kind="weekly", scope_key="city")
    assert (weekly.period_start, weekly.period_end) == (MONDAY, MONDAY + timedelta(days=6))
    assert weekly.generated_by is None
    assert Report.objects.filter(kind="monthly").count() == 3


def test_nothing_is_queued_before_the_city_is_set_up(db):
    assert tasks.schedule_briefings() == {"queued": 0}
    assert not Job.objects.exists()


def test_a_rerun_stores_nothing_new_unless_the_figures_changed(city):
    ledger_history(city)
    with clock.frozen_at(NEXT_MONDAY):
        first = tasks.generate_briefing("weekly", MONDAY.isoformat())
        again = tasks.generate_briefing("weekly", MONDAY.isoformat())
    with clock.frozen_at(NEXT_MONDAY + timedelta(hours=1)):
        make_problem(city)
        changed = tasks.generate_briefing("weekly", MONDAY.isoformat())

    assert (first["created"], again["created"], changed["created"]) == (True, False, True)
    assert again["report"] == first["report"]
    assert changed["figures_sha256"] != first["figures_sha256"]
    assert Report.objects.count() == 2

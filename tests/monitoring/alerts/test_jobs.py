"""The alert jobs as the worker runs them: registered, periodic, with a kept watermark."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ecoledger.jobs.models import Job, JobStatus
from ecoledger.jobs.registry import JOBS
from ecoledger.jobs.services import claim_next, enqueue, run
from ecoledger.lib import clock
from ecoledger.monitoring.choices import AlertKind
from ecoledger.monitoring.models import Alert
from tests.monitoring.alerts.factories import SO2, add_readings, hours, make_limit, make_point

pytestmark = pytest.mark.django_db


def run_job(name: str, at) -> Job:
    with clock.frozen_at(at):
        enqueue(name)
        run(claim_next("test-worker"))
    return Job.objects.filter(name=name).latest("pk")


def test_both_jobs_are_registered_with_their_periods():
    assert JOBS["monitoring.evaluate_alerts"].every == 60
    assert JOBS["monitoring.check_missing_data"].every == 300


def test_the_evaluation_starts_where_the_previous_run_stopped(city):
    point = make_point(city.towns[0][0], source=city.sources[0])
    make_limit(point, SO2, 100.0)
    add_readings(point, SO2, [120, 130, 125])

    first = run_job("monitoring.evaluate_alerts", hours(3) + timedelta(minutes=10))
    second = run_job("monitoring.evaluate_alerts", hours(4))

    assert first.status == second.status == JobStatus.DONE
    assert first.result["watermark"] == (hours(3) + timedelta(minutes=10)).isoformat()
    assert (first.result["series"], first.result["opened"], first.result["problems"]) == (1, 1, 1)
    assert second.result["series"] == 0
    assert Alert.objects.get().kind == AlertKind.EXCEEDANCE


def test_readings_received_just_before_the_watermark_are_read_again_harmlessly(city):
    point = make_point(city.towns[0][0], source=city.sources[0])
    make_limit(point, SO2, 100.0)
    add_readings(point, SO2, [120, 130, 125])

    run_job("monitoring.evaluate_alerts", hours(3) + timedelta(minutes=4))
    second = run_job("monitoring.evaluate_alerts", hours(4))

    assert (second.result["series"], second.result["opened"]) == (1, 0)
    assert Alert.objects.count() == 1


def test_the_missing_data_job_runs_in_the_worker(city):
    point = make_point(city.towns[0][0])
    add_readings(point, SO2, [50])

    job = run_job("monitoring.check_missing_data", hours(5))

    assert (job.status, job.result["opened"]) == (JobStatus.DONE, 1)

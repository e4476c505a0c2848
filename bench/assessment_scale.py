"""Annual assessment at scale: a whole year assessed at 10,000 and 100,000 problems.

    .venv/bin/python bench/assessment_scale.py                    # 10k and 100k, 3 runs each
    .venv/bin/python bench/assessment_scale.py --sizes 10000 --runs 1

For each size a SQLite database is seeded once under var/bench/assessment-<size>/
and reused on later runs: a city of 20 districts (3 towns each) and 30
departments; N problems reported over 2025 through the ledger's bulk path, with
states that follow their age (demo.bulk), acceptance reviews (some sent back
first), follow-ups after closing, a complaint with its ticket, answer and, for
most, a return-call verdict for every complaint-borne problem; 30 air stations
with hourly readings of the six AQI pollutants for 2024 and 2025 (the change
indicators compare the two) and 20 water sections with hourly readings of five
GB 3838 items for 2025, about 4 million readings, a few per cent missing; and
the catalogue's default scheme for 2025, adopted. Bulk inserts throughout.

Then, in a fresh process per size, the year's assessment is computed (the
what-if preview: every indicator, every district and department, scores,
ranks, inputs hash) ``--runs`` times. Printed: the times, the ratio of the
largest size's median to the smallest's (the target: at most 12×, and well
under a minute), a breakdown by indicator, the machine's load, and the command.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ECOLEDGER = [sys.executable, "-m", "ecoledger.cli"]
YEAR = 2025
DISTRICTS, TOWNS, DEPARTMENTS = 20, 3, 30
AIR_STATIONS, WATER_SECTIONS = 30, 20
SEED = 20250101
LEDGER_INDICATORS = ("on_time_closure", "overdue_count", "overdue_days", "rebound_rate",
                     "first_pass_acceptance", "complaint_response_days",
                     "complaint_satisfaction", "followup_completion")


def environment(size: int) -> dict[str, str]:
    data_dir = ROOT / "var" / "bench" / f"assessment-{size}"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        ECOLEDGER_DATA_DIR=str(data_dir),
        ECOLEDGER_DATABASE_URL=f"sqlite:///{data_dir / 'bench.sqlite3'}",
        ECOLEDGER_SECRET_KEY="bench-only-secret",
        ECOLEDGER_LOG_LEVEL="WARNING",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def seed(size: int) -> float | None:
    """Seed once; return the seconds it took, or None when the database was already there."""
    env = environment(size)
    marker = Path(env["ECOLEDGER_DATA_DIR"]) / "seeded"
    if marker.exists():
        subprocess.run([*ECOLEDGER, "migrate", "-v", "0"], env=env, check=True)
        return None
    for name in ("bench.sqlite3", "bench.sqlite3-wal", "bench.sqlite3-shm"):
        (Path(env["ECOLEDGER_DATA_DIR"]) / name).unlink(missing_ok=True)
    subprocess.run([*ECOLEDGER, "migrate", "-v", "0"], env=env, check=True)
    started = time.monotonic()
    subprocess.run([sys.executable, __file__, "--seed", str(size)], env=env, check=True)
    seconds = time.monotonic() - started
    marker.write_text(f"{seconds:.1f}\n")
    return seconds


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoledger.settings")
    django.setup()


def seed_database(size: int) -> None:
    """Run inside a process configured for one database (see ``seed``)."""
    _setup()
    from ecoledger.demo.bulk import bulk_problems

    rng = random.Random(SEED)
    supervisor, reviewer = _city(rng)
    bulk_problems(size, actor=supervisor, rng=rng, today=date(YEAR, 12, 31))
    _reviews_followups_complaints(rng, supervisor, reviewer)
    _monitoring(SEED)
    _scheme(supervisor)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _city(rng: random.Random) -> tuple[Any, Any]:
    from django.contrib.auth.hashers import make_password

    from ecoledger.org.choices import RegionLevel, Role
    from ecoledger.org.models import Department, Region, User

    city = Region.objects.create(code="370000", name="基准市", level=RegionLevel.CITY,
                                 latitude=36.0, longitude=117.0)
    for d in range(DISTRICTS):
        district = Region.objects.create(
            code=f"37{d + 1:02d}00", name=f"第{d + 1}区", level=RegionLevel.DISTRICT,
            parent=city, latitude=36.0 + rng.uniform(-0.5, 0.5),
            longitude=117.0 + rng.uniform(-0.5, 0.5))
        for t in range(TOWNS):
            Region.objects.create(
                code=f"37{d + 1:02d}{t + 1:02d}", name=f"第{d + 1}区{t + 1}镇",
                level=RegionLevel.TOWN, parent=district,
                latitude=district.latitude + rng.uniform(-0.05, 0.05),
                longitude=district.longitude + rng.uniform(-0.05, 0.05))
    Department.objects.bulk_create([
        Department(code=f"dept{n:02d}", name=f"第{n}局", region=city)
        for n in range(1, DEPARTMENTS + 1)])
    password = make_password("bench-only")
    supervisor = User.objects.create(username="supervisor", password=password,
                                     role=Role.SUPERVISOR, full_name="督察办")
    reviewer = User.objects.create(username="supervisor2", password=password,
                                   role=Role.SUPERVISOR, full_name="督察办验收")
    return supervisor, reviewer


def _reviews_followups_complaints(rng: random.Random, supervisor: Any, reviewer: Any) -> None:
    """Acceptance reviews, follow-ups and complaints for the bulk-loaded problems."""
    from django.db import transaction

    from ecoledger.intake.choices import Channel, ComplaintStatus, Satisfaction
    from ecoledger.intake.models import Complaint
    from ecoledger.ledger.choices import (
        AcceptanceMethod,
        FollowUpStatus,
        Origin,
        Status,
        TicketKind,
    )
    from ecoledger.ledger.models import Acceptance, FollowUp, Problem, SourceTicket

    year_end = date(YEAR, 12, 31)
    verdicts = ([Satisfaction.SATISFIED] * 7 + [Satisfaction.BASICALLY_SATISFIED] * 2
                + [Satisfaction.DISSATISFIED])
    rows = Problem.objects.exclude(status__in=[Status.REPORTED, Status.DISMISSED]).values_list(
        "pk", "status", "origin", "reported_at", "closed_at", "category_id", "rebound_count")
    with transaction.atomic():
        reviews, followups, tickets, complaints = [], [], [], []
        for pk, status, origin, reported_at, closed_at, category_id, rounds in rows.iterator(
                chunk_size=5000):
            if closed_at is not None:
                if rng.random() < 0.15:
                    reviews.append(Acceptance(
                        problem_id=pk, submitted_by=supervisor,
                        submitted_at=closed_at - timedelta(days=15), submission="完成整改",
                        reviewer=reviewer, reviewed_at=closed_at - timedelta(days=14),
                        passed=False, opinion="整改不到位"))
                reviews.append(Acceptance(
                    problem_id=pk, submitted_by=supervisor,
                    submitted_at=closed_at - timedelta(days=1), submission="完成整改",
                    reviewer=reviewer, reviewed_at=closed_at, passed=True,
                    method=AcceptanceMethod.ON_SITE, opinion="现场核查通过"))
                for offset in (30, 90):
                    due = closed_at.date() + timedelta(days=offset)
                    done = due <= year_end and rng.random() < 0.85
                    followups.append(FollowUp(
                        problem_id=pk, round=rounds, offset_days=offset, due_on=due, risk=40,
                        status=FollowUpStatus.STABLE if done else FollowUpStatus.PENDING,
                        scheduled_at=closed_at,
                        recorded_at=closed_at + timedelta(days=offset) if done else None))
            elif status == Status.PENDING_ACCEPTANCE:
                reviews.append(Acceptance(problem_id=pk, submitted_by=supervisor,
                                          submitted_at=reported_at + timedelta(days=20),
                                          submission="完成整改"))
            if origin == Origin.COMPLAINT:
                ticket = SourceTicket(problem_id=pk, kind=TicketKind.COMPLAINT,
                                      upstream_id=f"TS{pk:09d}", channel=Channel.WEB,
                                      received_at=reported_at, replied_at=closed_at,
                                      reply="已整改" if closed_at else "")
                tickets.append(ticket)
                answered = closed_at is not None
                verdict = rng.choice(verdicts) if answered and rng.random() < 0.6 else ""
                complaints.append(Complaint(
                    tracking_code=f"TS{pk:09d}", description="群众投诉", category_id=category_id,
                    channel=Channel.WEB, submitter_key=f"{pk:064x}", problem_id=pk,
                    status=ComplaintStatus.ANSWERED if answered else ComplaintStatus.OPENED,
                    decided_by=supervisor, decided_at=reported_at, created_at=reported_at,
                    updated_at=closed_at or reported_at,
                    satisfaction=verdict,
                    satisfaction_at=closed_at + timedelta(days=3) if verdict else None))
        Acceptance.objects.bulk_create(reviews, batch_size=5000)
        FollowUp.objects.bulk_create(followups, batch_size=5000)
        SourceTicket.objects.bulk_create(tickets, batch_size=5000)
        for complaint, ticket in zip(complaints, tickets, strict=True):
            complaint.ticket_id = ticket.pk
        Complaint.objects.bulk_create(complaints, batch_size=5000)


AIR = {"a34004": (40.0, 25.0), "a34002": (68.0, 40.0), "a21026": (9.0, 4.0),
       "a21004": (32.0, 12.0), "a21005": (0.8, 0.3), "a05024": (75.0, 35.0)}
WATER = {"w01001": (7.6, 0.3), "w01009": (7.0, 1.2), "w01019": (4.5, 1.5),
         "w21003": (0.7, 0.4), "w21011": (0.12, 0.08)}


def _monitoring(seed: int) -> None:
    """Stations and their hourly readings, written with one multi-row INSERT per batch."""
    import numpy as np
    from django.db import connection, transaction

    from ecoledger.monitoring.choices import DataType, PointKind
    from ecoledger.monitoring.models import MonitoringPoint
    from ecoledger.monitoring.parameters import parameter_ids
    from ecoledger.org.choices import RegionLevel
    from ecoledger.org.models import Region

    generator = np.random.default_rng(seed)
    districts = list(Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code"))
    points = [MonitoringPoint(mn=f"BENCHAIR{n:04d}", name=f"空气站{n}",
                              kind=PointKind.AIR_STATION, region=districts[n % DISTRICTS],
                              latitude=36.0, longitude=117.0, password_hash="-")
              for n in range(AIR_STATIONS)]
    points += [MonitoringPoint(mn=f"BENCHWATER{n:04d}", name=f"水质断面{n}",
                               kind=PointKind.WATER_SECTION, region=districts[n % DISTRICTS],
                               latitude=36.0, longitude=117.0, password_hash="-",
                               target_class=2 + n % 2)
               for n in range(WATER_SECTIONS)]
    MonitoringPoint.objects.bulk_create(points)
    codes = parameter_ids()
    plan = [(p, AIR, (YEAR - 1, YEAR)) if p.kind == PointKind.AIR_STATION else (p, WATER, (YEAR,))
            for p in MonitoringPoint.objects.order_by("pk")]
    sql = ("INSERT INTO monitoring_reading (point_id, parameter_id, data_type, observed_at, "
           "value, flag, received_at) VALUES ")
    with transaction.atomic(), connection.cursor() as cursor:
        for point, parameters, years in plan:
            for year in years:
                start = np.datetime64(f"{year - 1}-12-31T16:00")  # 1 January 00:00 in UTC+8
                hours = (date(year + 1, 1, 1) - date(year, 1, 1)).days * 24
                stamps = np.datetime_as_string(start + np.arange(hours).astype("timedelta64[h]"),
                                               unit="s")
                stamps = np.char.replace(stamps, "T", " ")
                kept = generator.random(hours) > 0.03
                season = np.cos(2 * np.pi * np.arange(hours) / hours)
                daily = np.sin(2 * np.pi * (np.arange(hours) % 24) / 24)
                for code, (mean, spread) in parameters.items():
                    wave = season if code != "a05024" else -season + daily
                    noise = generator.standard_normal(hours)
                    values = np.maximum(mean + spread * (0.8 * wave + 0.6 * noise),
                                        mean * 0.05).round(3)
                    rows = [(point.pk, codes[code], DataType.HOUR.value, s, float(v), "N", s)
                            for s, v in zip(stamps[kept], values[kept], strict=True)]
                    for first in range(0, len(rows), 500):
                        batch = rows[first:first + 500]
                        cursor.execute(sql + ",".join(["(%s,%s,%s,%s,%s,%s,%s)"] * len(batch)),
                                       [value for row in batch for value in row])


def _scheme(supervisor: Any) -> None:
    from ecoledger.assessment import services

    scheme = services.create_scheme(acting_user=supervisor, year=YEAR,
                                    name=f"{YEAR}年度生态环境问题整改考核")
    services.adopt_version(scheme.versions.get(), acting_user=supervisor)


def measure(runs: int) -> dict[str, Any]:
    """Run inside a process configured for one database (see ``main``)."""
    _setup()
    from ecoledger.assessment import services
    from ecoledger.assessment.catalogue import CATALOGUE, Context
    from ecoledger.assessment.choices import APPLIES_TO_KINDS, VersionStatus
    from ecoledger.assessment.models import SchemeVersion
    from ecoledger.assessment.services.results import current_period
    from ecoledger.ledger.models import Problem
    from ecoledger.monitoring.models import Reading
    from ecoledger.org.choices import Role
    from ecoledger.org.models import User

    supervisor = User.objects.filter(role=Role.SUPERVISOR).order_by("pk").first()
    version = SchemeVersion.objects.get(scheme__year=YEAR, status=VersionStatus.ADOPTED)
    timings, computation = [], None
    for _ in range(runs):
        started = time.perf_counter()
        computation = services.preview_results(version, acting_user=supervisor)
        timings.append(time.perf_counter() - started)
    context = Context(current_period(version))
    breakdown: dict[str, float] = {}
    for entry in version.indicators.order_by("position"):
        started = time.perf_counter()
        for kind in APPLIES_TO_KINDS[entry.applies_to] & CATALOGUE[entry.code].kinds:
            CATALOGUE[entry.code].measure(context, kind)
        breakdown[entry.code] = time.perf_counter() - started
    leader = computation.ranking("district")[0]
    return {"timings": timings, "breakdown": breakdown, "problems": Problem.objects.count(),
            "readings": Reading.objects.count(), "units": len(computation.units),
            "sha256": computation.inputs_sha256, "first": f"{leader.name} {leader.total}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed_database(args.seed)
        return
    if args.measure:
        print(json.dumps(measure(args.runs)))
        return
    command = " ".join([".venv/bin/python", "bench/assessment_scale.py", *sys.argv[1:]])
    print(f"$ {command}    ({datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs)")
    by_size: dict[int, dict[str, Any]] = {}
    for size in args.sizes:
        seconds = seed(size)
        seeded = "reused" if seconds is None else f"seeded in {seconds:.0f} s"
        load = os.getloadavg()[0]
        output = subprocess.run(
            [sys.executable, __file__, "--measure", "--runs", str(args.runs)],
            env=environment(size), check=True, capture_output=True, text=True,
        ).stdout
        by_size[size] = json.loads(output.strip().splitlines()[-1])
        figures = by_size[size]
        print(f"{size:>9,} problems ({seeded}): {figures['readings']:,} readings, "
              f"{figures['units']} units; runs "
              + ", ".join(f"{t:.2f}" for t in figures["timings"])
              + f" s; median {statistics.median(figures['timings']):.2f} s; "
              f"load before {load:.2f}, after {os.getloadavg()[0]:.2f}; first district "
              f"{figures['first']}", flush=True)
    report(by_size)


def report(by_size: dict[int, dict[str, Any]]) -> None:
    sizes = sorted(by_size)
    small, large = sizes[0], sizes[-1]
    print(f"\n{'indicator':<28}" + "".join(f"{f'@{s:,}':>12}" for s in sizes))
    for code in by_size[small]["breakdown"]:
        print(f"{code:<28}" + "".join(f"{by_size[s]['breakdown'][code]:>11.2f}s" for s in sizes))
    ledger = {s: sum(seconds for code, seconds in by_size[s]["breakdown"].items()
                     if code in LEDGER_INDICATORS) for s in sizes}
    print(f"{'ledger indicators together':<28}" + "".join(f"{ledger[s]:>11.2f}s" for s in sizes))
    if small != large:
        ratio = (statistics.median(by_size[large]["timings"])
                 / statistics.median(by_size[small]["timings"]))
        verdict = "within" if ratio <= 12 else "OVER"
        print(f"\nmedian {large:,} / median {small:,} problems: {ratio:.2f}x "
              f"({verdict} the 12x target); the ledger indicators alone: "
              f"{ledger[large] / ledger[small]:.2f}x (the monitoring data are the same at both "
              "sizes)")


if __name__ == "__main__":
    main()

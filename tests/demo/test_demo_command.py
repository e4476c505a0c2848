"""``ecoledger demo`` on a fresh data directory, then again on the same one."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest


@pytest.mark.slow
def test_the_demo_seeds_once_prints_logins_and_air_quality_and_reuses_its_data(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECOLEDGER_", "DJANGO_"))}
    env["ECOLEDGER_DATA_DIR"] = str(tmp_path / "demo")
    command = [sys.executable, "-m", "ecoledger.cli", "demo", "--no-serve", "--problems", "40"]

    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)

    assert first.returncode == 0, first.stderr
    assert "Seeded 40 problems" in first.stdout
    for role in ("supervisor", "region_officer", "department_officer", "enterprise",
                 "inspector", "leader"):
        assert f" {role} " in first.stdout
    assert "AQI" in first.stdout
    tracked = re.search(r"tracking code (\w+), http://127\.0\.0\.1:8000/track/(\w+)/", first.stdout)
    assert tracked and tracked[1] == tracked[2]
    assert again.returncode == 0, again.stderr
    assert "Reusing the demo data" in again.stdout
    assert f"tracking code {tracked[1]}," in again.stdout
    database = sqlite3.connect(tmp_path / "demo" / "demo.sqlite3")
    opened_by_alerts = database.execute(
        "select count(*) from ledger_problem where origin = 'monitoring'"
        " and id in (select problem_id from monitoring_alert)").fetchone()[0]
    assert opened_by_alerts >= 1
    assert database.execute("select count(*) from ledger_problem").fetchone()[0] == (
        40 + opened_by_alerts)
    doubled_names = database.execute(
        "select p.name from monitoring_monitoringpoint p, org_enterprise e"
        " where p.name like '%' || e.name || e.name || '%'").fetchall()
    doubled_titles = database.execute(
        "select p.title from ledger_problem p, org_enterprise e"
        " where p.title like '%' || e.name || '%' || e.name || '%'").fetchall()
    assert (doubled_names, doubled_titles) == ([], [])
    assert database.execute("select status from intake_complaint where tracking_code = ?",
                            (tracked[1],)).fetchone() == ("answered",)
    assert database.execute(
        "select v.status from assessment_schemeversion v join assessment_scheme s"
        " on v.scheme_id = s.id where s.year = ?",
        (datetime.now(ZoneInfo("Asia/Shanghai")).year,)).fetchall() == [("adopted",)]

"""``ecoledger aqi``: the worked examples of standards.md §1.7, and clear errors."""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import ManagementUtility, call_command

from ecoledger.lib import clock

E1_DAILY = ["pm25=80", "pm10=120", "so2=20", "no2=45", "co=1.2", "o3_8h=130", "o3=170"]
E2_REAL_TIME = [
    "so2=900",
    "so2_24h=300",
    "no2=80",
    "co=1.0",
    "o3=90",
    "o3_8h=70",
    "pm25=30",
    "pm10=60",
]


def aqi(*args: str) -> dict:
    out = StringIO()
    call_command("aqi", *args, stdout=out)
    return json.loads(out.getvalue())


def test_e1_daily_2012_is_107_lightly_polluted_with_pm25_primary():
    report = aqi(*E1_DAILY, "--daily", "--date", "2025-06-01")

    assert (report["aqi"], report["rule_set"], report["report"]) == (107, "2012", "daily")
    assert report["iaqi"] == {
        "so2": 20,
        "no2": 57,
        "pm10": 85,
        "co": 30,
        "o3": 63,
        "o3_8h": 75,
        "pm25": 107,
    }
    assert report["primary_pollutants"] == ["pm25"]
    assert (report["level"], report["category"]) == ("三级", "轻度污染")
    assert report["colour"]["hex"] == "#FF7E00"


def test_e1_daily_2026_is_119():
    report = aqi(*E1_DAILY, "--daily", "--date", "2026-06-01")

    assert (report["aqi"], report["rule_set"], report["standard"]) == (119, "2026", "HJ 633-2026")
    assert report["ignored"] == ["o3"]


def test_e2_real_time_2026_is_200_moderately_polluted_with_so2_primary():
    report = aqi(*E2_REAL_TIME, "--date", "2026-06-01")

    assert (report["aqi"], report["report"], report["primary_pollutants"]) == (
        200,
        "real-time",
        ["so2"],
    )
    assert report["category"] == "中度污染"


def test_without_a_date_it_uses_the_rule_set_of_today():
    with clock.frozen_at(datetime(2026, 2, 27, 12, tzinfo=ZoneInfo("Asia/Shanghai"))):
        report = aqi(*E1_DAILY, "--daily")

    assert (report["date"], report["rule_set"]) == ("2026-02-27", "2012")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pm25=abc"], "pm25='abc': the concentration is not a number"),
        (["pm2.5=35"], "'pm2.5' is not a pollutant"),
        (["pm25=-1"], "a concentration is a finite number, 0 or more"),
        (["pm25"], "write each concentration as key=value"),
        (["pm25=1", "pm25=2"], "pm25 is given twice"),
        (["pm25=35", "--date", "2026-02-30"], "'2026-02-30' is not a date: use YYYY-MM-DD"),
    ],
)
def test_bad_input_is_a_clear_error_with_exit_status_2(capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["ecoledger", "aqi", *args]).execute()

    captured = capsys.readouterr()
    assert exit_info.value.code == 2
    assert message in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""

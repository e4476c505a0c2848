"""The AQI of every air station from its hourly readings: the standards' numbers, few queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecoledger.lib import clock
from ecoledger.monitoring.air_quality import POLLUTANT_CODES, station_aqi
from ecoledger.monitoring.choices import DataType, PointKind
from ecoledger.monitoring.models import MonitoringPoint, Parameter, Reading
from ecoledger.monitoring.parameters import sync_parameters
from ecoledger.monitoring.standards import compute_aqi

pytestmark = pytest.mark.django_db

CST = ZoneInfo("Asia/Shanghai")
HOUR = timedelta(hours=1)
STEADY = {"so2": 10.0, "no2": 30.0, "co": 0.6, "pm10": 60.0}
LATEST = {"so2": 12.0, "no2": 45.0, "co": 0.9, "o3": 150.0, "pm10": 90.0, "pm25": 80.0}


def make_station(region, name: str) -> MonitoringPoint:
    station = MonitoringPoint(
        mn=f"AQ{name}",
        name=name,
        kind=PointKind.AIR_STATION,
        region=region,
        latitude=32.0,
        longitude=118.8,
    )
    station.set_password("pw")
    station.save()
    return station


def concentrations(moment: datetime) -> dict[str, float]:
    """PM2.5 alternates 30/50 (daily mean 40); O3 is 100 from 12:00 to 19:00, else 40."""
    hour = moment.astimezone(CST).hour
    return {
        **STEADY,
        "pm25": 30.0 if hour % 2 else 50.0,
        "o3": 100.0 if 12 <= hour <= 19 else 40.0,
    }


def fill(station: MonitoringPoint, first: datetime, last: datetime, latest=None) -> None:
    """Hourly readings from ``first`` to ``last``; ``latest`` replaces the last hour's."""
    sync_parameters()
    parameters = {p.code: p for p in Parameter.objects.filter(code__in=POLLUTANT_CODES.values())}
    rows, moment = [], first
    while moment <= last:
        values = (latest if latest and moment == last else None) or concentrations(moment)
        rows += [
            Reading(
                point=station,
                parameter=parameters[POLLUTANT_CODES[key]],
                data_type=DataType.HOUR,
                observed_at=moment,
                value=value,
                received_at=moment + HOUR,
            )
            for key, value in values.items()
        ]
        moment += HOUR
    Reading.objects.bulk_create(rows)


NOW_2026 = datetime(2026, 6, 3, 10, 30, tzinfo=CST)


def test_the_real_time_aqi_is_the_standards_aqi_of_the_latest_hour(city):
    station = make_station(city.towns[0][0], "城南站")
    fill(station, datetime(2026, 6, 1, tzinfo=CST), datetime(2026, 6, 3, 9, tzinfo=CST), LATEST)

    with clock.frozen_at(NOW_2026):
        (result,) = station_aqi()

    expected = compute_aqi(LATEST, rule_set="2026", daily=False)
    real_time = result["real_time"]
    assert (real_time["aqi"], real_time["rule_set"]) == (expected.aqi, "2026")
    assert real_time["iaqi"] == dict(expected.iaqi)
    assert real_time["primary_pollutants"] == list(expected.primary_pollutants)
    assert (real_time["level"], real_time["category"], real_time["colour"]) == (
        expected.level.name,
        expected.level.category,
        expected.level.hex,
    )
    assert real_time["time"] == datetime(2026, 6, 3, 10, tzinfo=CST)


def test_the_daily_aqi_is_the_standards_aqi_of_yesterdays_means(city):
    station = make_station(city.towns[0][0], "城南站")
    fill(station, datetime(2026, 6, 1, tzinfo=CST), datetime(2026, 6, 3, 9, tzinfo=CST))

    with clock.frozen_at(NOW_2026):
        (result,) = station_aqi()

    expected = compute_aqi({**STEADY, "pm25": 40.0, "o3_8h": 100.0}, rule_set="2026", daily=True)
    daily = result["daily"]
    assert (daily["aqi"], daily["iaqi"], daily["date"]) == (
        expected.aqi,
        dict(expected.iaqi),
        datetime(2026, 6, 2).date(),
    )


def test_a_2025_real_time_aqi_follows_hj633_2012_with_pm_moving_means(city):
    station = make_station(city.towns[0][0], "城南站")
    now = datetime(2025, 6, 3, 10, 30, tzinfo=CST)
    fill(station, datetime(2025, 6, 1, tzinfo=CST), datetime(2025, 6, 3, 9, tzinfo=CST))

    with clock.frozen_at(now):
        (result,) = station_aqi()

    # At 09:00 the 24 h PM2.5 mean is 40; the 8 h O3 mean (02:00–09:00) is 40.
    expected = compute_aqi(
        {**STEADY, "so2_24h": 10.0, "pm25": 40.0, "o3": 40.0, "o3_8h": 40.0},
        rule_set="2012",
        daily=False,
    )
    assert (result["real_time"]["aqi"], result["real_time"]["rule_set"]) == (expected.aqi, "2012")
    assert result["real_time"]["iaqi"] == dict(expected.iaqi)


def test_flagged_values_do_not_count(city):
    station = make_station(city.towns[0][0], "城南站")
    last = datetime(2026, 6, 3, 9, tzinfo=CST)
    fill(station, datetime(2026, 6, 1, tzinfo=CST), last, LATEST)
    Reading.objects.filter(observed_at=last).update(flag="C")

    with clock.frozen_at(NOW_2026):
        (result,) = station_aqi()

    assert result["real_time"]["time"] == last


def test_a_station_without_data_has_no_aqi(city):
    make_station(city.towns[0][0], "新建站")

    with clock.frozen_at(NOW_2026):
        (result,) = station_aqi()

    assert (result["name"], result["real_time"], result["daily"]) == ("新建站", None, None)


def test_the_query_count_does_not_grow_with_the_number_of_stations(city):
    first, last = datetime(2026, 6, 1, tzinfo=CST), datetime(2026, 6, 3, 9, tzinfo=CST)
    fill(make_station(city.towns[0][0], "A"), first, last)
    with clock.frozen_at(NOW_2026), CaptureQueriesContext(connection) as one:
        station_aqi()
    for name in ("B", "C", "D"):
        fill(make_station(city.towns[0][0], name), first, last)

    with clock.frozen_at(NOW_2026), CaptureQueriesContext(connection) as four:
        results = station_aqi()

    assert len(four) == len(one) == 2
    assert [r["name"] for r in results] == ["A", "B", "C", "D"]
    assert {r["daily"]["aqi"] for r in results} == {results[0]["daily"]["aqi"]}

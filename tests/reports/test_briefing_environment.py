"""The briefing's environmental quality: each district's daily AQI and good days by HJ 633 from
its stations' hourly readings, and each water section's GB 3838 class against its target."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ecoledger.lib import clock
from ecoledger.monitoring.choices import DataType, PointKind
from ecoledger.monitoring.models import Parameter, Reading
from ecoledger.monitoring.parameters import sync_parameters
from ecoledger.monitoring.standards import compute_aqi, rule_set_for
from ecoledger.reports.briefing import pdf
from ecoledger.reports.briefing.services import generate_briefing
from tests.monitoring.factories import make_point
from tests.monitoring.test_air_quality import fill, make_station
from tests.reports.briefing_world import (
    MONDAY,
    NOW,
    at,
    name_in_chinese,
    read_docx,
    rows_of,
    table_after,
)

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _without_libreoffice(monkeypatch):
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)


def _water(section, values: dict[str, float]) -> None:
    sync_parameters()
    parameters = {p.code: p for p in Parameter.objects.filter(code__in=values)}
    moment, rows = at(MONDAY, 0), []
    while moment < NOW:
        rows += [Reading(point=section, parameter=parameters[code], data_type=DataType.HOUR,
                         observed_at=moment, value=value, received_at=moment + HOUR)
                 for code, value in values.items()]
        moment += HOUR
    Reading.objects.bulk_create(rows)


def test_air_and_water_quality_of_the_week(city):
    name_in_chinese(city)
    station = make_station(city.towns[0][0], "玄武湖站")
    fill(station, at(MONDAY - timedelta(days=1), 0), NOW - HOUR)
    section = make_point(city.towns[1][0], mn="W" * 24, kind=PointKind.WATER_SECTION,
                         name="秦淮河断面", target_class=3)
    _water(section, {"w21003": 1.2, "w01019": 5.0})  # NH3-N class IV, CODMn class III

    with clock.frozen_at(NOW):
        briefing = generate_briefing("weekly", NOW.date(), acting_user=None)

    air = briefing.document.figures["air"]
    expected = compute_aqi({"pm25": 40.0, "pm10": 60.0, "so2": 10.0, "no2": 30.0, "co": 0.6,
                            "o3_8h": 100.0}, rule_set=rule_set_for(MONDAY), daily=True).aqi
    area = air["areas"][0]
    assert (area["name"], area["stations"]) == ("玄武区", 1)
    assert [day["aqi"] for day in area["days"]] == [expected, expected, None]  # Wed: 10 hours
    assert (area["valid_days"], area["good_days"], area["good_share"]) == (2, 2, 100.0)
    assert air["total"]["name"] == "南京市" and air["total"]["days"] == area["days"]
    assert briefing.document.figures["periods"]["2026-W49"]["air"]["玄武区"] == {
        "valid_days": 2, "good_days": 2}
    assert briefing.document.figures["water"] == [{
        "name": "秦淮河断面", "district": "秦淮区", "class": "IV", "target": "III",
        "meets": False, "items": ["nh3n"]}]
    document = read_docx(briefing.document.file.read())
    assert rows_of(table_after(document, "区域"))[0] == ["玄武区", "1", "2", "2", "100.0%",
                                                        str(expected)]
    assert rows_of(table_after(document, "断面")) == [
        ["秦淮河断面", "秦淮区", "III", "IV", "否", "nh3n"]]

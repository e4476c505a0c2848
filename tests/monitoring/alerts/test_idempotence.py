"""However the readings are split between runs, and however often a run repeats, the
alerts come out the same."""

from __future__ import annotations

import pytest

from ecoledger.monitoring.air_quality import POLLUTANT_CODES
from ecoledger.monitoring.choices import PointKind
from ecoledger.monitoring.models import Alert
from ecoledger.org.choices import WaterBodyKind
from ecoledger.org.models import WaterBody
from tests.monitoring.alerts.factories import (
    SO2,
    add_readings,
    evaluate_at,
    hours,
    make_limit,
    make_point,
)

pytestmark = pytest.mark.django_db

HOURS = 15


def scenario(city) -> None:
    """A stack, an air station and a water section, with a bit of everything."""
    town = city.towns[0][0]
    stack = make_point(town, source=city.sources[0], name="stack")
    make_limit(stack, SO2, 100.0)
    add_readings(
        stack,
        SO2,
        [90, 120, 130, 125, 99, 110, 97, 101, 80, 70, 60, 50, 120, 130, 125],
        flags="NNNNNCNNNNNNNNN",
    )
    add_readings(stack, "a21002", [50.0] * 8 + [-1.0] * 4 + [55.0] * 3)
    station = make_point(town, kind=PointKind.AIR_STATION, name="station")
    for key, value in {"so2": 10, "no2": 30, "co": 0.5, "o3": 60, "pm10": 40}.items():
        add_readings(station, POLLUTANT_CODES[key], [value + i % 2 for i in range(HOURS)])
    add_readings(
        station, POLLUTANT_CODES["pm25"], [40, 130, 130, 135, 60, 50] + [40, 41] * 4 + [40]
    )
    river = WaterBody.objects.create(name="river", kind=WaterBodyKind.RIVER)
    section = make_point(
        town, kind=PointKind.WATER_SECTION, name="section", water_body=river, target_class=3
    )
    add_readings(section, "w21003", [0.8, 1.6, 1.7, 1.8, 0.5, 0.4] + [0.5, 0.6] * 4 + [0.5])


def summary() -> list[tuple]:
    return [
        (
            a.point.name,
            a.parameter.code if a.parameter else None,
            a.kind,
            a.status,
            a.opened_at,
            a.last_seen_at,
            a.resolved_at,
            a.peak,
            a.evidence.count(),
            a.problem.title if a.problem else None,
        )
        for a in Alert.objects.select_related("point", "parameter", "problem").order_by(
            "point__name", "kind", "parameter__code", "opened_at"
        )
    ]


EXPECTED = [
    ("section", "w21003", "water_class", "resolved", hours(1), hours(3), hours(4), 1.8, 3,
     "section氨氮劣于III类水质目标"),
    ("stack", "a21026", "exceedance", "resolved", hours(1), hours(7), hours(8), 130.0, 4,
     "stack二氧化硫超标排放"),
    ("stack", "a21026", "exceedance", "open", hours(12), hours(14), None, 130.0, 3,
     "stack二氧化硫超标排放"),
    # Six identical values; then invalid ones, which a flat line skips; then a new value.
    ("stack", "a21002", "flat_line", "resolved", hours(5), hours(7), hours(12), 50.0, 8, None),
    ("stack", "a21002", "out_of_range", "resolved", hours(8), hours(11), hours(12), -1.0, 4,
     None),
    ("station", None, "aqi", "resolved", hours(1), hours(3), hours(4), 179.0, 3, None),
]  # fmt: skip


@pytest.mark.parametrize("mode", ["at once", "hour by hour", "twice"])
def test_the_alerts_do_not_depend_on_how_the_readings_were_split(city, mode):
    scenario(city)

    if mode == "hour by hour":
        for hour in range(1, HOURS + 1):
            evaluate_at(hours(hour))
    else:
        for _ in range(2 if mode == "twice" else 1):
            evaluate_at(hours(HOURS))

    assert summary() == EXPECTED

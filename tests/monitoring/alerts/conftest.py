"""The stack the alert tests judge: a power plant's outlet with an SO2 limit of 100 mg/m³."""

from __future__ import annotations

import pytest

from ecoledger.monitoring.models import MonitoringPoint
from tests.monitoring.alerts.factories import SO2, make_limit, make_point


@pytest.fixture
def stack(city) -> MonitoringPoint:
    point = make_point(city.towns[0][0], source=city.sources[0], name="某某电厂1号排放口")
    make_limit(point, SO2, 100.0)
    return point

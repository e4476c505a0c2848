"""Monitoring test data for alert tests: points, limits and series of readings.

Times are China Standard Time, in June 2026 (HJ 633-2026 rules). A reading is
received at the end of the interval it stands for, as a logger sends hourly data.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ecoledger.lib import clock
from ecoledger.monitoring.alerts import evaluate_alerts
from ecoledger.monitoring.choices import DataType, PointKind
from ecoledger.monitoring.models import MonitoringPoint, Parameter, PermitLimit, Reading
from ecoledger.monitoring.parameters import sync_parameters
from ecoledger.org.models import Region

CST = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 6, 1, 8, tzinfo=CST)
HOUR = timedelta(hours=1)
SO2 = "a21026"

_numbers = itertools.count(1)


def parameter(code: str) -> Parameter:
    sync_parameters()
    return Parameter.objects.get(code=code)


def make_point(region: Region, *, kind: str = PointKind.STACK, **kwargs: Any) -> MonitoringPoint:
    n = next(_numbers)
    point = MonitoringPoint(
        mn=kwargs.pop("mn", f"ALERTTEST{n:06d}"),
        name=kwargs.pop("name", f"1号排放口{n}"),
        kind=kind,
        region=region,
        latitude=kwargs.pop("latitude", 32.05),
        longitude=kwargs.pop("longitude", 118.78),
        **kwargs,
    )
    point.set_password("pw")
    point.save()
    return point


def make_limit(point: MonitoringPoint, code: str = SO2, limit: float = 100.0, **kwargs: Any):
    return PermitLimit.objects.create(point=point, parameter=parameter(code), limit=limit, **kwargs)


def add_readings(
    point: MonitoringPoint,
    code: str,
    values: Sequence[float],
    *,
    start: datetime = T0,
    step: timedelta = HOUR,
    data_type: str = DataType.HOUR,
    flags: str | Sequence[str] = "N",
    converted: Sequence[float | None] | None = None,
) -> list[Reading]:
    """``values[i]`` observed at ``start + i·step``; ``flags`` one letter per value, or one
    for all."""
    flag_of = [flags] * len(values) if len(flags) == 1 else list(flags)
    rows = [
        Reading(
            point=point,
            parameter=parameter(code),
            data_type=data_type,
            observed_at=start + i * step,
            value=value,
            flag=flag_of[i],
            converted=None if converted is None else converted[i],
            received_at=start + (i + 1) * step,
        )
        for i, value in enumerate(values)
    ]
    return Reading.objects.bulk_create(rows)


def hours(n: int, *, start: datetime = T0) -> datetime:
    """The time ``n`` hours after ``start``."""
    return start + n * HOUR


def evaluate_at(moment: datetime) -> dict[str, Any]:
    with clock.frozen_at(moment):
        return evaluate_alerts()

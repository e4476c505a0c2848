"""Online monitoring for the demo city: stations and outlets, a week of hourly history,
one incident that the alert rules turn into a ledger problem.

The history is what the simulated devices would have sent (the simulator's own
value model, one value per hour). The incident is written as a desulphurisation
failure at one plant: five hours of SO2 above the permit limit, which the real
alert job, run over the history, opens as an alert and a ledger problem. After
seeding, ``ecoledger demo`` keeps the points live with the simulator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ecoledger.monitoring.alerts import evaluate_alerts
from ecoledger.monitoring.choices import DataType, PointKind
from ecoledger.monitoring.maintenance import rebuild_latest_readings
from ecoledger.monitoring.models import MonitoringPoint, PermitLimit, Reading
from ecoledger.monitoring.parameters import parameter_ids
from ecoledger.monitoring.simulator import QUIET, device_password
from ecoledger.monitoring.simulator.model import DeviceModel
from ecoledger.monitoring.simulator.profiles import PROFILES
from ecoledger.org.choices import RegionLevel, SourceKind
from ecoledger.org.models import PollutionSource, Region

STACKS, OUTLETS = 12, 8
INCIDENT_CODE, INCIDENT_HOURS, INCIDENT_HOURS_AGO = "a21026", 5, 30


@dataclass
class MonitoringSeed:
    points: int
    readings: int
    alerts: int
    problems: int

    def __str__(self) -> str:
        return (f"{self.points} monitoring points, {self.readings} hourly readings, "
                f"{self.alerts} alerts, {self.problems} problems opened by monitoring")


def _mn(kind: str, index: int) -> str:
    """24 hex digits: a demo manufacturer prefix, the HJ 212 system code, a serial."""
    return f"3719DE{PROFILES[kind].st:0>4}{index:014X}"


def _point(kind: str, index: int, name: str, region: Region, latitude: float,
           longitude: float, source: PollutionSource | None = None) -> MonitoringPoint:
    point = MonitoringPoint(mn=_mn(kind, index), name=name, kind=kind, region=region,
                            source=source, latitude=latitude, longitude=longitude,
                            water_body=source.water_body if source else None)
    point.set_password(device_password(point.mn))
    return point


def register_points(rng: random.Random) -> list[MonitoringPoint]:
    points = [
        _point(PointKind.AIR_STATION, n, f"{district.name}空气自动监测站", district,
               (district.latitude or 0) + rng.uniform(-0.01, 0.01),
               (district.longitude or 0) + rng.uniform(-0.01, 0.01))
        for n, district in enumerate(Region.objects.filter(level=RegionLevel.DISTRICT))
    ]
    sources = PollutionSource.objects.select_related("enterprise", "region", "water_body")
    for kind, source_kind, count in ((PointKind.STACK, SourceKind.STACK, STACKS),
                                     (PointKind.WASTEWATER, SourceKind.WASTEWATER_OUTLET, OUTLETS)):
        for n, source in enumerate(sources.filter(kind=source_kind).order_by("code")[:count]):
            points.append(_point(kind, n, source.name,  # the enterprise's name and the outlet's
                                 source.region, source.latitude, source.longitude, source))
    MonitoringPoint.objects.bulk_create(points)
    return list(MonitoringPoint.objects.order_by("pk"))


def permit_limits(points: list[MonitoringPoint]) -> None:
    codes = parameter_ids()
    limits = []
    for point in points:
        profile = PROFILES[point.kind]
        if point.kind not in (PointKind.STACK, PointKind.WASTEWATER):
            continue
        for factor in profile.factors:
            if factor.limit is not None:
                limits.append(PermitLimit(
                    point=point, parameter_id=codes[factor.code], limit=factor.limit,
                    data_type=DataType.HOUR, reference_oxygen=profile.reference_oxygen
                    if factor.converted else None, basis="排污许可证"))
    PermitLimit.objects.bulk_create(limits)


def history(points: list[MonitoringPoint], rng: random.Random, *, end: datetime,
            days: int) -> int:
    """Hourly values up to ``end`` from the simulator's value model; the incident on top."""
    codes = parameter_ids()
    start = end - timedelta(days=days)
    hours = [start + timedelta(hours=h) for h in range(days * 24)]
    incident_point = next((p for p in points if p.kind == PointKind.STACK), None)
    incident_hours = set(hours[-INCIDENT_HOURS_AGO:][:INCIDENT_HOURS])
    rows = []
    for point in points:
        model = DeviceModel(PROFILES[point.kind], random.Random(rng.random()), QUIET)
        for hour in hours:
            values = model.minute(timezone.localtime(hour).replace(tzinfo=None))
            for code, value in (values or {}).items():
                average, converted = value.average, value.converted[1] if value.converted else None
                if point is incident_point and code == INCIDENT_CODE and hour in incident_hours:
                    # The desulphurisation tower fails: SO2 at twice its permit limit.
                    converted = 35.0 * rng.uniform(1.7, 2.3)
                    average = converted * 0.8
                rows.append(Reading(
                    point=point, parameter_id=codes[code], data_type=DataType.HOUR,
                    observed_at=hour, value=round(average, 3), minimum=value.minimum,
                    maximum=max(value.maximum, average), cumulative=value.amount,
                    flag=value.flag,
                    converted=round(converted, 3) if converted is not None else None,
                    received_at=hour + timedelta(hours=1, minutes=2)))
    Reading.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    rebuild_latest_readings()
    return len(rows)


def seed_monitoring(rng: random.Random, *, now: datetime, days: int = 7) -> MonitoringSeed:
    """Points, limits, history; then the alert job over the history, as the worker would."""
    with transaction.atomic():
        points = register_points(rng)
        permit_limits(points)
        end = now.replace(minute=0, second=0, microsecond=0)
        readings = history(points, rng, end=end, days=days)
    outcome = evaluate_alerts(since=end - timedelta(days=days + 1))
    return MonitoringSeed(len(points), readings, outcome["opened"], outcome["problems"])




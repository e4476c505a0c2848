"""Simulated devices and the database: registering their points, finding them again.

Simulated points are demonstration and benchmark data, not an official's act, so they are
written directly rather than through an audited service.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.db import transaction

from ecoledger.monitoring.choices import PointKind
from ecoledger.monitoring.models import MonitoringPoint, password_digest
from ecoledger.monitoring.simulator.identity import (
    DEFAULT_KINDS,
    SIMULATED_MN_PREFIX,
    SimulatedDevice,
    device_password,
    simulated_devices,
)
from ecoledger.monitoring.simulator.profiles import PROFILES
from ecoledger.org.models import PollutionSource, Region

POINT_NAMES = {
    PointKind.AIR_STATION: "模拟空气自动站",
    PointKind.MICRO_STATION: "模拟空气微站",
    PointKind.STACK: "模拟烟气排放口",
    PointKind.WASTEWATER: "模拟废水排放口",
}
DEFAULT_CENTRE = (32.06, 118.79)
"""Where points go when their region has no coordinates."""


def register_simulated_points(
    count: int,
    *,
    region: Region,
    kinds: Sequence[str] = DEFAULT_KINDS,
    first: int = 0,
    source: PollutionSource | None = None,
) -> list[MonitoringPoint]:
    """Points for ``simulated_devices(count, kinds=kinds, first=first)``, in that order.

    Missing points are created with the hash of ``device_password(mn)``; points that
    already exist are returned as they are, so calling this twice is harmless. Points are
    spread on a spiral around the region's coordinates so that a map shows them apart.
    """
    devices = simulated_devices(count, kinds=kinds, first=first)
    wanted = {device.mn for device in devices}
    with transaction.atomic():
        existing = set(
            MonitoringPoint.objects.filter(mn__startswith=SIMULATED_MN_PREFIX).values_list(
                "mn", flat=True
            )
        )
        centre = (region.latitude or DEFAULT_CENTRE[0], region.longitude or DEFAULT_CENTRE[1])
        new = [
            _point(device, index, region, source, centre)
            for index, device in enumerate(devices, start=first)
            if device.mn not in existing
        ]
        MonitoringPoint.objects.bulk_create(new, batch_size=500)
    points = MonitoringPoint.objects.filter(mn__startswith=SIMULATED_MN_PREFIX)
    by_mn = {point.mn: point for point in points if point.mn in wanted}
    return [by_mn[device.mn] for device in devices]


def _point(
    device: SimulatedDevice,
    index: int,
    region: Region,
    source: PollutionSource | None,
    centre: tuple[float, float],
) -> MonitoringPoint:
    angle = index * 2.399963  # the golden angle: an even spread for any count
    radius = 0.004 * math.sqrt(index + 1)
    point = MonitoringPoint(
        mn=device.mn,
        name=f"{POINT_NAMES[device.kind]} {index + 1:04d}",
        kind=device.kind,
        region=region,
        source=source if device.kind in (PointKind.STACK, PointKind.WASTEWATER) else None,
        latitude=round(centre[0] + radius * math.sin(angle), 6),
        longitude=round(centre[1] + radius * math.cos(angle), 6),
    )
    point.set_password(device.password)
    return point


def devices_from_database(limit: int | None = None) -> list[SimulatedDevice]:
    """The active points the simulator can play, in MN order, at most ``limit`` of them.

    Only points whose stored password is the simulated one qualify: for any other point the
    simulator could not log in, and its packets would only fill the quarantine.
    """
    devices = []
    points = MonitoringPoint.objects.filter(active=True, kind__in=list(PROFILES)).order_by("mn")
    for mn, kind, password_hash in points.values_list("mn", "kind", "password_hash").iterator():
        password = device_password(mn)
        if password_digest(password) == password_hash:
            devices.append(SimulatedDevice(mn, kind, password))
            if limit is not None and len(devices) >= limit:
                break
    return devices

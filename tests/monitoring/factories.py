"""Monitoring test data: a point registered for the MN of the standard's examples."""

from __future__ import annotations

from pathlib import Path

from ecoledger.monitoring.choices import PointKind
from ecoledger.monitoring.models import MonitoringPoint
from ecoledger.org.models import Region

EXAMPLE_MN = "010000A8900016F000169DC0"
EXAMPLE_PW = "123456"
EXAMPLES = [
    line.strip().encode("utf-8") + b"\r\n"
    for line in (Path(__file__).parent / "hj212" / "examples.txt").read_text("utf-8").splitlines()
    if line.startswith("##")
]


def make_point(region: Region, *, mn: str = EXAMPLE_MN, password: str = EXAMPLE_PW,
               kind: str = PointKind.STACK, **kwargs) -> MonitoringPoint:
    point = MonitoringPoint(mn=mn, name=kwargs.pop("name", f"point {mn[-4:]}"), kind=kind,
                            region=region, latitude=kwargs.pop("latitude", 32.0),
                            longitude=kwargs.pop("longitude", 118.8), **kwargs)
    point.set_password(password)
    point.save()
    return point

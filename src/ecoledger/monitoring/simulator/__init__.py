"""Simulated HJ 212-2017 devices: air stations, stack CEMS and wastewater outlets over TCP.

Each device is its own asyncio connection to a receiver. It measures believable values
(daily patterns, noise, exceedance bursts, outages, stuck sensors, maintenance and
calibration flags; ``model``), uploads minute (2051) and/or real-time (2011) data with
Flag=5, retransmits until the platform answers 9014 and keeps unanswered data across
reconnects (``device``). Time can be compressed to write a long history quickly
(``schedule``). Devices come from the database (points registered with
``register_simulated_points``, whose passwords ``device_password`` recomputes) or from a
list of ``SimulatedDevice`` for runs without a database.

Only ``points`` (imported lazily here) touches the ORM; the rest runs without a database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecoledger.monitoring.simulator.identity import (
    DEFAULT_KINDS,
    SIMULATED_MN_PREFIX,
    SimulatedDevice,
    device_password,
    simulated_devices,
    simulated_mn,
)
from ecoledger.monitoring.simulator.model import QUIET, Behaviour, Episode
from ecoledger.monitoring.simulator.profiles import PROFILES
from ecoledger.monitoring.simulator.simulation import (
    NoDevicesError,
    Simulation,
    SimulationSettings,
    run_simulation,
)
from ecoledger.monitoring.simulator.stats import ReadingKey, SimulationStats

if TYPE_CHECKING:
    from ecoledger.monitoring.simulator.points import (
        devices_from_database,
        register_simulated_points,
    )

_DATABASE_HELPERS = frozenset({"devices_from_database", "register_simulated_points"})


def __getattr__(name: str) -> Any:
    """The ORM helpers load models, which needs Django set up: import them on first use."""
    if name in _DATABASE_HELPERS:
        from ecoledger.monitoring.simulator import points

        return getattr(points, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_KINDS",
    "PROFILES",
    "QUIET",
    "SIMULATED_MN_PREFIX",
    "Behaviour",
    "Episode",
    "NoDevicesError",
    "ReadingKey",
    "SimulatedDevice",
    "Simulation",
    "SimulationSettings",
    "SimulationStats",
    "device_password",
    "devices_from_database",
    "register_simulated_points",
    "run_simulation",
    "simulated_devices",
    "simulated_mn",
]

"""What each kind of simulated device measures, and how its values move through a day.

A factor's expected level depends on the hour of the simulated day (traffic peaks for NO2,
CO and particulates, the afternoon ozone peak, lower night-time flows); the model adds slow
random variation around it. Levels are typical of a Chinese city and of plants meeting the
ultra-low emission limits (SO2 35, NOx 50, dust 10 mg/m³ at 6 % O2), so that the exceedance
bursts of the model are visible against an otherwise compliant history.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType

from ecoledger.monitoring.choices import PointKind

Shape = Callable[[float], float]
"""Expected value of a factor at an hour of the day (0 ≤ hour < 24)."""


def _bump(hour: float, centre: float, width: float) -> float:
    """A daily bell curve around ``centre``; the distance wraps around midnight."""
    distance = (hour - centre + 12.0) % 24.0 - 12.0
    return math.exp(-((distance / width) ** 2))


def traffic(hour: float) -> float:
    """Morning and evening rush hours, a quiet small hours (NO2, CO, particulates)."""
    return (
        0.78
        + 0.45 * _bump(hour, 8.0, 1.6)
        + 0.55 * _bump(hour, 18.5, 2.0)
        - 0.25 * _bump(hour, 4.0, 2.5)
    )


def ozone(hour: float) -> float:
    """Photochemistry: low at night, a broad peak in the mid-afternoon."""
    return 0.4 + 1.3 * _bump(hour, 15.0, 3.2)


def steady(hour: float) -> float:
    return 1.0


def plant_load(hour: float) -> float:
    """A boiler or kiln runs harder by day than at night."""
    return 0.86 + 0.16 * _bump(hour, 14.0, 5.0)


def sewage(hour: float) -> float:
    """Wastewater flow: low at night, morning and evening peaks."""
    return 0.5 + 0.5 * _bump(hour, 10.0, 3.5) + 0.3 * _bump(hour, 19.5, 2.5)


def breeze(hour: float) -> float:
    """Wind picks up in the afternoon, when the ground is warmest."""
    return 0.7 + 0.6 * _bump(hour, 14.0, 4.0)


def _daily_cosine(hour: float, mean: float, amplitude: float, warmest: float) -> float:
    return mean + amplitude * math.cos(2.0 * math.pi * (hour - warmest) / 24.0)


def _scaled(shape: Shape, typical: float, hour: float) -> float:
    return typical * shape(hour)


def level(shape: Shape, typical: float) -> Shape:
    """``typical`` times the daily ``shape``: the expected level of a factor."""
    return partial(_scaled, shape, typical)


@dataclass(frozen=True, slots=True)
class Factor:
    """One measured factor of a device.

    ``sigma`` is the size of the slow random variation: relative (log-normal) for
    concentrations and flows, absolute when ``additive`` (temperature, pH, O2). A factor that
    ``follows`` another is that factor's value times its own level (PM10 follows PM2.5, so a
    pollution episode lifts both). ``limit`` is the threshold exceedance bursts go above: the
    permit limit of the converted value for a stack, GB 3095's daily grade II for PM2.5.
    """

    code: str
    level: Shape
    sigma: float
    decimals: int
    additive: bool = False
    low: float = 0.0
    high: float = math.inf
    spread: float = 0.06
    follows: str | None = None
    limit: float | None = None
    wraps: bool = False
    has_amount: bool = False
    converted: bool = False


@dataclass(frozen=True, slots=True)
class Flow:
    """The flow factor of a kind and how flow becomes the per-minute amounts (``-Cou``).

    ``volume_per_minute`` turns one minute at the flow's unit into m³; ``kilograms_per_unit``
    turns concentration × m³ into kg (mg/m³ → 1e-6, mg/L → 1e-3).
    """

    code: str
    volume_per_minute: float
    kilograms_per_unit: float


@dataclass(frozen=True, slots=True)
class KindProfile:
    kind: str
    st: str
    factors: tuple[Factor, ...]
    flow: Flow | None = None
    oxygen_code: str | None = None
    reference_oxygen: float | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(factor.code for factor in self.factors)


AIR = KindProfile(
    kind=PointKind.AIR_STATION,
    st="22",
    factors=(
        Factor("a34004", level(traffic, 34.0), 0.30, 1, limit=75.0),
        Factor("a34002", level(steady, 1.65), 0.10, 1, follows="a34004"),
        Factor("a21026", level(steady, 8.0), 0.25, 1),
        Factor("a21004", level(traffic, 30.0), 0.25, 1),
        Factor("a21005", level(traffic, 0.7), 0.20, 3),
        Factor("a05024", level(ozone, 62.0), 0.25, 1),
        Factor(
            "a01001",
            partial(_daily_cosine, mean=17.0, amplitude=5.0, warmest=15.0),
            1.0,
            1,
            additive=True,
            low=-30.0,
            high=45.0,
            spread=0.3,
        ),
        Factor(
            "a01002",
            partial(_daily_cosine, mean=63.0, amplitude=-15.0, warmest=15.0),
            6.0,
            1,
            additive=True,
            low=5.0,
            high=100.0,
            spread=1.5,
        ),
        Factor("a01007", level(breeze, 2.6), 0.30, 1),
        Factor(
            "a01008",
            level(steady, 135.0),
            70.0,
            0,
            additive=True,
            high=359.0,
            spread=15.0,
            wraps=True,
        ),
    ),
)

STACK = KindProfile(
    kind=PointKind.STACK,
    st="31",
    factors=(
        Factor(
            "a21026", level(plant_load, 15.0), 0.25, 2, limit=35.0, has_amount=True, converted=True
        ),
        Factor(
            "a21002", level(plant_load, 30.0), 0.18, 2, limit=50.0, has_amount=True, converted=True
        ),
        Factor(
            "a34013", level(plant_load, 3.0), 0.30, 2, limit=10.0, has_amount=True, converted=True
        ),
        Factor("a19001", level(steady, 9.5), 0.6, 2, additive=True, low=3.0, high=20.5, spread=0.3),
        Factor("a00000", level(plant_load, 120.0), 0.08, 2, has_amount=True),
        Factor(
            "a01012", level(steady, 50.0), 1.5, 1, additive=True, low=20.0, high=200.0, spread=0.8
        ),
    ),
    flow=Flow("a00000", volume_per_minute=60.0, kilograms_per_unit=1e-6),
    oxygen_code="a19001",
    reference_oxygen=6.0,
)

WASTEWATER = KindProfile(
    kind=PointKind.WASTEWATER,
    st="32",
    factors=(
        Factor("w01018", level(steady, 26.0), 0.20, 2, limit=50.0, has_amount=True),
        Factor("w21003", level(steady, 1.6), 0.30, 3, limit=5.0, has_amount=True),
        Factor("w21011", level(steady, 0.25), 0.25, 3, has_amount=True),
        Factor(
            "w01001", level(steady, 7.3), 0.25, 2, additive=True, low=5.5, high=9.5, spread=0.05
        ),
        Factor("w00000", level(sewage, 40.0), 0.10, 2, has_amount=True),
    ),
    flow=Flow("w00000", volume_per_minute=0.06, kilograms_per_unit=1e-3),
)

PROFILES: Mapping[str, KindProfile] = MappingProxyType(
    {
        PointKind.AIR_STATION: AIR,
        PointKind.MICRO_STATION: AIR,
        PointKind.STACK: STACK,
        PointKind.WASTEWATER: WASTEWATER,
    }
)
"""The point kinds the simulator can play; other kinds (noise, water sections) are skipped."""

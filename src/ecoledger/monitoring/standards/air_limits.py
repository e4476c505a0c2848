"""GB 3095 ambient air quality limits as data, chosen by date (standards.md §2.1, §2.2).

Three limit sets follow each other: GB 3095-2012 until 2026-02-28, the GB 3095-2026
transitional limits 2026-03-01 → 2030-12-31, and its final limits from 2031-01-01.
Gases (SO2, NO2, CO, O3, NOx) are at 298.15 K and 1013.25 hPa (2018 amendment, kept by
2026 §4.3); particulates and their components at actual conditions.

Pollutants: so2, no2, co (mg/m³), o3, pm10, pm25, tsp, nox, pb, bap (µg/m³).
Averaging: "annual", "quarterly", "24h", "8h" (daily max 8 h mean) and "1h".
Grade I applies to class-1 zones, grade II to class-2 zones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

GradeLimits = tuple[float, float]
"""(grade I, grade II)."""


@dataclass(frozen=True)
class AmbientLimitSet:
    name: str
    standard: str
    in_force_from: date
    limits: Mapping[tuple[str, str], GradeLimits]


_GB3095_2012: Final[Mapping[tuple[str, str], GradeLimits]] = MappingProxyType(
    {
        ("so2", "annual"): (20, 60),
        ("so2", "24h"): (50, 150),
        ("so2", "1h"): (150, 500),
        ("no2", "annual"): (40, 40),
        ("no2", "24h"): (80, 80),
        ("no2", "1h"): (200, 200),
        ("co", "24h"): (4, 4),
        ("co", "1h"): (10, 10),
        ("o3", "8h"): (100, 160),
        ("o3", "1h"): (160, 200),
        ("pm10", "annual"): (40, 70),
        ("pm10", "24h"): (50, 150),
        ("pm25", "annual"): (15, 35),
        ("pm25", "24h"): (35, 75),
        ("tsp", "annual"): (80, 200),
        ("tsp", "24h"): (120, 300),
        ("nox", "annual"): (50, 50),
        ("nox", "24h"): (100, 100),
        ("nox", "1h"): (250, 250),
        ("pb", "annual"): (0.5, 0.5),
        ("pb", "quarterly"): (1, 1),
        ("bap", "annual"): (0.001, 0.001),
        ("bap", "24h"): (0.0025, 0.0025),
    }
)

# GB 3095-2026 Table 1 and Table 2, transitional column: only PM changed from 2012.
_GB3095_2026_TRANSITIONAL: Final[Mapping[tuple[str, str], GradeLimits]] = MappingProxyType(
    {
        **_GB3095_2012,
        ("pm10", "annual"): (40, 60),
        ("pm10", "24h"): (50, 120),
        ("pm25", "annual"): (15, 30),
        ("pm25", "24h"): (35, 60),
    }
)

_GB3095_2026_FINAL: Final[Mapping[tuple[str, str], GradeLimits]] = MappingProxyType(
    {
        **_GB3095_2026_TRANSITIONAL,
        ("so2", "annual"): (20, 20),
        ("so2", "24h"): (50, 50),
        ("so2", "1h"): (150, 150),
        ("no2", "annual"): (30, 30),
        ("no2", "24h"): (50, 50),
        ("pm10", "annual"): (20, 50),
        ("pm10", "24h"): (50, 100),
        ("pm25", "annual"): (10, 25),
        ("pm25", "24h"): (25, 50),
        ("nox", "annual"): (40, 40),
        ("nox", "24h"): (70, 70),
    }
)

AMBIENT_LIMIT_SETS: Final = (
    AmbientLimitSet("2012", "GB 3095-2012", date.min, _GB3095_2012),
    AmbientLimitSet(
        "2026-transitional", "GB 3095-2026", date(2026, 3, 1), _GB3095_2026_TRANSITIONAL
    ),
    AmbientLimitSet("2026-final", "GB 3095-2026", date(2031, 1, 1), _GB3095_2026_FINAL),
)


def ambient_limit_set_for(on: date) -> AmbientLimitSet:
    """The GB 3095 limits in force on ``on``."""
    return [limits for limits in AMBIENT_LIMIT_SETS if limits.in_force_from <= on][-1]


def ambient_limit(pollutant: str, averaging: str, *, on: date, grade: int = 2) -> float:
    """The GB 3095 limit of ``pollutant`` over ``averaging`` in force on ``on``."""
    limits = ambient_limit_set_for(on)
    if grade not in (1, 2):
        raise ValueError(f"GB 3095 has grades 1 and 2, not {grade}")
    try:
        return limits.limits[(pollutant, averaging)][grade - 1]
    except KeyError:
        raise ValueError(
            f"{limits.standard} has no {averaging} limit for {pollutant!r}; it has "
            f"{sorted(limits.limits)}"
        ) from None


def meets_ambient_limit(
    values: ArrayLike, pollutant: str, averaging: str, *, on: date, grade: int = 2
) -> NDArray[np.bool_]:
    """True where a concentration is at or below the limit; a missing value (NaN) is False.

    A missing value is not evidence of compliance, so it never counts as meeting a limit.
    """
    limit = ambient_limit(pollutant, averaging, on=on, grade=grade)
    return np.asarray(values, dtype=np.float64) <= limit

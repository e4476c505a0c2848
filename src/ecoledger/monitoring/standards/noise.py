"""Environmental noise limits of GB 3096-2008, LAeq in dB(A) (standards.md §5).

Day is 06:00–22:00 and night 22:00–06:00 unless the local government sets other hours,
which the ``day_starts``/``night_starts`` arguments allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

NOISE_LIMITS: Final[Mapping[str, tuple[float, float]]] = MappingProxyType(
    {
        "0": (50, 40),
        "1": (55, 45),
        "2": (60, 50),
        "3": (65, 55),
        "4a": (70, 55),
        "4b": (70, 60),
    }
)
"""(day, night) LAeq limit by acoustic zone class."""

NIGHT_SUDDEN_NOISE_MARGIN: Final = 15.0
"""At night the maximum level of sudden noise may exceed the zone limit by at most 15 dB."""

DAY_STARTS: Final = 6
NIGHT_STARTS: Final = 22


def is_daytime(
    hours: ArrayLike, *, day_starts: int = DAY_STARTS, night_starts: int = NIGHT_STARTS
) -> NDArray[np.bool_]:
    """Whether each hour of day (0–23, or datetime64 values) falls in the daytime period."""
    array = np.asarray(hours)
    if np.issubdtype(array.dtype, np.datetime64):
        array = (array.astype("datetime64[h]") - array.astype("datetime64[D]")).astype(np.int64)
    return (array >= day_starts) & (array < night_starts)


def noise_limit(zone: str, daytime: ArrayLike) -> NDArray[np.float64]:
    """The LAeq limit of ``zone`` by day (True) or night (False)."""
    try:
        day, night = NOISE_LIMITS[zone]
    except KeyError:
        raise ValueError(
            f"unknown GB 3096 zone class {zone!r}; known: {list(NOISE_LIMITS)}"
        ) from None
    return np.where(np.asarray(daytime, dtype=np.bool_), day, night)


def meets_noise_limit(levels: ArrayLike, zone: str, daytime: ArrayLike) -> NDArray[np.bool_]:
    """True where LAeq is at or below the zone's limit; a missing level (NaN) is False."""
    return np.asarray(levels, dtype=np.float64) <= noise_limit(zone, daytime)


def meets_night_sudden_noise_limit(max_levels: ArrayLike, zone: str) -> NDArray[np.bool_]:
    """True where a night-time sudden noise Lmax is within the zone's night limit + 15 dB."""
    night_limit = noise_limit(zone, False)
    return np.asarray(max_levels, dtype=np.float64) <= night_limit + NIGHT_SUDDEN_NOISE_MARGIN

"""Whether a value is a valid measurement: device flags, declared windows, plausibility.

A value that is not valid never counts as an exceedance (nor towards an AQI or a water
class); it raises a data-quality alert instead. Three reasons, three kinds:

- ``device``: an HJ 212 data flag other than N and T (stopped F, maintenance M, manual
  set value S, fault D, calibration C, logger link B), or a time inside a declared
  maintenance or shutdown window of the point;
- ``out_of_range``: the flag T (above the instrument's range), or a value no instrument
  can truly measure (a negative concentration, pH 15, 120 % humidity);
- ``flat_line`` (in ``conditions``): the same value hour after hour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecoledger.monitoring.choices import INVALID_FLAGS, DataType

OVER_RANGE_FLAG: Final = "T"
DEVICE_FLAGS: Final = frozenset(INVALID_FLAGS - {OVER_RANGE_FLAG})

SIGNED: Final = frozenset({"a01001", "a01012", "a01013", "w01010"})
"""Temperatures and flue-gas static pressure: negative values are real."""

PLAUSIBLE_RANGES: Final[Mapping[str, tuple[float, float]]] = MappingProxyType(
    {
        "w01001": (0.0, 14.0),  # pH
        "a19001": (0.0, 21.0),  # O2 %: no flue gas holds more oxygen than air
        "a01002": (0.0, 100.0),  # ambient relative humidity %
        "a01014": (0.0, 100.0),  # flue-gas humidity %
        "a01008": (0.0, 360.0),  # wind direction °
    }
)
"""Physical bounds by HJ 212 code; any other unsigned quantity is bounded below by 0."""

SPAN_SECONDS: Final[Mapping[str, int]] = MappingProxyType(
    {DataType.REALTIME: 0, DataType.MINUTE: 60, DataType.HOUR: 3600, DataType.DAY: 86400}
)
"""How long a value of each data type stands for, from its time (HJ 212: the start)."""


def device_flagged(flags: ArrayLike) -> NDArray[np.bool_]:
    return np.isin(np.asarray(flags, dtype=np.str_), sorted(DEVICE_FLAGS))


def out_of_range(values: ArrayLike, flags: ArrayLike, code: str) -> NDArray[np.bool_]:
    """Flagged T, or outside what the quantity can physically be."""
    x = np.asarray(values, dtype=np.float64)
    low, high = PLAUSIBLE_RANGES.get(code, (-np.inf if code in SIGNED else 0.0, np.inf))
    with np.errstate(invalid="ignore"):
        implausible = (x < low) | (x > high)
    return implausible | (np.asarray(flags, dtype=np.str_) == OVER_RANGE_FLAG)


def in_windows(
    seconds: ArrayLike, data_type: str, windows: Sequence[tuple[float, float]]
) -> NDArray[np.bool_]:
    """Whether each value's span overlaps a declared window (start and end in seconds).

    An hourly value at 10:00 covers 10:00–11:00, so a window from 10:30 touches it: part
    of the hour was measured under maintenance; one from 11:00 does not. A real-time value
    is an instant, inside when within the window, ends included.
    """
    start = np.asarray(seconds, dtype=np.float64)
    span = SPAN_SECONDS.get(data_type, 0)
    inside = np.zeros(start.shape, dtype=np.bool_)
    for window_start, window_end in windows:
        if span:
            inside |= (start < window_end) & (start + span > window_start)
        else:
            inside |= (start >= window_start) & (start <= window_end)
    return inside

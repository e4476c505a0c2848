"""Judging one series into tracks: data quality, permit limits, water class.

Which kinds judge a series:

- hourly series: ``device``, ``out_of_range`` and ``flat_line`` (HJ 75/76 judge data
  validity on hourly values; real-time values of a steady process repeat legitimately),
  and ``water_class`` at a water section with a target class;
- the series whose data type is that of the point's permit limit for the parameter:
  ``exceedance``. Where a parameter has limits for several data types, the hourly one
  is judged (then daily, minute, real-time), since an alert key has no data type.

A value that is flagged, inside a declared window or implausible is SKIP for
``exceedance`` and ``water_class``: it never exceeds, it raises its data-quality alert.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import numpy as np
from numpy.typing import NDArray

from ecoledger.monitoring.alerts.conditions import (
    Mark,
    flag_marks,
    flat_marks,
    hysteresis_marks,
    relative_excess,
)
from ecoledger.monitoring.alerts.quality import device_flagged, in_windows, out_of_range
from ecoledger.monitoring.alerts.rules import Rule
from ecoledger.monitoring.alerts.series import Series
from ecoledger.monitoring.alerts.tracks import Track
from ecoledger.monitoring.choices import AlertKind, DataType, PointKind
from ecoledger.monitoring.models import MonitoringPoint, Parameter, PermitLimit
from ecoledger.monitoring.standards import at_reference_oxygen
from ecoledger.monitoring.standards.water import water_item
from ecoledger.org.choices import WaterBodyKind

OXYGEN: Final = "a19001"
NOMINAL_SPACING: Final[Mapping[str, int]] = MappingProxyType(
    {DataType.REALTIME: 30, DataType.MINUTE: 600, DataType.HOUR: 3600, DataType.DAY: 86400}
)
"""Seconds between two values of a data type when the device keeps to HJ 212 defaults."""

LIMIT_PREFERENCE: Final = (DataType.HOUR, DataType.DAY, DataType.MINUTE, DataType.REALTIME)

WATER_ITEMS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "w01001": "ph",
        "w01009": "do",
        "w01019": "codmn",
        "w01018": "cod",
        "w01017": "bod5",
        "w21003": "nh3n",
        "w21011": "tp",
        "w22001": "petroleum",
        "w23002": "volatile_phenol",
        "w21016": "cyanide",
        "w20111": "hg",
        "w20115": "cd",
        "w20119": "as",
        "w20120": "pb",
        "w20117": "cr6",
        "w20122": "cu",
        "w20123": "zn",
    }
)
"""HJ 212 code → GB 3838 routine item that sets a section's class."""

TO_MG_PER_L: Final[Mapping[str, float]] = MappingProxyType({"mg/L": 1.0, "µg/L": 0.001, "": 1.0})
"""GB 3838 is written in mg/L (pH without unit); a parameter in another unit is not judged."""

LAKE_KINDS: Final = frozenset({WaterBodyKind.LAKE, WaterBodyKind.RESERVOIR})


@dataclass(frozen=True)
class PointContext:
    """What judging a point's series needs besides its readings."""

    point: MonitoringPoint
    limits: Mapping[int, PermitLimit]
    """The judged limit of each parameter id (see the preference above)."""
    windows: Sequence[tuple[float, float]]
    """Declared maintenance or shutdown windows, as (start, end) seconds."""


def judged_limits(limits: Iterable[PermitLimit]) -> dict[tuple[int, int], PermitLimit]:
    """One limit per (point id, parameter id): the one whose data type comes first."""
    chosen: dict[tuple[int, int], PermitLimit] = {}
    for limit in sorted(limits, key=lambda row: LIMIT_PREFERENCE.index(row.data_type)):
        chosen.setdefault((limit.point_id, limit.parameter_id), limit)
    return chosen


def max_gap(point: MonitoringPoint, data_type: str) -> float:
    """Longer than this between two values is missing data, and breaks a run."""
    return 2.0 * max(NOMINAL_SPACING[data_type], point.expected_interval)


def series_tracks(
    series: Series,
    parameter: Parameter,
    context: PointContext,
    rules: Mapping[str, Rule],
    oxygen: Series | None,
) -> list[Track]:
    """The tracks of every kind that judges this series."""
    point = context.point
    windows = in_windows(series.seconds, series.data_type, context.windows)
    device = device_flagged(series.flags) | windows
    implausible = out_of_range(series.values, series.flags, parameter.code) & ~device
    valid = np.where(device | implausible, np.nan, series.values)
    judged = _Judged(series, parameter, point, max_gap(point, series.data_type))
    tracks = []
    if series.data_type == DataType.HOUR:
        tracks.append(judged.track(AlertKind.DEVICE, rules, flag_marks(device), series.values))
        tracks.append(
            judged.track(
                AlertKind.OUT_OF_RANGE, rules, flag_marks(implausible, skip=device), series.values
            )
        )
        tracks.append(_flat_line(judged, rules, valid))
        bounds = water_bounds(point, parameter)
        if bounds is not None:
            values = valid * TO_MG_PER_L[parameter.unit]
            tracks.append(judged.bounded(AlertKind.WATER_CLASS, rules, values, *bounds))
    limit = context.limits.get(parameter.pk)
    if limit is not None and limit.data_type == series.data_type:
        values = _compared_values(series, limit, oxygen)
        values[np.isnan(valid)] = np.nan
        tracks.append(
            judged.bounded(AlertKind.EXCEEDANCE, rules, values, limit.lower_limit, limit.limit)
        )
    return tracks


@dataclass(frozen=True)
class _Judged:
    """One series being judged; makes its tracks."""

    series: Series
    parameter: Parameter
    point: MonitoringPoint
    gap: float

    def track(
        self,
        kind: str,
        rules: Mapping[str, Rule],
        marks: NDArray[np.int8],
        values: NDArray[np.float64],
        *,
        consecutive: int | None = None,
        evidence: list[tuple[int, ...]] | None = None,
        lower: float | None = None,
        upper: float | None = None,
    ) -> Track:
        return Track(
            point=self.point,
            parameter=self.parameter,
            kind=kind,
            times=self.series.times,
            seconds=self.series.seconds,
            marks=marks,
            values=values,
            evidence=evidence or [(int(reading),) for reading in self.series.ids],
            consecutive=consecutive or rules[kind].consecutive,
            max_gap=self.gap,
            upper=upper,
            lower=lower,
        )

    def bounded(
        self,
        kind: str,
        rules: Mapping[str, Rule],
        values: NDArray[np.float64],
        lower: float | None,
        upper: float | None,
    ) -> Track:
        """A track of values against bounds, with the rule's hysteresis."""
        excess = relative_excess(values, upper=upper, lower=lower)
        marks = hysteresis_marks(excess, rules[kind].hysteresis)
        return self.track(kind, rules, marks, values, lower=lower, upper=upper)


def _flat_line(judged: _Judged, rules: Mapping[str, Rule], valid: NDArray[np.float64]) -> Track:
    """The rule's ``consecutive`` is the number of identical values that make a flat line;
    the track opens on the first value that completes one."""
    run = rules[AlertKind.FLAT_LINE].consecutive
    marks, starts = flat_marks(valid, judged.series.seconds, run=run, max_gap=judged.gap)
    evidence = _run_evidence(judged.series.ids, valid, marks, starts, run)
    return judged.track(AlertKind.FLAT_LINE, rules, marks, valid, consecutive=1, evidence=evidence)


def _compared_values(
    series: Series, limit: PermitLimit, oxygen: Series | None
) -> NDArray[np.float64]:
    """The values a limit is judged on: with a reference O2, the device's corrected value,
    or else the value corrected here from the O2 measured at the same time."""
    if limit.reference_oxygen is None:
        return series.values.copy()
    measured = np.full(series.values.shape, np.nan)
    if oxygen is not None:
        valid_oxygen = np.where(device_flagged(oxygen.flags), np.nan, oxygen.values)
        measured = oxygen.aligned(series.seconds, valid_oxygen)
    corrected = at_reference_oxygen(series.values, measured, limit.reference_oxygen)
    return np.where(np.isnan(series.converted), corrected, series.converted)


def water_bounds(
    point: MonitoringPoint, parameter: Parameter
) -> tuple[float | None, float | None] | None:
    """(lower, upper) of the parameter at the section's target class; None when the
    section, the item or its unit is not one GB 3838 judges."""
    key = WATER_ITEMS.get(parameter.code)
    target = point.target_class
    if (
        point.kind != PointKind.WATER_SECTION
        or key is None
        or target is None
        or not 1 <= target <= 5
        or parameter.unit not in TO_MG_PER_L
    ):
        return None
    body = point.water_body
    item = water_item(key, "lake" if body is not None and body.kind in LAKE_KINDS else "river")
    if item.direction == "range":
        return item.limits[0], item.limits[1]
    limit = item.limits[target - 1]
    return (limit, None) if item.direction == "min" else (None, limit)


def _run_evidence(
    ids: NDArray[np.int64],
    valid: NDArray[np.float64],
    marks: NDArray[np.int8],
    starts: NDArray[np.int64],
    run: int,
) -> list[tuple[int, ...]]:
    """Each reading proves itself; the value that completes a flat run proves the run."""
    evidence = [(int(rid),) for rid in ids]
    for index in np.flatnonzero(marks == Mark.BEYOND):
        members = np.arange(starts[index], index + 1)
        members = members[~np.isnan(valid[members])]
        if members.size == run:
            evidence[index] = tuple(int(rid) for rid in ids[members])
    return evidence

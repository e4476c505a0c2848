"""AQI tracks: each air station's real-time AQI, hour by hour, against the rule's level.

The AQI is a station's, not a parameter's: its alert has no parameter. An hour counts
when its AQI may be published (HJ 633-2026 §5.3) and lies outside the station's declared
maintenance windows; its evidence is the readings of its primary pollutants.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import numpy as np

from ecoledger.lib import clock
from ecoledger.monitoring.air_quality import (
    HOUR,
    MOVING_MEANS,
    HourlyGrid,
    hourly_grid,
    real_time_aqi,
)
from ecoledger.monitoring.alerts.conditions import Mark, hysteresis_marks, relative_excess
from ecoledger.monitoring.alerts.judges import max_gap
from ecoledger.monitoring.alerts.quality import in_windows
from ecoledger.monitoring.alerts.rules import Rule
from ecoledger.monitoring.alerts.tracks import Track
from ecoledger.monitoring.choices import AlertKind, DataType
from ecoledger.monitoring.models import MonitoringPoint

MOVING_CONTEXT = timedelta(hours=24)
"""The longest moving mean of a real-time input (PM, 2012) reaches a day back."""


def aqi_tracks(
    stations: Sequence[MonitoringPoint],
    starts: Mapping[int, datetime],
    rule: Rule,
    windows: Mapping[int, Sequence[tuple[float, float]]],
) -> list[Track]:
    """The AQI track of each station from its start on (one query for all of them)."""
    if not stations:
        return []
    ids = [station.pk for station in stations]
    grid = hourly_grid(ids, min(starts.values()) - MOVING_CONTEXT, clock.now() + HOUR)
    scored = real_time_aqi(grid)
    aqi = scored.publishable_aqi()
    threshold = float(rule.aqi_threshold)
    tracks = []
    for index, station in enumerate(stations):
        first = max(0, grid.column_of(starts[station.pk]))
        columns = first + np.flatnonzero(~np.isnan(aqi[index, first:]))
        times = [grid.hour_start(int(column)) for column in columns]
        seconds = np.array([moment.timestamp() for moment in times], dtype=np.float64)
        values = aqi[index, columns]
        marks = hysteresis_marks(relative_excess(values, upper=threshold), rule.hysteresis)
        marks[in_windows(seconds, DataType.HOUR, windows.get(station.pk, ()))] = Mark.SKIP
        tracks.append(
            Track(
                point=station,
                parameter=None,
                kind=AlertKind.AQI,
                times=times,
                seconds=seconds,
                marks=marks,
                values=values,
                evidence=[
                    _primary_readings(grid, scored.primary(index, int(c)), index, int(c))
                    for c in columns
                ],
                consecutive=rule.consecutive,
                max_gap=max_gap(station, DataType.HOUR),
                upper=threshold,
            )
        )
    return tracks


def _primary_readings(
    grid: HourlyGrid, primary: tuple[str, tuple[str, ...]], station: int, column: int
) -> tuple[int, ...]:
    """The readings of the hour behind its primary pollutants (a moving mean's own hour)."""
    rule_set, keys = primary
    pollutants = {MOVING_MEANS[rule_set].get(key, (key, 1))[0] for key in keys}
    readings = (int(grid.readings[pollutant][station, column]) for pollutant in sorted(pollutants))
    return tuple(reading for reading in readings if reading)

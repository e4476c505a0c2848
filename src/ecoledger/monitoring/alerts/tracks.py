"""A track: the judged values of one alert key, and what they change in its episodes.

The key is (point, parameter, kind); the parameter is None for a station's AQI and a
point's missing data. :func:`plan` continues from what the alerts already record, so
the same readings give the same alerts however they are split between runs:

- with an episode open, from its last BEYOND value on (later values, to clear it; and
  late-arriving BEYOND values within it, as evidence);
- with none open, from where the last episode cleared (or the track's start), so a run
  of opening values can span two runs of the job but never reopens a closed episode.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from ecoledger.monitoring.alerts.conditions import Mark, episodes, relative_excess
from ecoledger.monitoring.alerts.rules import Rule
from ecoledger.monitoring.models import MonitoringPoint, Parameter

AlertKey = tuple[int, int | None, str]


@dataclass(frozen=True)
class Track:
    """Judged values of one key, oldest first; ``evidence[i]`` are the reading ids of value i.

    ``upper``/``lower`` are the bounds a value is judged against, where there are any:
    they rank values by how far out they are, to keep the worst as the alert's peak.
    ``consecutive`` is how many BEYOND values in a row open an episode.
    """

    point: MonitoringPoint
    parameter: Parameter | None
    kind: str
    times: Sequence[datetime]
    seconds: NDArray[np.float64]
    marks: NDArray[np.int8]
    values: NDArray[np.float64]
    evidence: Sequence[tuple[int, ...]]
    consecutive: int
    max_gap: float
    upper: float | None = None
    lower: float | None = None

    @property
    def key(self) -> AlertKey:
        return (self.point.pk, self.parameter.pk if self.parameter else None, self.kind)

    @property
    def threshold(self) -> float | None:
        return self.upper if self.upper is not None else self.lower


class EpisodeState(Protocol):
    """What :func:`plan` reads of an active alert (an ``Alert`` row)."""

    opened_at: datetime
    last_seen_at: datetime
    peak: float | None


@dataclass(frozen=True)
class EpisodeChange:
    """One episode of a track: it continues ``alert`` (None: a new alert opens)."""

    alert: EpisodeState | None
    opened_at: datetime
    last_seen_at: datetime
    resolved_at: datetime | None
    peak: float | None
    evidence: frozenset[int]


def plan(
    track: Track, rule: Rule, *, active: EpisodeState | None, last_end: datetime | None
) -> list[EpisodeChange]:
    """The changes the track makes: to the ``active`` alert of its key, and new episodes.

    ``last_end`` is when the key's latest resolved episode cleared (None: never).
    Nothing is returned for an active alert the track neither extends nor clears.
    """
    times = track.times
    if active is not None:
        first = bisect_right(times, active.last_seen_at)
        late = [
            index
            for index in range(first)
            if times[index] >= active.opened_at and track.marks[index] == Mark.BEYOND
        ]
    else:
        first = bisect_left(times, last_end) if last_end is not None else 0
        late = []
    found = episodes(
        track.marks[first:],
        track.seconds[first:],
        consecutive=track.consecutive,
        clear_after=rule.clear_after,
        max_gap=track.max_gap,
        active=active is not None,
    )
    changes = []
    for episode in found:
        beyond = [first + index for index in episode.beyond]
        cleared = None if episode.cleared is None else times[first + episode.cleared]
        if episode.opened is not None:
            changes.append(
                EpisodeChange(
                    None,
                    times[first + episode.opened],
                    times[beyond[-1]],
                    cleared,
                    _peak(track, beyond, None),
                    _evidence(track, beyond),
                )
            )
        elif active is not None and (beyond or late or cleared is not None):
            seen = max([active.last_seen_at, *(times[index] for index in beyond)])
            changes.append(
                EpisodeChange(
                    active,
                    active.opened_at,
                    seen,
                    cleared,
                    _peak(track, beyond + late, active.peak),
                    _evidence(track, beyond + late),
                )
            )
    return changes


def _evidence(track: Track, indices: list[int]) -> frozenset[int]:
    return frozenset(reading for index in indices for reading in track.evidence[index])


def _peak(track: Track, indices: list[int], previous: float | None) -> float | None:
    """The worst value: the farthest beyond its bounds, or, without bounds, the latest."""
    candidates = [float(track.values[index]) for index in sorted(indices)]
    if previous is not None:
        candidates.insert(0, previous)
    if not candidates:
        return None
    if track.upper is None and track.lower is None:
        return candidates[-1]
    excess = relative_excess(candidates, upper=track.upper, lower=track.lower)
    return candidates[int(np.nanargmax(excess))] if not np.isnan(excess).all() else None

"""Which values of one series are beyond a threshold, and the episodes they make.

Pure functions over the time-ordered values of one point, parameter and alert kind, with
no Django import, so the persistence rules can be tested value by value.

Every value gets a :class:`Mark`:

- ``BEYOND``: past the threshold. Counts towards opening an alert; kept as evidence.
- ``WITHIN``: back inside by at least the hysteresis margin. Counts towards clearing.
- ``DEADBAND``: inside the threshold but not by the margin. It neither opens nor clears
  and breaks a run of clearing values, so a value hovering at the threshold keeps one
  episode open instead of opening a new one at every crossing.
- ``SKIP``: not a valid measurement for this kind (a device flag, a maintenance window).
  It neither counts nor breaks a run.

Times are seconds since the epoch. A gap longer than ``max_gap`` between two judged
values breaks a run of opening values: values a day apart are not "consecutive". It
also bounds how far back an evaluation must look to continue a run (see ``evaluate``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray


class Mark(IntEnum):
    SKIP = 0
    WITHIN = 1
    DEADBAND = 2
    BEYOND = 3


def relative_excess(
    values: ArrayLike, *, upper: float | None, lower: float | None = None
) -> NDArray[np.float64]:
    """How far each value lies outside ``lower`` … ``upper``, as a share of the bound it
    passes: positive outside, zero on a bound, negative inside, NaN where the value is.

    A share, not a difference, so one hysteresis (5 %) fits limits of any size.
    """
    x = np.asarray(values, dtype=np.float64)
    excess = np.full(x.shape, -np.inf)
    if upper is not None:
        excess = np.fmax(excess, (x - upper) / _scale(upper))
    if lower is not None:
        excess = np.fmax(excess, (lower - x) / _scale(lower))
    return np.where(np.isnan(x), np.nan, excess)


def _scale(bound: float) -> float:
    return abs(bound) or 1.0


def hysteresis_marks(excess: ArrayLike, hysteresis: float) -> NDArray[np.int8]:
    """BEYOND above zero, WITHIN at or below ``-hysteresis``, DEADBAND between, SKIP on NaN."""
    x = np.asarray(excess, dtype=np.float64)
    marks = np.full(x.shape, Mark.DEADBAND, dtype=np.int8)
    marks[x <= -hysteresis] = Mark.WITHIN
    marks[x > 0] = Mark.BEYOND
    marks[np.isnan(x)] = Mark.SKIP
    return marks


def flag_marks(beyond: ArrayLike, skip: ArrayLike | None = None) -> NDArray[np.int8]:
    """Marks of a yes/no condition (a device flag, an impossible value): no dead band."""
    marks = np.where(np.asarray(beyond, dtype=np.bool_), Mark.BEYOND, Mark.WITHIN)
    if skip is not None:
        marks = np.where(np.asarray(skip, dtype=np.bool_), Mark.SKIP, marks)
    return marks.astype(np.int8)


def flat_marks(
    values: ArrayLike, seconds: ArrayLike, *, run: int, max_gap: float
) -> tuple[NDArray[np.int8], NDArray[np.int64]]:
    """A stuck sensor repeats itself: BEYOND from the ``run``-th identical value in a row.

    A value that differs from the one before, or follows a gap longer than ``max_gap``,
    starts a new run. NaN values are SKIP and neither extend nor break a run. The marks
    depend only on earlier values, so evaluating in pieces gives what evaluating at once
    does. Also returns the index where each value's run began (-1 for SKIP): the evidence
    of a flat line is the whole run.
    """
    x = np.asarray(values, dtype=np.float64)
    t = np.asarray(seconds, dtype=np.float64)
    marks = np.full(x.shape, Mark.SKIP, dtype=np.int8)
    starts = np.full(x.shape, -1, dtype=np.int64)
    judged = np.flatnonzero(~np.isnan(x))
    if judged.size == 0:
        return marks, starts
    v, s = x[judged], t[judged]
    new_run = np.ones(judged.size, dtype=np.bool_)
    new_run[1:] = (v[1:] != v[:-1]) | (np.diff(s) > max_gap)
    run_of = np.cumsum(new_run) - 1
    first_of_run = np.flatnonzero(new_run)[run_of]
    position = np.arange(judged.size) - first_of_run
    marks[judged] = np.where(position + 1 >= run, Mark.BEYOND, Mark.WITHIN)
    starts[judged] = judged[first_of_run]
    return marks, starts


@dataclass(frozen=True)
class Episode:
    """One episode found in a sequence of marks (indices into that sequence).

    ``opened`` is the first value of the run that opened it, or None when it continues an
    episode already open before the sequence. ``cleared`` is the first value of the run
    that cleared it, or None while it lasts. ``beyond`` lists its BEYOND values.
    """

    opened: int | None
    beyond: tuple[int, ...]
    cleared: int | None


def episodes(
    marks: Sequence[int] | NDArray[np.int8],
    seconds: ArrayLike,
    *,
    consecutive: int,
    clear_after: int,
    max_gap: float,
    active: bool,
) -> list[Episode]:
    """The episodes in ``marks``, starting open when ``active``.

    Quiet: ``consecutive`` BEYOND values in a row (SKIP aside, no gap over ``max_gap``)
    open an episode at the first of them; WITHIN or DEADBAND starts the count again.
    Open: every BEYOND is evidence; ``clear_after`` WITHIN values in a row clear it at the
    first of them; BEYOND or DEADBAND starts that count again.
    """
    t = np.asarray(seconds, dtype=np.float64)
    found: list[Episode] = []
    current: list[int] | None = [] if active else None
    opened: int | None = None
    run: list[int] = []
    clearing: list[int] = []
    last_judged: float | None = None
    for index, mark in enumerate(marks):
        if mark == Mark.SKIP:
            continue
        gap_broken = last_judged is not None and t[index] - last_judged > max_gap
        last_judged = float(t[index])
        if current is None:
            if mark != Mark.BEYOND:
                run = []
                continue
            run = [index] if gap_broken else [*run, index]
            if len(run) >= consecutive:
                current, opened, run, clearing = run, run[0], [], []
        elif mark == Mark.WITHIN:
            clearing.append(index)
            if len(clearing) >= clear_after:
                found.append(Episode(opened, tuple(current), clearing[0]))
                current, opened, clearing = None, None, []
        else:
            clearing = []
            if mark == Mark.BEYOND:
                current.append(index)
    if current is not None:
        found.append(Episode(opened, tuple(current), None))
    return found

"""Simulated time: which minute tick k stands for, and when it may be sent.

Tick k stands for the interval starting at ``start + k·step``. It is due when two things
hold: the device's pace allows it (``k / rate`` seconds after the start) and the interval
it describes is over in wall-clock time — a logger cannot report a minute that has not
ended, and the receiver quarantines data from the future.

* ``rate ≤ 1/60`` (live): one tick every ``1/rate`` seconds, ``step`` the same period in
  whole minutes (``rate = 1/60`` sends each minute's data once that minute is over).
* ``rate > 1/60`` (time compression): each tick still advances DataTime by one minute, but
  ticks come ``rate`` times a second, starting in the past (by default just far enough
  back for ``duration`` to end near now). A high rate thus writes a long history quickly
  and every (MN, factor, DataTime) key stays unique. Once simulated time catches up with
  the wall clock the device goes on live, one tick per minute. ``rate = inf`` sends as
  fast as the platform acknowledges.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

MINUTE = timedelta(minutes=1)
DEFAULT_BACKFILL = timedelta(days=30)
"""How far back compressed time starts when the run has no duration or an unbounded rate."""


@dataclass(frozen=True, slots=True)
class Schedule:
    start: datetime
    step: timedelta
    period: float
    origin: float
    epoch_offset: float
    start_epoch: float

    @classmethod
    def plan(
        cls,
        *,
        rate: float,
        duration: float,
        zone: ZoneInfo,
        loop_time: float,
        start: datetime | None = None,
    ) -> Schedule:
        """The schedule of a run that begins at event-loop time ``loop_time``.

        ``start`` is the naive local DataTime of the first tick; when None, live runs start
        with the minute that just ended and compressed runs far enough back (see module).
        """
        if not rate > 0:
            raise ValueError(f"rate must be positive, not {rate}")
        wall = time.time()
        live = rate <= 1 / 60
        step = timedelta(minutes=max(1, round(1 / (60 * rate)))) if live else MINUTE
        if start is None:
            now = datetime.fromtimestamp(wall, zone).replace(tzinfo=None)
            now -= timedelta(
                minutes=now.minute % (step // MINUTE),
                seconds=now.second,
                microseconds=now.microsecond,
            )
            if live:
                back = step
            elif duration > 0 and math.isfinite(rate):
                back = MINUTE * math.ceil(duration * rate + 1)
            else:
                back = DEFAULT_BACKFILL
            start = now - back
        return cls(
            start=start,
            step=step,
            period=0.0 if math.isinf(rate) else 1 / rate,
            origin=loop_time,
            epoch_offset=loop_time - wall,
            start_epoch=start.replace(tzinfo=zone).timestamp(),
        )

    def data_time(self, tick: int) -> datetime:
        return self.start + tick * self.step

    def due(self, tick: int, phase: float = 0.0) -> float:
        """Event-loop time at which tick ``tick`` may go out; ``phase`` staggers devices."""
        paced = self.origin + tick * self.period
        ended = self.start_epoch + (tick + 1) * self.step.total_seconds() + self.epoch_offset
        return max(paced, ended) + phase

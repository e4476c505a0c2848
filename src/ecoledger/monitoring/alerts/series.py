"""The readings an evaluation reads: which series have new data, and their recent values.

A series is the readings of one point, parameter and data type, in time order. Readings
are never changed once stored (a retransmission is dropped by their unique key), so they
can be read before the points are locked without the risk of judging stale values.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

import numpy as np
from django.db.models import Min
from numpy.typing import NDArray

from ecoledger.monitoring.models import Reading

SeriesKey = tuple[int, int, str]
"""(point id, parameter id, data type)."""


@dataclass(frozen=True)
class Series:
    point_id: int
    parameter_id: int
    data_type: str
    ids: NDArray[np.int64]
    times: list[datetime]
    seconds: NDArray[np.float64]
    values: NDArray[np.float64]
    converted: NDArray[np.float64]
    """The device's oxygen-corrected value (HJ 212 ``ZsRtd``/``ZsAvg``); NaN where none."""
    flags: NDArray[np.str_]

    def aligned(self, seconds: NDArray[np.float64], values: NDArray[np.float64]) -> NDArray:
        """``values`` of this series at the given times; NaN where it has no value then."""
        if self.seconds.size == 0:
            return np.full(seconds.shape, np.nan)
        index = np.clip(np.searchsorted(self.seconds, seconds), 0, self.seconds.size - 1)
        return np.where(self.seconds[index] == seconds, values[index], np.nan)


def touched_series(
    since: datetime, until: datetime, data_types: Collection[str]
) -> dict[SeriesKey, datetime]:
    """Series of these data types with readings received in (since, until], each with
    the earliest time observed among them (a device may send old data late)."""
    rows = (
        Reading.objects.filter(
            received_at__gt=since, received_at__lte=until, data_type__in=list(data_types)
        )
        .values_list("point_id", "parameter_id", "data_type")
        .annotate(first=Min("observed_at"))
        .order_by()
    )
    return {(point, parameter, data_type): first for point, parameter, data_type, first in rows}


def load_series(
    point_ids: Collection[int], starts: Mapping[str, datetime]
) -> dict[SeriesKey, Series]:
    """Every series of these points observed from the start given for its data type;
    one query per data type."""
    loaded: dict[SeriesKey, Series] = {}
    for data_type, start in starts.items():
        rows = (
            Reading.objects.filter(
                point_id__in=list(point_ids), data_type=data_type, observed_at__gte=start
            )
            .order_by("point_id", "parameter_id", "observed_at")
            .values_list(
                "pk", "point_id", "parameter_id", "observed_at", "value", "converted", "flag"
            )
        )
        for (point_id, parameter_id), group in groupby(rows, key=lambda row: row[1:3]):
            loaded[(point_id, parameter_id, data_type)] = _series(
                point_id, parameter_id, data_type, list(group)
            )
    return loaded


def _series(point_id: int, parameter_id: int, data_type: str, rows: list[tuple]) -> Series:
    times = [row[3] for row in rows]
    return Series(
        point_id=point_id,
        parameter_id=parameter_id,
        data_type=data_type,
        ids=np.array([row[0] for row in rows], dtype=np.int64),
        times=times,
        seconds=np.array([moment.timestamp() for moment in times], dtype=np.float64),
        values=np.array([row[4] for row in rows], dtype=np.float64),
        converted=np.array([np.nan if row[5] is None else row[5] for row in rows]),
        flags=np.array([row[6] for row in rows], dtype=np.str_),
    )

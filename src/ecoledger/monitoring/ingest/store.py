"""Writing readings in batches, durably, exactly once.

One transaction per batch: readings and quarantined data commit together or
not at all, and only after the commit does the receiver acknowledge. The
unique key (point, parameter, data type, time) makes a retransmission a no-op:
the insert skips rows that exist (``INSERT … ON CONFLICT DO NOTHING``), which
both SQLite and PostgreSQL support. Plain ``executemany`` keeps the cost per
row to a tuple, which matters at tens of thousands of rows a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from ecoledger.monitoring.ingest.rows import QuarantineRow, ReadingRow

_READING_SQL = (
    "INSERT INTO monitoring_reading (point_id, parameter_id, data_type, observed_at, value, "
    "minimum, maximum, cumulative, converted, flag, received_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (point_id, parameter_id, data_type, observed_at) DO NOTHING"
)
_LATEST_SQL = (
    "INSERT INTO monitoring_latestreading (point_id, parameter_id, data_type, observed_at, "
    "value, flag, received_at) VALUES (%s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (point_id, parameter_id, data_type) DO UPDATE SET "
    "observed_at = excluded.observed_at, value = excluded.value, flag = excluded.flag, "
    "received_at = excluded.received_at "
    "WHERE excluded.observed_at > monitoring_latestreading.observed_at"
)
_QUARANTINE_SQL = (
    "INSERT INTO monitoring_quarantine (received_at, transport, peer, mn, point_id, reason, "
    "detail, raw) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)


@dataclass(frozen=True)
class StoreResult:
    readings: int
    inserted: int
    quarantined: int


def store_batch(
    readings: Sequence[ReadingRow], quarantined: Sequence[QuarantineRow], *, received_at: datetime
) -> StoreResult:
    """Commit a batch; returns how many readings were new (the rest were retransmissions)."""
    adapt = connection.ops.adapt_datetimefield_value
    received = adapt(received_at)
    with transaction.atomic(), connection.cursor() as cursor:
        before = _count_changes(cursor)
        if readings:
            cursor.executemany(_READING_SQL, [
                (r.point_id, r.parameter_id, r.data_type, adapt(r.observed_at), r.value,
                 r.minimum, r.maximum, r.cumulative, r.converted, r.flag, received)
                for r in readings
            ])
        inserted = _count_changes(cursor) - before if before is not None else cursor.rowcount
        if readings:
            cursor.executemany(_LATEST_SQL, _newest(readings, adapt, received))
        if quarantined:
            cursor.executemany(_QUARANTINE_SQL, [
                (received, q.transport, q.peer[:100], q.mn[:64], q.point_id, q.reason[:40],
                 q.detail, q.raw)
                for q in quarantined
            ])
    return StoreResult(len(readings), max(inserted, 0), len(quarantined))


def _newest(readings: Sequence[ReadingRow], adapt, received) -> list[tuple]:  # type: ignore[no-untyped-def]
    """One row per point, parameter and data type: the newest of the batch."""
    newest: dict[tuple[int, int, str], ReadingRow] = {}
    for row in readings:
        key = (row.point_id, row.parameter_id, row.data_type)
        kept = newest.get(key)
        if kept is None or row.observed_at > kept.observed_at:
            newest[key] = row
    return [
        (r.point_id, r.parameter_id, r.data_type, adapt(r.observed_at), r.value, r.flag, received)
        for r in newest.values()
    ]


def _count_changes(cursor) -> int | None:  # type: ignore[no-untyped-def]
    """SQLite's running count of changed rows; executemany's rowcount is not reliable there."""
    if connection.vendor != "sqlite":
        return None
    cursor.execute("SELECT total_changes()")
    return int(cursor.fetchone()[0])

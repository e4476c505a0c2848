"""Writing readings in batches, durably, exactly once.

One transaction per batch: readings and quarantined data commit together or
not at all, and only after the commit does the receiver acknowledge. The
unique key (point, parameter, data type, time) makes a retransmission a no-op:
the insert skips rows that exist (``INSERT … ON CONFLICT DO NOTHING``). Within
a batch the first row of a key wins, and the newest value per point, parameter
and data type — the first of equals — goes to ``LatestReading``.

Each database gets the strategy that is fast there. SQLite runs in-process:
multi-row ``INSERT … VALUES`` statements cost little more than binding the
values. PostgreSQL would parse, plan and answer one statement per row; instead
the rows are copied (``COPY``, formatted in C by psycopg) into a temporary
table and moved with one ``INSERT … SELECT`` per table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from operator import itemgetter
from typing import Any

from django.db import connection, transaction

from ecoledger.monitoring.ingest.rows import QuarantineRow, ReadingRow

_COLUMNS = (
    "point_id, parameter_id, data_type, observed_at, value, minimum, maximum, cumulative, "
    "converted, flag"
)
_KEY = "point_id, parameter_id, data_type"
_INSERT_READINGS = f"INSERT INTO monitoring_reading ({_COLUMNS}, received_at)"
_SKIP_EXISTING = f"ON CONFLICT ({_KEY}, observed_at) DO NOTHING"
_LATEST_COLUMNS = f"{_KEY}, observed_at, value, flag, received_at"
_LATEST_CONFLICT = (
    f"ON CONFLICT ({_KEY}) DO UPDATE SET "
    "observed_at = excluded.observed_at, value = excluded.value, flag = excluded.flag, "
    "received_at = excluded.received_at "
    "WHERE excluded.observed_at > monitoring_latestreading.observed_at"
)
_INSERT_LATEST = f"INSERT INTO monitoring_latestreading ({_LATEST_COLUMNS})"
_QUARANTINE_COLUMNS = "received_at, transport, peer, mn, point_id, reason, detail, raw"
_INSERT_QUARANTINE = f"INSERT INTO monitoring_quarantine ({_QUARANTINE_COLUMNS})"
_ROWS_PER_STATEMENT = 2500
"""SQLite: rows per INSERT (27,500 variables; SQLite allows 32,766 by default)."""

# PostgreSQL: the batch goes to a temporary table first; ``position`` keeps arrival order.
_BATCH_TABLE = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS ecoledger_reading_batch ("
    "position bigint GENERATED ALWAYS AS IDENTITY, point_id bigint, parameter_id bigint, "
    "data_type text, observed_at timestamptz, value double precision, "
    "minimum double precision, maximum double precision, cumulative double precision, "
    "converted double precision, flag text) ON COMMIT DELETE ROWS"
)
_COPY_BATCH = f"COPY ecoledger_reading_batch ({_COLUMNS}) FROM STDIN"
_MOVE_READINGS = (
    f"INSERT INTO monitoring_reading ({_COLUMNS}, received_at) "
    f"SELECT {_COLUMNS}, %s FROM ecoledger_reading_batch ORDER BY position "
    f"ON CONFLICT ({_KEY}, observed_at) DO NOTHING"
)
_MOVE_LATEST = (
    f"INSERT INTO monitoring_latestreading ({_LATEST_COLUMNS}) "
    f"SELECT DISTINCT ON ({_KEY}) {_KEY}, observed_at, value, flag, %s "
    f"FROM ecoledger_reading_batch ORDER BY {_KEY}, observed_at DESC, position "
    f"{_LATEST_CONFLICT}"
)
_SORT_IN_MEMORY = "SET LOCAL work_mem = '64MB'"
"""A batch's two sorts (arrival order, newest per series) stay off disk."""
_COPY_QUARANTINE = f"COPY monitoring_quarantine ({_QUARANTINE_COLUMNS}) FROM STDIN"

_OBSERVED_AT = itemgetter(3)
_SERIES = itemgetter(0, 1, 2)


@dataclass(frozen=True)
class StoreResult:
    readings: int
    inserted: int
    quarantined: int


def store_batch(
    readings: Sequence[ReadingRow], quarantined: Sequence[QuarantineRow], *, received_at: datetime
) -> StoreResult:
    """Commit a batch; returns how many readings were new (the rest were retransmissions)."""
    write = _copy_postgres if connection.vendor == "postgresql" else _insert_sqlite
    with transaction.atomic(), connection.cursor() as cursor:
        inserted = write(cursor, readings, quarantined, received_at)
    return StoreResult(len(readings), inserted, len(quarantined))


def _insert_sqlite(
    cursor: Any, readings: Sequence[ReadingRow], quarantined: Sequence[QuarantineRow],
    received_at: datetime,
) -> int:
    adapt: Callable[[datetime], str] = connection.ops.adapt_datetimefield_value
    received = adapt(received_at)
    # A packet's readings share one time, and devices the same minute: adapt each once.
    times = {moment: adapt(moment) for moment in set(map(_OBSERVED_AT, readings))}
    inserted = 0
    if readings:
        cursor.execute("SELECT total_changes()")  # an INSERT's rowcount is unreliable here
        before = cursor.fetchone()[0]
        _insert_rows(cursor, _INSERT_READINGS, _SKIP_EXISTING, [
            (point, parameter, kind, times[moment], value, low, high, amount, converted, flag,
             received)
            for point, parameter, kind, moment, value, low, high, amount, converted, flag
            in readings
        ])  # fmt: skip
        cursor.execute("SELECT total_changes()")
        inserted = int(cursor.fetchone()[0]) - before
        _insert_rows(cursor, _INSERT_LATEST, _LATEST_CONFLICT, [
            (row.point_id, row.parameter_id, row.data_type, times[row.observed_at], row.value,
             row.flag, received)
            for row in _newest(readings)
        ])  # fmt: skip
    if quarantined:
        _insert_rows(cursor, _INSERT_QUARANTINE, "", [
            (received, q.transport, q.peer[:100], q.mn[:64], q.point_id, q.reason[:40],
             q.detail, q.raw)
            for q in quarantined
        ])  # fmt: skip
    return inserted


def _insert_rows(cursor: Any, insert: str, conflict: str, rows: list[tuple[Any, ...]]) -> None:
    """``INSERT … VALUES (…), (…) …`` by ``_ROWS_PER_STATEMENT`` rows, in order.

    One statement per row would pay SQLite's per-statement work for each row, and
    release and retake the GIL for each: with the event loop busy parsing, every
    retake can wait a whole switch interval.
    """
    whole = len(rows) - len(rows) % _ROWS_PER_STATEMENT
    if whole:
        chunks = [list(chain.from_iterable(rows[start : start + _ROWS_PER_STATEMENT]))
                  for start in range(0, whole, _ROWS_PER_STATEMENT)]  # fmt: skip
        cursor.executemany(_values(insert, conflict, len(rows[0]), _ROWS_PER_STATEMENT), chunks)
    if whole < len(rows):
        rest = rows[whole:]
        cursor.execute(_values(insert, conflict, len(rest[0]), len(rest)),
                       list(chain.from_iterable(rest)))


def _values(insert: str, conflict: str, width: int, count: int) -> str:
    row = f"({', '.join(['%s'] * width)})"
    return f"{insert} VALUES {', '.join([row] * count)} {conflict}"


def _newest(readings: Sequence[ReadingRow]) -> list[ReadingRow]:
    """One row per point, parameter and data type: the newest, the first of equals.

    Sorted newest first (stable: equals keep arrival order), then reversed, so that in
    the dict the row kept for each series is the one that comes last.
    """
    ordered = sorted(readings, key=_OBSERVED_AT, reverse=True)
    ordered.reverse()
    return list(dict(zip(map(_SERIES, ordered), ordered, strict=True)).values())


def _copy_postgres(
    cursor: Any, readings: Sequence[ReadingRow], quarantined: Sequence[QuarantineRow],
    received_at: datetime,
) -> int:
    inserted = 0
    if readings:
        cursor.execute(_BATCH_TABLE)  # made once per session, again if a failed batch undid it
        cursor.execute(_SORT_IN_MEMORY)
        with cursor.cursor.copy(_COPY_BATCH) as copy:
            for row in readings:
                copy.write_row(row)
        cursor.execute(_MOVE_READINGS, [received_at])
        inserted = cursor.rowcount
        cursor.execute(_MOVE_LATEST, [received_at])
    if quarantined:
        with cursor.cursor.copy(_COPY_QUARANTINE) as copy:
            for q in quarantined:
                copy.write_row((received_at, q.transport, q.peer[:100], q.mn[:64], q.point_id,
                                q.reason[:40], q.detail, q.raw))
    return inserted

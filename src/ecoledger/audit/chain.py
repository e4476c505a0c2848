"""Hashing and verifying the audit chain.

The hash of an event is SHA-256 over a canonical JSON of every stored field
plus the previous event's hash. JSON is written with sorted keys and no
spaces, and times in UTC with microseconds, so SQLite and PostgreSQL give the
same bytes back for the same event.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "subject_type",
    "subject_id",
    "changes",
    "message",
    "request_id",
    "prev_hash",
)


def _canonical_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(fields: dict[str, Any]) -> str:
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["occurred_at"] = _canonical_time(payload["occurred_at"])
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold."""

    seq: int | None
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event seq {self.seq} (id {self.event_id})" if self.seq else "chain"
        return f"{where}: {self.reason}"


def find_break(
    rows: Iterable[dict[str, Any]], *, head_seq: int, head_hash: str
) -> tuple[int, Break | None]:
    """Walk events in stored ``seq`` order; return how many held and the first break."""
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    for row in rows:
        problem = _check_row(row, expected_seq, expected_prev)
        if problem:
            return checked, Break(row["seq"], row["id"], problem)
        checked += 1
        expected_seq, expected_prev = row["seq"] + 1, row["hash"]
    if checked != head_seq or (checked and expected_prev != head_hash):
        return checked, Break(
            None,
            None,
            f"the chain ends at seq {checked} but its head records seq {head_seq}: "
            "events at the end were removed or the head was altered",
        )
    return checked, None


def _check_row(row: dict[str, Any], expected_seq: int, expected_prev: str) -> str | None:
    if row["seq"] != expected_seq:
        if row["seq"] > expected_seq:
            return (
                f"expected seq {expected_seq} next but found seq {row['seq']}: "
                "events were removed before it"
            )
        return f"seq {row['seq']} appears again after seq {expected_seq - 1}"
    if row["prev_hash"] != expected_prev:
        return (
            "its previous-hash does not match the hash of the event before it: "
            "events were removed, inserted or reordered"
        )
    if event_hash(row) != row["hash"]:
        return "its content does not match its hash: the row was altered"
    return None


def iter_rows(queryset: Any, chunk_size: int = 2000) -> Iterator[dict[str, Any]]:
    yield from queryset.order_by("seq").values("id", "hash", *HASHED_FIELDS).iterator(
        chunk_size=chunk_size
    )

"""Writing to the audit chain. Services call ``record`` inside their own transaction.

Appending locks the chain head row: on PostgreSQL with SELECT … FOR UPDATE,
on SQLite by the IMMEDIATE transaction every write already holds. So every
event gets the next sequence number and the hash of the event before it, and
an event commits or rolls back together with the change it describes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction

from ecoledger.audit.chain import (
    GENESIS_HASH,
    Break,
    event_hash,
    find_break,
    iter_rows,
)
from ecoledger.audit.models import ChainHead, Event
from ecoledger.lib import clock
from ecoledger.lib.requests import current_request_id


@dataclass
class Entry:
    """One event to append, before it has a place in the chain."""

    action: str
    actor: Any
    target: models.Model
    subject: models.Model | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)
    message: str = ""
    occurred_at: datetime | None = None


@transaction.atomic
def record(
    action: str,
    *,
    actor: Any,
    target: models.Model,
    subject: models.Model | None = None,
    changes: dict[str, list[Any]] | None = None,
    message: str = "",
) -> Event:
    """Append one event; ``subject`` is the aggregate whose timeline shows it (default: target)."""
    event = Event(**_chained([Entry(action, actor, target, subject, changes or {}, message)])[0])
    Event.objects.bulk_create([event])
    return event


@transaction.atomic
def record_many(entries: Sequence[Entry]) -> None:
    """Append events in order; bulk paths (seeding, import) write thousands at once.

    The rows go in with one ``executemany`` of their column values, prepared
    as ``bulk_create`` prepares them (the backend's adapters for the time and
    the JSON), without building a model instance per event: an import of ten
    thousand ledger rows appends some seventy thousand events.
    """
    fields = _chained(entries)
    if not fields:
        return
    ops = connection.ops
    adapt_time, adapt_json = ops.adapt_datetimefield_value, ops.adapt_json_value
    encoder = Event._meta.get_field("changes").encoder  # type: ignore[union-attr]
    rows = [
        (item["seq"], adapt_time(item["occurred_at"]), item["actor_id"], item["actor_name"],
         item["action"], item["target_type"], item["target_id"], item["target_repr"],
         item["subject_type"], item["subject_id"], adapt_json(item["changes"], encoder),
         item["message"], item["request_id"], item["prev_hash"], item["hash"])
        for item in fields
    ]
    with connection.cursor() as cursor:
        cursor.executemany(_insert_sql(), rows)


def _insert_sql() -> str:
    """The INSERT of one event, its columns in the order ``record_many`` lays out its rows."""
    names = ("seq", "occurred_at", "actor_id", "actor_name", "action", "target_type",
             "target_id", "target_repr", "subject_type", "subject_id", "changes", "message",
             "request_id", "prev_hash", "hash")
    quote = connection.ops.quote_name
    columns = ", ".join(quote(Event._meta.get_field(name).column) for name in names)
    return (f"INSERT INTO {quote(Event._meta.db_table)} ({columns}) "
            f"VALUES ({', '.join(['%s'] * len(names))})")


def _chained(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """The entries' stored fields, each with its place and hash; the head moved past them."""
    head = _locked_head()
    chained: list[dict[str, Any]] = []
    seq, prev_hash = head.last_seq, head.last_hash
    request_id = current_request_id.get()
    for entry in entries:
        seq += 1
        fields = _fields(entry, seq, prev_hash, request_id)
        fields["hash"] = prev_hash = event_hash(fields)
        chained.append(fields)
    if chained:
        ChainHead.objects.filter(pk=head.pk).update(last_seq=seq, last_hash=prev_hash)
    return chained


def _locked_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.bulk_create(
            [ChainHead(pk=1, last_seq=0, last_hash=GENESIS_HASH)], ignore_conflicts=True
        )
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def _fields(entry: Entry, seq: int, prev_hash: str, request_id: str) -> dict[str, Any]:
    subject = entry.subject or entry.target
    actor = entry.actor if getattr(entry.actor, "is_authenticated", False) else None
    return {
        "seq": seq,
        "occurred_at": entry.occurred_at or clock.now(),
        "actor_id": actor.pk if actor else None,
        "actor_name": str(actor)[:150] if actor else "",
        "action": entry.action,
        "target_type": entry.target._meta.label_lower,
        "target_id": str(entry.target.pk),
        "target_repr": str(entry.target)[:200],
        "subject_type": subject._meta.label_lower,
        "subject_id": str(subject.pk),
        "changes": json_safe(entry.changes),
        "message": entry.message,
        "request_id": request_id,
        "prev_hash": prev_hash,
    }


def json_safe(value: Any) -> Any:
    """Plain JSON values that read back identically from SQLite and PostgreSQL."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_safe(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Before/after pairs of the fields that differ."""
    return {
        name: [before.get(name), after[name]]
        for name in after
        if json_safe(before.get(name)) != json_safe(after[name])
    }


def verify_chain() -> tuple[int, Break | None]:
    """Recompute the whole chain; the first break, if any, names the event."""
    head = ChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    return find_break(iter_rows(Event.objects.all()), head_seq=head_seq, head_hash=head_hash)


def timeline(subject: models.Model) -> Iterable[Event]:
    return Event.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
    ).order_by("seq")

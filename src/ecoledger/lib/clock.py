"""The platform's one clock.

Services read the time here rather than from ``timezone.now()`` so that the
demo can replay a year of history with believable timestamps and tests can
stand on a fixed day. Nothing else changes the time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("ecoledger_frozen_now", default=None)


def now() -> datetime:
    return _frozen.get() or timezone.now()


def today() -> date:
    """The local date (the configured time zone): deadlines are local dates."""
    return timezone.localdate(now())


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)

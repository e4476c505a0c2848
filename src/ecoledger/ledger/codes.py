"""Problem codes: prefix-year-sequence (ZG-2026-000123), unique under concurrent registration.

The counter row is incremented with one UPDATE inside the registering
transaction: PostgreSQL holds the row lock until commit and SQLite's
IMMEDIATE transactions hold the write lock, so two registrations can never
read the same number, and a rolled-back registration returns its number.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import F

from ecoledger.ledger.models import CodeSequence


def next_code(year: int) -> str:
    prefix = settings.PROBLEM_CODE_PREFIX
    counter = CodeSequence.objects.filter(prefix=prefix, year=year)
    if not counter.update(last_number=F("last_number") + 1):
        CodeSequence.objects.bulk_create(
            [CodeSequence(prefix=prefix, year=year, last_number=0)], ignore_conflicts=True
        )
        counter.update(last_number=F("last_number") + 1)
    number = counter.values_list("last_number", flat=True).get()
    return format_code(prefix, year, number)


def format_code(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


def reserve_codes(year: int, count: int) -> list[str]:
    """Hand out ``count`` consecutive codes at once (bulk loading)."""
    prefix = settings.PROBLEM_CODE_PREFIX
    counter = CodeSequence.objects.filter(prefix=prefix, year=year)
    CodeSequence.objects.bulk_create(
        [CodeSequence(prefix=prefix, year=year, last_number=0)], ignore_conflicts=True
    )
    counter.update(last_number=F("last_number") + count)
    last = counter.values_list("last_number", flat=True).get()
    return [format_code(prefix, year, number) for number in range(last - count + 1, last + 1)]

"""Problem codes: prefix-year-sequence (ZG-2026-000123), unique under concurrent registration.

The counter row is incremented with one UPDATE inside the registering
transaction: PostgreSQL holds the row lock until commit and SQLite's
IMMEDIATE transactions hold the write lock, so two registrations can never
read the same number, and a rolled-back registration returns its number.
"""

from __future__ import annotations

import re

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


def claim_code(code: str) -> None:
    """Move the counter past a code given from outside in the platform's own shape.

    An imported ledger keeps its own codes (问题编号); one that the platform
    itself once issued (an export imported elsewhere) must never be handed
    out again by ``next_code``.
    """
    prefix = settings.PROBLEM_CODE_PREFIX
    claimed = _platform_shape(prefix, code)
    if claimed is None:
        return
    year, number = claimed
    CodeSequence.objects.bulk_create(
        [CodeSequence(prefix=prefix, year=year, last_number=0)], ignore_conflicts=True
    )
    CodeSequence.objects.filter(prefix=prefix, year=year, last_number__lt=number).update(
        last_number=number
    )


def _platform_shape(prefix: str, code: str) -> tuple[int, int] | None:
    match = re.fullmatch(rf"{re.escape(prefix)}-(\d{{4}})-(\d+)", code)
    return (int(match[1]), int(match[2])) if match else None


class CodeBatch:
    """``next_code`` and ``claim_code`` for problems registered one after another in one
    transaction (a batch import), each counter read once and written once.

    Each problem gets the code the two functions called in the same order
    would give it, and the counters end where they would leave them. A
    counter row is locked when first read (on PostgreSQL; SQLite's write
    transaction holds the database) until the transaction ends, as theirs are.
    """

    def __init__(self, *, dry_run: bool = False) -> None:
        self.prefix = settings.PROBLEM_CODE_PREFIX
        self.dry_run = dry_run  # read the counters, never write or lock them (a dry run)
        self.read: dict[int, int] = {}
        self.last: dict[int, int] = {}

    def _counter(self, year: int) -> int:
        if year not in self.last:
            counter = CodeSequence.objects.filter(prefix=self.prefix, year=year)
            if not self.dry_run:
                CodeSequence.objects.bulk_create(
                    [CodeSequence(prefix=self.prefix, year=year, last_number=0)],
                    ignore_conflicts=True,
                )
                counter = counter.select_for_update()
            number = counter.values_list("last_number", flat=True).first() or 0
            self.read[year] = self.last[year] = number
        return self.last[year]

    def next(self, year: int) -> str:
        self.last[year] = self._counter(year) + 1
        return format_code(self.prefix, year, self.last[year])

    def claim(self, code: str) -> None:
        claimed = _platform_shape(self.prefix, code)
        if claimed is not None:
            year, number = claimed
            self.last[year] = max(self._counter(year), number)

    def save(self) -> None:
        assert not self.dry_run
        for year, number in self.last.items():
            if number != self.read[year]:
                CodeSequence.objects.filter(prefix=self.prefix, year=year).update(
                    last_number=number)

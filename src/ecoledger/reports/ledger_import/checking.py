"""Reading a stored ledger file and checking all its rows: the dry run's verdict.

Duplicated rows (the same key twice in the file) are refused after their
first, rows already imported are counted apart, and a code already borne by
a problem that did not come from this ledger is an error of its row. The
database is asked in bulk, so checking ten thousand rows takes seconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ecoledger.ledger.models import Problem
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.models import User
from ecoledger.reports.ledger_columns import BY_KEY
from ecoledger.reports.ledger_import.directory import Directory
from ecoledger.reports.ledger_import.headers import (
    Layout,
    Mapped,
    find_layout,
    imported_keys,
    map_headers,
)
from ecoledger.reports.ledger_import.reading import Sheet, read_sheets
from ecoledger.reports.ledger_import.records import Record, RowError, records
from ecoledger.reports.ledger_import.rows import Context, LedgerRow, check_record
from ecoledger.reports.models import HeaderMapping, ImportedRow, LedgerImport

BATCH = 500


@dataclass
class Reading:
    """A ledger file read: each ledger sheet with its header and the mapping of its headers."""

    sheets: list[tuple[Sheet, Layout, list[Mapped]]]
    skipped: list[str] = field(default_factory=list)  # sheets without a ledger header

    def mapped(self) -> list[Mapped]:
        """Every distinct header of the file with its column, in the order first met."""
        seen: dict[str, Mapped] = {}
        for _sheet, _layout, mapped in self.sheets:
            for item in mapped:
                seen.setdefault(item.header.name, item)
        return list(seen.values())


# The sheets of the file read last, by its digest and name: the command line checks a file and
# then imports it in one process, and reading a large workbook is a good part of either.
_last_read: dict[tuple[str, str], list[Sheet]] = {}


def _sheets(ledger_import: LedgerImport) -> list[Sheet]:
    key = (ledger_import.sha256, ledger_import.original_name)
    if key not in _last_read:
        with ledger_import.file.open("rb") as handle:
            sheets = read_sheets(handle, ledger_import.original_name)
        _last_read.clear()
        _last_read[key] = sheets
    return _last_read[key]


def read_ledger(ledger_import: LedgerImport) -> Reading:
    """The stored file's ledger sheets; InvalidInput when it has none or cannot be read."""
    sheets = _sheets(ledger_import)
    found = [(sheet, layout) for sheet in sheets if (layout := find_layout(sheet)) is not None]
    if not found:
        raise InvalidInput.field("file", _(
            "No sheet of %(name)s has a header row naming at least three ledger columns "
            "(问题编号, 问题描述, 所属区县, 完成情况 …).") % {"name": ledger_import.original_name})
    chosen = remembered_mapping([layout.signature for _sheet, layout in found])
    chosen.update(ledger_import.mapping)
    layouts = {sheet.name for sheet, _layout in found}
    return Reading(
        [(sheet, layout, map_headers(layout, chosen)) for sheet, layout in found],
        [sheet.name for sheet in sheets if sheet.name not in layouts],
    )


def remembered_mapping(signatures: Iterable[str]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for saved in HeaderMapping.objects.filter(signature__in=list(signatures)):
        chosen.update(saved.mapping)
    return chosen


@dataclass
class Verdict:
    total: int = 0
    rows: list[LedgerRow] = field(default_factory=list)  # valid and not yet imported
    existing: int = 0
    errors: list[RowError] = field(default_factory=list)
    per_sheet: Counter[str] = field(default_factory=Counter)

    @property
    def refused(self) -> int:
        return len({(error.sheet, error.row) for error in self.errors})


def check_rows(reading: Reading, user: User) -> Verdict:
    context = Context(user, Directory(), clock.today())
    verdict = Verdict()
    first: dict[str, Record] = {}
    unique: list[Record] = []
    for sheet, layout, mapped in reading.sheets:
        for record in records(sheet, layout, imported_keys(mapped)):
            verdict.total += 1
            verdict.per_sheet[sheet.name] += 1
            earlier = first.setdefault(record.key, record)
            if earlier is record:
                unique.append(record)
            else:
                verdict.errors.append(_duplicate(record, earlier))
    existing = _existing_keys([record.key for record in unique])
    for record in unique:
        if record.key in existing:
            verdict.existing += 1
            continue
        checked = check_record(record, context)
        if isinstance(checked, list):
            verdict.errors.extend(checked)
        else:
            verdict.rows.append(checked)
    taken = _taken_codes([row.code for row in verdict.rows if row.code])
    verdict.errors.extend(
        row.record.error("code", _("The code %(code)s is already another problem's.") % {
            "code": row.code})
        for row in verdict.rows if row.code in taken
    )
    verdict.rows = [row for row in verdict.rows if row.code not in taken]
    order = {sheet.name: index for index, (sheet, _layout, _mapped) in enumerate(reading.sheets)}
    verdict.errors.sort(key=lambda error: (order.get(error.sheet, 0), error.row))
    return verdict


def _duplicate(record: Record, earlier: Record) -> RowError:
    where = (str(earlier.number) if earlier.sheet == record.sheet
             else f"{earlier.sheet}!{earlier.number}")
    if record.text("code"):
        return record.error("code", _("The code %(code)s is already on row %(row)s.") % {
            "code": record.text("code"), "row": where})
    return record.error("", _("The same row as row %(row)s.") % {"row": where})


def _existing_keys(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), BATCH):
        chunk = keys[start:start + BATCH]
        found.update(ImportedRow.objects.filter(key__in=chunk).values_list("key", flat=True))
    return found


def _taken_codes(codes: list[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(codes), BATCH):
        chunk = codes[start:start + BATCH]
        taken.update(Problem.objects.filter(code__in=chunk).values_list("code", flat=True))
    return taken


def summarise(reading: Reading, verdict: Verdict) -> dict[str, Any]:
    """What the page and the command line show of a check: counts, and where columns went."""
    return {
        "rows": verdict.total,
        "new": len(verdict.rows),
        "existing": verdict.existing,
        "refused": verdict.refused,
        "by_status": dict(Counter(row.status for row in verdict.rows)),
        "by_district": dict(Counter(row.district_name for row in verdict.rows)),
        "sheets": [{"name": sheet.name, "header_rows": list(layout.header_rows),
                    "rows": verdict.per_sheet[sheet.name]}
                   for sheet, layout, _mapped in reading.sheets],
        "skipped_sheets": reading.skipped,
        "columns": [{"header": item.header.text, "column": item.key or "",
                     "imported": bool(item.key) and BY_KEY[item.key].imported}
                    for item in reading.mapped()],
    }

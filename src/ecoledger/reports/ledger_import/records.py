"""The data rows of a ledger sheet, each with its cells by column and its key.

Blank rows are skipped (a row whose only text is a pre-printed 序号 is blank),
and so is a row of column numbers (1, 2, 3 …) right under the header, as
printed ledgers have.
A row's key is what makes importing it twice make nothing new: the ledger's
own code (问题编号) when it has one, else a digest of its normalised content.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ecoledger.reports.ledger_columns import BY_KEY
from ecoledger.reports.ledger_import.headers import Layout
from ecoledger.reports.ledger_import.reading import Sheet
from ecoledger.reports.ledger_words import cell_text, normalise


@dataclass(frozen=True)
class RowError:
    """Why a row is refused: where (the row as the spreadsheet numbers it, the header) and why."""

    sheet: str
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "reason": self.reason}


@dataclass(frozen=True)
class Record:
    sheet: str
    number: int
    cells: dict[str, Any]  # column key → the raw cell, for the columns the import reads
    headers: dict[str, str]  # column key → its header as this file writes it
    shown: list[tuple[str, str]] = field(default_factory=list)  # the whole row, as written

    def header(self, key: str) -> str:
        return self.headers.get(key) or BY_KEY[key].header

    def text(self, key: str) -> str:
        return cell_text(self.cells.get(key))

    @property
    def key(self) -> str:
        code = self.text("code")
        if code:
            return f"code:{code}"
        content = {key: normalise(cell_text(value)) for key, value in self.cells.items()}
        digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
        return f"row:{digest}"

    def error(self, key: str, reason: str) -> RowError:
        return RowError(self.sheet, self.number, self.header(key) if key else "", reason)


def records(sheet: Sheet, layout: Layout, keys: dict[int, str]) -> Iterator[Record]:
    """The sheet's non-blank data rows, below its header."""
    headers = {key: header.text for header in layout.headers
               if (key := keys.get(header.index)) is not None}
    for number in range(layout.first_data_row, len(sheet.rows) + 1):
        row = sheet.rows[number - 1]
        if number == layout.first_data_row and _column_numbers(row):
            continue
        cells = {key: row[index] if index < len(row) else None for index, key in keys.items()}
        if not any(cell_text(value) for value in cells.values()):
            continue
        shown = [(header.text, cell_text(row[header.index])) for header in layout.headers
                 if header.index < len(row) and cell_text(row[header.index])]
        yield Record(sheet.name, number, cells, headers, shown)


def _column_numbers(row: tuple[Any, ...]) -> bool:
    filled = [(index, cell_text(value)) for index, value in enumerate(row) if cell_text(value)]
    return len(filled) >= 3 and all(text == str(index + 1) for index, text in filled)

"""Finding a sheet's header row and mapping its headers to the ledger's columns.

Ledgers seldom start at row 1: a title, a unit's name or notes come first,
and headers are often merged over two rows (a group such as 整改情况 above
整改措施, 整改进展, 完成情况). The header is the row, or the pair of rows read
as one (the lower cell where it has text, else the upper), that names the
most known columns. A header that no synonym recognises is mapped by the
user, and that choice is remembered for the layout: the digest of its
normalised header row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecoledger.reports.ledger_columns import BY_KEY, column_for_header
from ecoledger.reports.ledger_import.reading import Sheet
from ecoledger.reports.ledger_words import cell_text, normalise

SEARCHED_ROWS = 30
MIN_KNOWN = 3  # fewer known headers than this: not a ledger sheet (notes, option lists)


@dataclass(frozen=True)
class Header:
    index: int  # the column's position in the sheet, from 0
    text: str  # as the file shows it

    @property
    def name(self) -> str:
        """The normalised text, under which mappings are kept."""
        return normalise(self.text)


@dataclass(frozen=True)
class Layout:
    sheet: str
    header_rows: tuple[int, ...]  # the sheet's row numbers (from 1) that hold the header
    headers: tuple[Header, ...]

    @property
    def first_data_row(self) -> int:
        return self.header_rows[-1] + 1

    @property
    def signature(self) -> str:
        names = "\x1f".join(header.name for header in self.headers)
        return hashlib.sha256(names.encode()).hexdigest()


def find_layout(sheet: Sheet) -> Layout | None:
    """The sheet's header, or None when no row names enough ledger columns."""
    best: tuple[tuple[int, int, int], Layout] | None = None
    top = sheet.rows[:SEARCHED_ROWS]
    known = [_known(_texts(row)) for row in top]
    for index, row in enumerate(top):
        candidates = [((index + 1,), _texts(row))]
        if index + 1 < len(top):
            merged = [b or a for a, b in _pairs(_texts(row), _texts(top[index + 1]))]
            candidates.append(((index + 1, index + 2), merged))
        for rows, texts in candidates:
            # Most known columns wins; on a tie, the rows that are headers each on their own
            # (a two-row header, not a title above a header), then one row, the earliest.
            rank = (_known(texts), sum(known[number - 1] for number in rows), 2 - len(rows))
            if rank[0] >= MIN_KNOWN and (best is None or rank > best[0]):
                headers = tuple(Header(i, text) for i, text in enumerate(texts) if text)
                best = (rank, Layout(sheet.name, rows, headers))
    return best[1] if best else None


def _known(texts: list[str]) -> int:
    return sum(1 for text in texts if text and column_for_header(text))


def _texts(row: tuple[Any, ...]) -> list[str]:
    return [" ".join(cell_text(value).split()) for value in row]


def _pairs(upper: list[str], lower: list[str]) -> list[tuple[str, str]]:
    width = max(len(upper), len(lower))
    return [(upper[i] if i < len(upper) else "", lower[i] if i < len(lower) else "")
            for i in range(width)]


@dataclass(frozen=True)
class Mapped:
    """Where one header goes: a column key, "" to leave it aside, or None if nobody said yet."""

    header: Header
    key: str | None
    source: str  # "chosen" (by a user, now or before), "recognised", "repeated" or ""


def map_headers(layout: Layout, chosen: Mapping[str, str]) -> list[Mapped]:
    """Each header's column: as chosen by a user, else recognised by its name or a synonym.

    A column is filled from one header only. The same header again (a header
    merged over two columns) is left aside; another header for a column
    already taken is left for the user to decide.
    """
    mapped: list[Mapped] = []
    taken: set[str] = set()
    seen: set[str] = set()
    for header in layout.headers:
        if header.name in seen:
            mapped.append(Mapped(header, "", "repeated"))
            continue
        seen.add(header.name)
        if header.name in chosen:
            key, source = chosen[header.name], "chosen"
        else:
            column = column_for_header(header.text)
            key, source = (column.key, "recognised") if column else (None, "")
        if key and key in taken:
            key, source = None, ""
        if key:
            taken.add(key)
        mapped.append(Mapped(header, key, source))
    return mapped


def unmapped(mapped: list[Mapped]) -> list[Header]:
    return [item.header for item in mapped if item.key is None]


def imported_keys(mapped: list[Mapped]) -> dict[int, str]:
    """Sheet column index → column key, for the columns the import reads."""
    return {item.header.index: item.key for item in mapped
            if item.key and BY_KEY[item.key].imported}

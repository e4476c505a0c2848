"""Reading a ledger file into sheets of raw rows: .xlsx (read-only) or .csv in any usual encoding.

An .xlsx is checked by its content like any upload (``lib.uploads``); a
merged cell's value is read into every cell it covers, as the eye reads a
district merged over its rows. A .csv
has no signature to sniff, so it is checked as text: within the size limit,
no NUL bytes, and decodable as UTF-8 (with or without BOM), UTF-16 (with
BOM, as Excel's "Unicode text") or GB18030, which includes GBK and GB2312.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any
from xml.etree.ElementTree import iterparse

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from ecoledger.lib.errors import InvalidInput
from ecoledger.lib.uploads import inspect_upload

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv"


@dataclass(frozen=True)
class LedgerFile:
    name: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Sheet:
    """One sheet's cells as read; ``rows[0]`` is the sheet's row 1."""

    name: str
    rows: list[tuple[Any, ...]]


def inspect_ledger_file(upload: IO[bytes], name: str) -> LedgerFile:
    """Size and type of an uploaded ledger; InvalidInput on ``file`` says what is wrong."""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx":
        facts = inspect_upload(upload, name)
        if facts.content_type != XLSX_TYPE:
            raise InvalidInput.field("file", _("%(name)s is not an Excel workbook.") % {
                "name": name})
        return LedgerFile(name, XLSX_TYPE, facts.size, facts.sha256)
    if suffix == ".csv":
        data = _read_limited(upload, name)
        decode_text(data, name)
        return LedgerFile(name, CSV_TYPE, len(data), hashlib.sha256(data).hexdigest())
    if suffix == ".xls":
        raise InvalidInput.field("file", _(
            "%(name)s is an old Excel 97-2003 file: save it as .xlsx (Excel workbook) first."
        ) % {"name": name})
    raise InvalidInput.field("file", _(
        "%(name)s is neither an Excel workbook (.xlsx) nor a CSV file (.csv).") % {"name": name})


def _read_limited(upload: IO[bytes], name: str) -> bytes:
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if len(data) > limit:
        raise InvalidInput.field("file", _("%(name)s is larger than the %(limit)s MB limit.") % {
            "name": name, "limit": settings.MAX_UPLOAD_MB})
    if not data.strip():
        raise InvalidInput.field("file", _("%(name)s is empty.") % {"name": name})
    return data


def decode_text(data: bytes, name: str) -> str:
    """The text of a CSV file in whichever of the usual encodings it is written."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise InvalidInput.field("file", _(
        "%(name)s is not text in UTF-8, UTF-16 or GBK: save it again as CSV (UTF-8)."
    ) % {"name": name})


def read_sheets(upload: IO[bytes], name: str) -> list[Sheet]:
    """The visible sheets of a workbook, or the one sheet of a CSV file."""
    upload.seek(0)
    if PurePath(name).suffix.lower() == ".csv":
        return [_csv_sheet(decode_text(upload.read(), name))]
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise InvalidInput.field("file", _("%(name)s cannot be read as a workbook.") % {
            "name": name}) from None
    try:
        sheets = []
        for worksheet in workbook.worksheets:
            if worksheet.sheet_state != "visible":
                continue
            # Some writers state a wrong size; read every row there is.
            worksheet.reset_dimensions()
            rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
            _fill_merged(rows, _merged_ranges(worksheet))
            sheets.append(Sheet(worksheet.title, _trimmed(rows)))
        return sheets
    finally:
        workbook.close()


_MERGE_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"


def _merged_ranges(worksheet: Any) -> list[str]:
    """The sheet's merged ranges, which read-only mode does not read: from its XML."""
    ranges = []
    with worksheet._get_source() as source:  # the sheet's part in the package
        for _event, element in iterparse(source):
            if element.tag == _MERGE_TAG and element.get("ref"):
                ranges.append(element.get("ref"))
            element.clear()
    return ranges


def _fill_merged(rows: list[list[Any]], ranges: list[str]) -> None:
    width = max((len(row) for row in rows), default=0)
    for ref in ranges:
        first_col, first_row, last_col, last_row = range_boundaries(ref)
        if first_row > len(rows) or first_col > len(rows[first_row - 1]):
            continue
        value = rows[first_row - 1][first_col - 1]
        for row in rows[first_row - 1:min(last_row, len(rows))]:
            row.extend([None] * (min(last_col, width) - len(row)))
            for col in range(first_col - 1, min(last_col, width)):
                row[col] = value


def _csv_sheet(text: str) -> Sheet:
    sample = text[:20_000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return Sheet("", _trimmed(csv.reader(io.StringIO(text, newline=""), dialect)))


def _trimmed(rows: Any) -> list[tuple[Any, ...]]:
    """Rows with trailing empty cells and trailing empty rows removed."""
    kept: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(row)
        while values and _blank(values[-1]):
            values.pop()
        kept.append(tuple(values))
    while kept and not kept[-1]:
        kept.pop()
    return kept


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())

"""The row record: one imported ledger row as a small workbook, the submission's document.

A problem handed in before the platform comes with no photos, only its line
in the ledger. The import submits it with that line as its supporting
document (every header beside its cell), so the submission carries what it
was based on and its SHA-256 enters the audit chain with it.

Ten thousand of these are written per large import, so the package is put
together directly (a minimal SpreadsheetML workbook with inline strings)
rather than through openpyxl, which takes milliseconds per workbook.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
        '<sheet name="台账行" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
_STAMP = (1980, 1, 1, 0, 0, 0)
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 does not allow (control characters other than tab and newlines).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def row_record(title: str, cells: list[tuple[str, str]]) -> bytes:
    """An .xlsx whose first row is ``title`` and whose next rows are header and value pairs."""
    rows = [(title, ""), *cells]
    sheet = "".join(
        f'<row r="{number}">{_cell("A", number, header)}{_cell("B", number, value)}</row>'
        for number, (header, value) in enumerate(rows, 1)
    )
    parts = {
        **_PARTS,
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{_MAIN}"><cols><col min="1" max="1" width="18" customWidth="1"/>'
            f'<col min="2" max="2" width="60" customWidth="1"/></cols>'
            f"<sheetData>{sheet}</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, xml in parts.items():
            # A fixed time stamp: the same row makes the same file, and so the same SHA-256.
            # The small fixed parts are stored: deflating them costs more than it saves.
            package.writestr(zipfile.ZipInfo(name, _STAMP), _DECLARATION + xml,
                             compress_type=zipfile.ZIP_STORED if name in _PARTS
                             else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _cell(column: str, row: int, text: str) -> str:
    if not text:
        return ""
    value = escape(_ILLEGAL.sub("", text))
    return f'<c r="{column}{row}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'

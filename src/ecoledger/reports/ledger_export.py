"""The ledger as an Excel workbook (整改台账), kept as a frozen report.

The sheet is declared by ``ledger_columns.COLUMNS`` and each cell formatted
by its column's kind; rows are streamed in openpyxl's write-only mode, so
ten thousand problems export in seconds and little memory. The header is
frozen with an auto filter over it, dates carry a date format, and the choice
columns get drop-down lists (kept on a hidden sheet). Every export is stored
as a ``Report`` with the figures the file shows (rows, counts by status and
district, the SHA-256 of its rows), so what was handed out can be shown again.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ecoledger.audit.services import record
from ecoledger.ledger.models import Measure, Problem, ProblemUnit
from ecoledger.lib import clock
from ecoledger.org.choices import RegionLevel
from ecoledger.org.models import Region, User
from ecoledger.reports.ledger_columns import COLUMNS, ORG_CHOICES, Column, Kind
from ecoledger.reports.models import Report, ReportKind

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEDGER_SHEET = "整改台账"
CITY_SHEET = "市级"
INFO_SHEET = "导出说明"
LISTS_SHEET = "选项"
DATE_FORMAT = "yyyy-mm-dd"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", start_color="E3F3EA")
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def for_export(queryset: QuerySet[Problem]) -> QuerySet[Problem]:
    """The problems with everything the columns read, fetched in a few queries per chunk."""
    units = ProblemUnit.objects.select_related("region", "department")
    return queryset.select_related(
        "region", "district", "category", "plan", "ledger_row"
    ).prefetch_related(None).prefetch_related(
        Prefetch("units", queryset=units),
        Prefetch("plan__measures", queryset=Measure.objects.all()),
        "progress_reports", "acceptances",
    )


class _Figures:
    """What the file shows, counted as the rows are written."""

    def __init__(self) -> None:
        self.rows = 0
        self.by_status: Counter[str] = Counter()
        self.by_district: Counter[str] = Counter()
        self.digest = hashlib.sha256()

    def add(self, problem: Problem, values: list[Any]) -> None:
        self.rows += 1
        self.by_status[problem.status] += 1
        self.by_district[(problem.district or problem.region).name] += 1
        self.digest.update(json.dumps(values[1:], default=str, ensure_ascii=False).encode())
        self.digest.update(b"\n")

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "by_status": dict(sorted(self.by_status.items())),
                "by_district": dict(sorted(self.by_district.items())),
                "rows_sha256": self.digest.hexdigest()}


def write_ledger(
    sheets: Iterable[tuple[str, Iterable[Problem]]], out: IO[bytes], *, about: list[tuple[str, str]]
) -> dict[str, Any]:
    """Write the workbook: one ledger sheet per (name, problems), the notes, the lists.

    Returns the figures of what was written.
    """
    workbook = Workbook(write_only=True)
    lists = _option_lists()
    figures = _Figures()
    names: list[str] = []
    for name, problems in sheets:
        names.append(_sheet_name(name, names))
        _write_sheet(workbook.create_sheet(names[-1]), problems, figures, lists)
    if not names:
        _write_sheet(workbook.create_sheet(LEDGER_SHEET), [], figures, lists)
    info = workbook.create_sheet(INFO_SHEET)
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 18, 70
    for label, value in [*about, (_("Rows"), str(figures.rows)),
                         (_("SHA-256 of the rows"), figures.digest.hexdigest())]:
        info.append([label, value])
    options = workbook.create_sheet(LISTS_SHEET)
    options.sheet_state = "hidden"
    longest = max(len(words) for words in lists.values())
    options.append(list(lists))
    for index in range(longest):
        options.append([words[index] if index < len(words) else None for words in lists.values()])
    workbook.save(out)
    return {**figures.as_dict(), "sheets": names}


def _option_lists() -> dict[str, list[str]]:
    """The drop-down words of each choice column, by header."""
    districts = Region.objects.exclude(level=RegionLevel.TOWN).order_by("path")
    return {
        column.header: (list(districts.values_list("name", flat=True))
                        if column.key in ORG_CHOICES else list(column.words.written.values()))
        for column in COLUMNS if column.kind is Kind.CHOICE and (
            column.words or column.key in ORG_CHOICES)
    }


def _write_sheet(sheet: Any, problems: Iterable[Problem], figures: _Figures,
                 lists: dict[str, list[str]]) -> None:
    for index, column in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "C2"  # the header and the row number and code stay in view
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
        header.append(cell)
    sheet.append(header)
    written = 0
    for problem in problems:
        written += 1
        values = [written if column.key == "seq" else column.read(problem) for column in COLUMNS]
        figures.add(problem, values)
        sheet.append([_cell(sheet, column, value) for column, value in zip(COLUMNS, values,
                                                                            strict=True)])
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{written + 1}"
    for position, column in enumerate(COLUMNS, 1):
        if column.header in lists:
            _validate(sheet, position, list(lists).index(column.header) + 1,
                      len(lists[column.header]))


def _cell(sheet: Any, column: Column, value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if column.kind is Kind.NUMBER:
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # text that starts with "=" stays text, never a formula
    if column.wrap:
        cell.alignment = _WRAP
    return cell


def _validate(sheet: Any, position: int, list_column: int, length: int) -> None:
    letter, source = get_column_letter(position), get_column_letter(list_column)
    validation = DataValidation(
        type="list", formula1=f"'{LISTS_SHEET}'!${source}$2:${source}${length + 1}",
        allow_blank=True, errorStyle="warning", showErrorMessage=True,
        error=_("Choose one of the listed words."),
    )
    validation.add(f"{letter}2:{letter}1048576")
    sheet.data_validations.append(validation)


def _sheet_name(name: str, taken: list[str]) -> str:
    """A valid, unused sheet name (at most 31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", "", name).strip()[:31] or LEDGER_SHEET
    candidate, number = base, 2
    while candidate in taken:
        suffix = f" ({number})"
        candidate, number = base[:31 - len(suffix)] + suffix, number + 1
    return candidate


def sheets_by_district(queryset: QuerySet[Problem]) -> Iterator[tuple[str, Iterator[Problem]]]:
    """One sheet per district in the set (in the region tree's order), then the city's own."""
    ids = set(queryset.order_by().values_list("district_id", flat=True).distinct())
    for district in Region.objects.filter(pk__in=ids - {None}).order_by("path"):
        yield district.name, queryset.filter(district_id=district.pk).iterator(chunk_size=1000)
    if None in ids:
        yield CITY_SHEET, queryset.filter(district__isnull=True).iterator(chunk_size=1000)


def _scope_key(user: User, query: str) -> str:
    """Whose view the file shows (the role and its unit) and the filter that was asked."""
    unit = user.region or user.department
    scope = f"{user.role}:{unit.code if unit else user.enterprise_id or 'city'}"
    key = f"{scope}?{query}"
    if len(key) > 120:
        key = f"{scope}#{hashlib.sha256(query.encode()).hexdigest()}"
    return key[:120]


def export_ledger(
    queryset: QuerySet[Problem], *, acting_user: User, query: str = "", by_district: bool = False
) -> Report:
    """Write the user's filtered ledger to a workbook and keep it as a frozen report.

    ``queryset`` is what the user may see, filtered (the API's filter set and
    scope); ``query`` is the filter as asked, kept with the report.
    """
    now = clock.now()
    problems = for_export(queryset)
    sheets = (sheets_by_district(problems) if by_district
              else [(LEDGER_SHEET, problems.iterator(chunk_size=1000))])
    about = [(_("Exported at"), f"{timezone.localtime(now):%Y-%m-%d %H:%M}"),
             (_("Exported by"), f"{acting_user} ({acting_user.get_role_display()})"),
             (_("Filter"), query or "—")]
    with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as out:
        figures = write_ledger(sheets, out, about=about)
        return _keep(out, figures, acting_user=acting_user, query=query, now=now)


@transaction.atomic
def _keep(out: IO[bytes], figures: dict[str, Any], *, acting_user: User, query: str,
          now: datetime) -> Report:
    figures = {**figures, "filter": query}
    out.seek(0)
    digest = hashlib.sha256()
    while chunk := out.read(1024 * 1024):
        digest.update(chunk)
    out.seek(0)
    stamp = f"{timezone.localtime(now):%Y%m%d-%H%M}"
    report = Report(
        kind=ReportKind.LEDGER_EXPORT,
        title=_("Ledger export of %(rows)s problems, %(stamp)s") % {
            "rows": figures["rows"], "stamp": stamp},
        scope_key=_scope_key(acting_user, query), generated_at=now, generated_by=acting_user,
        figures=figures,
        figures_sha256=hashlib.sha256(
            json.dumps(figures, sort_keys=True, ensure_ascii=False).encode()).hexdigest(),
        file_name=f"ledger-{stamp}.xlsx", file_sha256=digest.hexdigest(), content_type=XLSX_TYPE,
    )
    report.file.save(report.file_name, File(out), save=False)
    report.save()
    record("reports.report.generated", actor=acting_user, target=report,
           changes={"figures_sha256": [None, report.figures_sha256]}, message=report.title)
    return report

"""The words of a ledger's cells: choice words, dates, numbers and the lines of a list cell.

Chinese ledgers write the same thing many ways (已完成, 已销号, 已办结; 2025-3-1,
2025/03/01, 2025年3月1日, 20250301, an Excel date). These readers turn a cell
into the platform's value or raise ``CellError`` with a reason the user can
act on; the writers give the one form the export uses, which the readers
read back unchanged.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _


class CellError(ValueError):
    """A cell that cannot be read as its column asks; the message says why."""


def normalise(text: str) -> str:
    """The form that spellings of one word share: full-width folded, no spaces, lower case."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", folded).lower()


def cell_text(raw: Any) -> str:
    """A cell as text: numbers without a spurious '.0', dates as ISO dates, stripped.

    The text itself is kept as written (full-width punctuation included): it is
    stored; only matching (``normalise``) folds it.
    """
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def one_line(text: str) -> str:
    """Text kept on one line of a list cell (a measure, a progress report)."""
    return re.sub(r"\s*\n\s*", " ", text).strip()


@dataclass(frozen=True)
class Words:
    """A choice column's words: the one the export writes for each value, and all it reads."""

    written: dict[str, str]
    also: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lookup: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        lookup = {normalise(value): value for value in self.written}
        for value, words in self.also.items():
            lookup.update({normalise(word): value for word in words})
        lookup.update({normalise(word): value for value, word in self.written.items()})
        object.__setattr__(self, "lookup", lookup)

    def word(self, value: str) -> str:
        return self.written[value]

    def value(self, raw: Any) -> str:
        text = cell_text(raw)
        key = normalise(text)
        # A remark in brackets after the word (已完成（已销号）) does not change it.
        plain = re.sub(r"[(（【\[].*?[)）】\]]", "", key).rstrip("。.;；")
        found = self.lookup.get(key) or self.lookup.get(plain)
        if found is None:
            raise CellError(_("'%(value)s' is not one of: %(words)s.") % {
                "value": text, "words": "、".join(self.written.values())})
        return found


_DAY = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
DAY_PATTERN = re.compile(_DAY)
_FULL_DAY = re.compile(_DAY + r"(?:\s*[T ]?\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?)?")
_MONTH_END = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:底|末)")
_YEAR_END = re.compile(r"(\d{4})\s*年\s*(?:年底|底|末)")
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_LAST = 2_958_465  # 9999-12-31


def read_date(raw: Any) -> date | None:
    """A date from a cell: a date or datetime, an Excel serial number, or text.

    Text may be 2025-3-1, 2025/03/01, 2025.3.1, 2025年3月1日, 20250301 (a time
    after it is ignored), or a month's or year's end (2025年6月底, 2025年底), as
    deadlines are often written.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, datetime):
        return timezone.localdate(raw) if timezone.is_aware(raw) else raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _date_from_number(raw, raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if re.fullmatch(r"\d+(\.0+)?", text):
        return _date_from_number(float(text), text)
    for pattern, build in (
        (_FULL_DAY, lambda m: (int(m[1]), int(m[2]), int(m[3]))),
        (_MONTH_END, lambda m: (int(m[1]), int(m[2]), 0)),
        (_YEAR_END, lambda m: (int(m[1]), 12, 31)),
    ):
        match = pattern.fullmatch(text)
        if match:
            return _checked_date(*build(match), text=text)
    raise CellError(_not_a_date(text))


def _date_from_number(number: float, shown: Any) -> date:
    if float(number).is_integer() and 1900_01_01 <= number <= 2999_12_31:
        digits = f"{int(number)}"
        return _checked_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]), text=digits)
    if 1 <= number <= _EXCEL_LAST:
        return _EXCEL_EPOCH + timedelta(days=int(number))
    raise CellError(_not_a_date(cell_text(shown)))


def _checked_date(year: int, month: int, day: int, *, text: str) -> date:
    """The day, with day 0 meaning the month's last (the end of a month)."""
    try:
        if day == 0:
            day = calendar.monthrange(year, month)[1]
        return date(year, month, day)
    except (ValueError, calendar.IllegalMonthError):
        raise CellError(_not_a_date(text)) from None


def _not_a_date(text: str) -> str:
    return _("'%(value)s' is not a date (write it as 2025-03-01).") % {"value": text}


def read_number(raw: Any) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip().rstrip("°")
    try:
        return float(text)
    except ValueError:
        raise CellError(_("'%(value)s' is not a number.") % {"value": text}) from None


def split_names(raw: Any) -> list[str]:
    """The units named in one cell: 住建局、水务局 / 住建局,水务局 / one per line."""
    return [name for name in re.split(r"[、,，;；/\n]+", cell_text(raw)) if name.strip()]


# A list cell (measures, progress) holds one item per line; numbered items run
# together on one line (1、… 2、…) are split at their numbers.
_NUMBER = r"[(（]?\d{1,2}\s*[)）.．、]\s*"
_ITEM_START = re.compile(r"(?<=[；;。\s])(?=" + _NUMBER + r"\D)")


def list_items(raw: Any) -> list[str]:
    items = []
    for line in cell_text(raw).splitlines():
        for part in _ITEM_START.split(line):
            item = re.sub(r"^" + _NUMBER, "", part.strip()).strip().rstrip("；;")
            if item:
                items.append(item)
    return items


@dataclass(frozen=True)
class MeasureLine:
    description: str
    owner: str = ""
    due_on: date | None = None
    done: bool | None = None  # None: the line does not say


_MEASURE_TAIL = re.compile(
    r"(?P<text>.+?)\s*[(（](?P<owner>[^()（）,，]+)[,，]\s*(?P<due>[^()（）,，]+?)"
    r"(?:[,，]\s*(?P<state>已完成|未完成))?[)）]"
)


def measure_line(number: int, line: MeasureLine) -> str:
    """The export's form of a measure: 1. 覆盖裸土（住建局，2025-06-30，已完成）."""
    state = "已完成" if line.done else "未完成"
    due = f"{line.due_on:%Y-%m-%d}" if line.due_on else ""
    owner = re.sub(r"[,，()（）]", "、", one_line(line.owner))
    return f"{number}. {one_line(line.description)}（{owner}，{due}，{state}）"


def read_measure(item: str) -> MeasureLine:
    match = _MEASURE_TAIL.fullmatch(item)
    if match is None:
        return MeasureLine(item)
    try:
        due = read_date(match["due"])
    except CellError:
        return MeasureLine(item)
    state = match["state"]
    return MeasureLine(match["text"].strip(), match["owner"].strip(), due,
                       None if state is None else state == "已完成")


@dataclass(frozen=True)
class ProgressLine:
    text: str
    on: date | None = None  # None: the line does not say when


_DATED = re.compile(r"(?P<day>" + _DAY + r")\s*[:：,，]?\s*(?P<text>.+)")


def progress_line(on: date, text: str) -> str:
    return f"{on:%Y-%m-%d} {one_line(text)}"


def read_progress(item: str) -> ProgressLine:
    match = _DATED.fullmatch(item)
    if match is None:
        return ProgressLine(item)
    try:
        return ProgressLine(match["text"].strip(), read_date(match["day"]))
    except CellError:
        return ProgressLine(item)


def progress_items(raw: Any) -> list[str]:
    """Progress reports, one per line (their own numbering, if any, is kept as written)."""
    return [line.strip() for line in cell_text(raw).splitlines() if line.strip()]

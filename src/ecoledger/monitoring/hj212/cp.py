"""The data area (``CP=&&…&&``): grammar and typed result.

Pairs are ``key=value``, separated by ``,`` within one item and ``;`` between items. The
parser works on bytes so that every error carries an exact byte offset; splitting on ASCII
separators is safe in UTF-8 because multi-byte sequences never contain ASCII bytes. The one
exception to the grammar is ``<code>-Info=//…//``: log text may contain ``,`` and ``;``, so
it runs to the closing ``//`` that is followed by a separator or the end.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from decimal import Decimal
from enum import Enum
from types import MappingProxyType
from typing import Any, NamedTuple

from ecoledger.monitoring.hj212.catalogue import Parameter, lookup_parameter
from ecoledger.monitoring.hj212.compat import Compat, Quirk
from ecoledger.monitoring.hj212.errors import HJ212Error, Reason, show_bytes
from ecoledger.monitoring.hj212.values import (
    parse_datetime,
    parse_decimal,
    parse_integer,
    parse_time_of_day,
)

FieldValue = datetime | time | int | str


class FieldKind(Enum):
    DATETIME = "datetime"
    TIME_OF_DAY = "time_of_day"
    INTEGER = "integer"
    TEXT = "text"


SCALAR_KEYS: Mapping[str, FieldKind] = MappingProxyType(
    {
        "DataTime": FieldKind.DATETIME,
        "BeginTime": FieldKind.DATETIME,
        "EndTime": FieldKind.DATETIME,
        "SystemTime": FieldKind.DATETIME,
        "RestartTime": FieldKind.DATETIME,
        "SKCreateTime": FieldKind.DATETIME,
        "QnRtn": FieldKind.INTEGER,
        "ExeRtn": FieldKind.INTEGER,
        "RtdInterval": FieldKind.INTEGER,
        "MinInterval": FieldKind.INTEGER,
        "OverTime": FieldKind.INTEGER,
        "ReCount": FieldKind.INTEGER,
        "Ctime": FieldKind.INTEGER,
        "Stime": FieldKind.INTEGER,
        "CstartTime": FieldKind.TIME_OF_DAY,
        "PolId": FieldKind.TEXT,
        "InfoId": FieldKind.TEXT,
        "NewPW": FieldKind.TEXT,
        "NewSK": FieldKind.TEXT,
        "VaseNo": FieldKind.TEXT,
    }
)
"""CP keys without a factor code (表4, plus the 2025 key-management keys)."""

NUMERIC_SUFFIXES = frozenset(
    {
        "Rtd", "Min", "Avg", "Max", "Cou",
        "ZsRtd", "ZsMin", "ZsAvg", "ZsMax",
        "Data", "DayData", "NightData",
        "SampleRd", "StandardValue",
    }
)  # fmt: skip
"""Per-factor suffixes whose value is a number, kept in ``FactorReading.values``."""

UNTYPED_SUFFIXES = frozenset({"ResultType"})
"""Known per-factor suffixes without a typed attribute; kept raw in ``FactorReading.extra``."""

FACILITY_PREFIX = "SB"

_KEY = re.compile(rb"[A-Za-z0-9_.]+(?:-[A-Za-z0-9_]+)?")
_SEPARATOR = re.compile(rb"[,;]")
_FLAG = re.compile(r"[A-Za-z]")
_EFLAG = re.compile(r"[\x21-\x7e]{1,4}")
_INFO_DELIMITER = b"//"


_NOTHING: Mapping[str, Any] = MappingProxyType({})
"""The default of ``FactorReading.values`` and ``.extra``: shared, so it must be read-only."""


class FactorReading(NamedTuple):
    """Everything one packet says about one factor (all ``<code>-…`` keys merged).

    A named tuple rather than a frozen dataclass: a packet carries one per factor, and
    ``tuple.__new__`` makes one in a single C call, several times faster than a frozen
    dataclass's ``__init__``, which sets each field through ``object.__setattr__``.
    """

    code: str
    canonical_parameter: Parameter | None
    values: Mapping[str, Decimal] = _NOTHING
    flag: str | None = None
    eflag: str | None = None
    sample_time: datetime | None = None
    info: str | None = None
    sn: str | None = None
    extra: Mapping[str, str] = _NOTHING

    @property
    def canonical_code(self) -> str:
        """The 2017 code when the catalogue knows the factor, else the code as sent."""
        return self.canonical_parameter.code if self.canonical_parameter else self.code


@dataclass(frozen=True, slots=True)
class FacilityReading:
    """``SBxxx-RS`` (running state, 0..5) and ``SBxxx-RT`` (running hours in the day)."""

    code: str
    state: int | None = None
    running_hours: Decimal | None = None


@dataclass(frozen=True, slots=True)
class DataArea:
    """The parsed ``CP`` field.

    ``fields`` holds the keys of ``SCALAR_KEYS`` that were present, typed; ``extra`` the
    unknown keys kept raw when ``Compat.unknown_keys`` allowed them.
    """

    fields: Mapping[str, FieldValue] = field(default_factory=dict)
    readings: tuple[FactorReading, ...] = ()
    facilities: tuple[FacilityReading, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def data_time(self) -> datetime | None:
        return self._datetime("DataTime")

    @property
    def begin_time(self) -> datetime | None:
        return self._datetime("BeginTime")

    @property
    def end_time(self) -> datetime | None:
        return self._datetime("EndTime")

    @property
    def system_time(self) -> datetime | None:
        return self._datetime("SystemTime")

    @property
    def qn_rtn(self) -> int | None:
        return self._integer("QnRtn")

    @property
    def exe_rtn(self) -> int | None:
        return self._integer("ExeRtn")

    def reading(self, code: str) -> FactorReading | None:
        """The reading for a code as sent or for its canonical (2017) code."""
        for reading in self.readings:
            if code in (reading.code, reading.canonical_code):
                return reading
        return None

    def _datetime(self, key: str) -> datetime | None:
        value = self.fields.get(key)
        return value if isinstance(value, datetime) else None

    def _integer(self, key: str) -> int | None:
        value = self.fields.get(key)
        return value if isinstance(value, int) else None


@dataclass(frozen=True, slots=True)
class _Pair:
    key: str
    value: str
    offset: int
    value_offset: int


@dataclass(slots=True)
class _ReadingDraft:
    code: str
    values: dict[str, Decimal] = field(default_factory=dict)
    flag: str | None = None
    eflag: str | None = None
    sample_time: datetime | None = None
    info: str | None = None
    sn: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def freeze(self) -> FactorReading:
        return FactorReading(
            self.code,
            lookup_parameter(self.code),
            self.values,
            self.flag,
            self.eflag,
            self.sample_time,
            self.info,
            self.sn,
            self.extra,
        )


def parse_data_area(body: bytes, base: int, compat: Compat, quirks: set[Quirk]) -> DataArea:
    """Parse the bytes between ``CP=&&`` and ``&&``; ``base`` is their offset in the packet."""
    fields: dict[str, FieldValue] = {}
    extra: dict[str, str] = {}
    readings: dict[str, _ReadingDraft] = {}
    facilities: dict[str, FacilityReading] = {}
    seen: set[str] = set()
    for pair in _tokenize(body, base, compat, quirks):
        if pair.key in seen:
            raise HJ212Error(Reason.BAD_CP, f"key {pair.key} appears twice", pair.offset)
        seen.add(pair.key)
        code, hyphen, suffix = pair.key.partition("-")
        if not hyphen:
            kind = SCALAR_KEYS.get(code)
            if kind is None:
                extra[pair.key] = _unknown_key(pair, compat, quirks)
            else:
                fields[code] = _parse_scalar(kind, pair, compat, quirks)
        elif code.startswith(FACILITY_PREFIX) and suffix in ("RS", "RT"):
            facility = facilities.get(code, FacilityReading(code))
            if suffix == "RS":
                facility = replace(facility, state=parse_integer(pair.value, pair.value_offset))
            else:
                hours = parse_decimal(pair.value, pair.value_offset)
                facility = replace(facility, running_hours=hours)
            facilities[code] = facility
        else:
            draft = readings.setdefault(code, _ReadingDraft(code))
            _apply_suffix(draft, suffix, pair, compat, quirks)
    return DataArea(
        fields,
        tuple(draft.freeze() for draft in readings.values()),
        tuple(facilities.values()),
        extra,
    )


def _apply_suffix(
    draft: _ReadingDraft, suffix: str, pair: _Pair, compat: Compat, quirks: set[Quirk]
) -> None:
    value, at = pair.value, pair.value_offset
    if suffix in NUMERIC_SUFFIXES:
        draft.values[suffix] = parse_decimal(value, at)
        return
    match suffix:
        case "Flag":
            draft.flag = _checked(value, _FLAG, "a one-letter data flag", at)
        case "EFlag":
            draft.eflag = _checked(value, _EFLAG, "an extended flag of 1 to 4 characters", at)
        case "SampleTime":
            draft.sample_time = parse_datetime(value, at, compat, quirks)
        case "Info":
            draft.info = _info_text(value)
        case "SN":
            draft.sn = value
        case _ if suffix in UNTYPED_SUFFIXES:
            draft.extra[suffix] = value
        case _:
            draft.extra[suffix] = _unknown_key(pair, compat, quirks)


def _parse_scalar(kind: FieldKind, pair: _Pair, compat: Compat, quirks: set[Quirk]) -> FieldValue:
    match kind:
        case FieldKind.DATETIME:
            return parse_datetime(pair.value, pair.value_offset, compat, quirks)
        case FieldKind.TIME_OF_DAY:
            return parse_time_of_day(pair.value, pair.value_offset)
        case FieldKind.INTEGER:
            return parse_integer(pair.value, pair.value_offset)
        case FieldKind.TEXT:
            return pair.value


def _unknown_key(pair: _Pair, compat: Compat, quirks: set[Quirk]) -> str:
    if not compat.unknown_keys:
        raise HJ212Error(Reason.BAD_CP, f"unknown key {pair.key}", pair.offset)
    quirks.add(Quirk.UNKNOWN_KEYS)
    return pair.value


def _checked(value: str, pattern: re.Pattern[str], expected: str, offset: int) -> str:
    if pattern.fullmatch(value) is None:
        raise HJ212Error(Reason.BAD_VALUE, f"{value!r} is not {expected}", offset)
    return value


def _info_text(value: str) -> str:
    delimiter = _INFO_DELIMITER.decode()
    if len(value) >= 4 and value.startswith(delimiter) and value.endswith(delimiter):
        return value[2:-2]
    return value


def _tokenize(body: bytes, base: int, compat: Compat, quirks: set[Quirk]) -> list[_Pair]:
    pairs: list[_Pair] = []
    position = 0
    end = len(body)
    while position < end:
        equals = body.find(b"=", position)
        stop = _next_separator(body, position)
        if equals == -1 or equals > stop:
            raise HJ212Error(
                Reason.BAD_CP,
                f"{show_bytes(body[position:stop])} is not a key=value pair",
                base + position,
            )
        key = body[position:equals]
        if _KEY.fullmatch(key) is None:
            raise HJ212Error(
                Reason.BAD_CP, f"{show_bytes(key)} is not a valid key", base + position
            )
        value_start = equals + 1
        if key.endswith(b"-Info") and body.startswith(_INFO_DELIMITER, value_start):
            value_end = _info_end(body, value_start, base)
        else:
            value_end = _next_separator(body, value_start)
        pairs.append(
            _Pair(
                key.decode("ascii"),
                body[value_start:value_end].decode("utf-8"),
                base + position,
                base + value_start,
            )
        )
        position = value_end + 1
        if value_end < end and (position == end or body[position] in b",;"):
            _empty_pair(body, value_end, base, compat, quirks)
            position = end
    return pairs


def _empty_pair(body: bytes, separator: int, base: int, compat: Compat, quirks: set[Quirk]) -> None:
    """A separator followed by nothing: a trailing ``;`` is a known quirk, the rest errors."""
    if separator == len(body) - 1 and body[separator] == ord(";"):
        if not compat.trailing_semicolon:
            raise HJ212Error(
                Reason.BAD_CP, "trailing ';' before the closing '&&'", base + separator
            )
        quirks.add(Quirk.TRAILING_SEMICOLON)
        return
    raise HJ212Error(Reason.BAD_CP, "empty pair between separators", base + separator)


def _next_separator(body: bytes, start: int) -> int:
    match = _SEPARATOR.search(body, start)
    return match.start() if match else len(body)


def _info_end(body: bytes, value_start: int, base: int) -> int:
    """End of ``//…//``: the first closing ``//`` followed by a separator or the end."""
    search = value_start + len(_INFO_DELIMITER)
    while True:
        closing = body.find(_INFO_DELIMITER, search)
        if closing == -1:
            raise HJ212Error(
                Reason.BAD_CP,
                "information text opened with '//' is never closed",
                base + value_start,
            )
        after = closing + len(_INFO_DELIMITER)
        if after == len(body) or body[after] in b",;":
            return after
        search = closing + 1

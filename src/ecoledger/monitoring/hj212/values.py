"""Typed values of the data area: times, decimals, integers.

Patterns spell out ``[0-9]`` rather than ``\\d`` on purpose: ``\\d`` also matches Arabic-Indic
and full-width digits, which ``int()`` would then happily accept.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal

from ecoledger.monitoring.hj212.compat import Compat, Quirk
from ecoledger.monitoring.hj212.errors import HJ212Error, Reason

_DATETIME = re.compile(r"([0-9]{14})(\.?[0-9]{3})?")
_TIME_OF_DAY = re.compile(r"[0-9]{6}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_INTEGER = re.compile(r"[0-9]{1,9}")

MAX_DECIMAL_CHARS = 32
"""N14.2 allows 18 characters; a little more keeps odd decimals while bounding the work."""


def parse_datetime(text: str, offset: int, compat: Compat, quirks: set[Quirk]) -> datetime:
    """A ``YYYYMMDDhhmmss`` time as a naive datetime in the device's local time.

    Some loggers append milliseconds (``…zzz`` or ``….zzz``); they are kept as microseconds
    when ``compat.datetime_milliseconds`` allows it.
    """
    match = _DATETIME.fullmatch(text)
    if match is None:
        raise HJ212Error(Reason.BAD_DATETIME, f"{text!r} is not a YYYYMMDDhhmmss time", offset)
    digits, millis = match.groups()
    if millis is not None:
        if not compat.datetime_milliseconds:
            raise HJ212Error(
                Reason.BAD_DATETIME,
                f"{text!r} carries milliseconds; times are YYYYMMDDhhmmss",
                offset,
            )
        quirks.add(Quirk.DATETIME_MILLISECONDS)
    try:
        return datetime(
            int(digits[0:4]),
            int(digits[4:6]),
            int(digits[6:8]),
            int(digits[8:10]),
            int(digits[10:12]),
            int(digits[12:14]),
            int(millis.lstrip(".")) * 1000 if millis else 0,
        )
    except ValueError:
        raise HJ212Error(
            Reason.BAD_DATETIME, f"{text!r} is not a valid date and time", offset
        ) from None


def parse_time_of_day(text: str, offset: int) -> time:
    """An ``hhmmss`` time of day (CstartTime)."""
    if _TIME_OF_DAY.fullmatch(text) is None:
        raise HJ212Error(Reason.BAD_DATETIME, f"{text!r} is not an hhmmss time", offset)
    try:
        return time(int(text[0:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise HJ212Error(Reason.BAD_DATETIME, f"{text!r} is not a valid time", offset) from None


def parse_decimal(text: str, offset: int) -> Decimal:
    """A measured value: optional sign, digits, optional point; no exponent, NaN or Infinity."""
    if len(text) > MAX_DECIMAL_CHARS or _DECIMAL.fullmatch(text) is None:
        raise HJ212Error(Reason.BAD_VALUE, f"{text!r} is not a decimal number", offset)
    return Decimal(text)


def parse_integer(text: str, offset: int) -> int:
    if _INTEGER.fullmatch(text) is None:
        raise HJ212Error(Reason.BAD_VALUE, f"{text!r} is not an unsigned integer", offset)
    return int(text)


def format_datetime(moment: datetime) -> str:
    """``YYYYMMDDhhmmss``; spelled out because strftime does not zero-pad years before 1000."""
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"
    )

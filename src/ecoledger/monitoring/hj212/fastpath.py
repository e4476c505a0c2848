"""The fast path of ``parse_packet`` for packets that follow HJ 212-2017 to the letter.

Nearly every packet a receiver sees is an ordinary upload: header fields in the
standard's order, upper-case CRC, DataTime first, then one item per factor — its
numbers, then perhaps its one-letter flag. For those, two regular expressions decide
everything the careful parser would: one over frame and header, and one ``findall``
that takes each factor's item whole (one code throughout, known suffixes, numbers)
and hands back its pieces (``parse_fast`` leaves the numbers' exact syntax to the
exact decimal conversion it does anyway). What is left is cutting and assembling, done
by loops that run in C (``str.replace``/``split``, ``map``, ``zip``, ``islice``) rather
than by a Python step per pair: at forty pairs a packet, the interpreter's cost per
step is where the time goes.

Anything the fast path does not positively recognise — a quirk, an error, log text, a
rarely used key, a flag before the numbers, a factor whose pairs are not together —
returns None, and the careful parser takes over to accept it or to say exactly what
is wrong and where. Property tests hold both paths equal.

``scan_fast`` stops before the numbers become ``Decimal``: a receiver that stores
floats reads the checked text directly, which is most of the saving.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from decimal import Context, InvalidOperation
from functools import lru_cache
from itertools import islice, repeat
from typing import NamedTuple, TypeVar

from ecoledger.monitoring.hj212.catalogue import lookup_parameter
from ecoledger.monitoring.hj212.compat import MAX_STANDARD_CP, MAX_STANDARD_SEGMENT
from ecoledger.monitoring.hj212.cp import NUMERIC_SUFFIXES, DataArea, FactorReading
from ecoledger.monitoring.hj212.crc import crc16_hj212
from ecoledger.monitoring.hj212.flags import SPLIT_BIT
from ecoledger.monitoring.hj212.header import Header
from ecoledger.monitoring.hj212.values import MAX_DECIMAL_CHARS

_FRAME = re.compile(
    r"##([0-9]{4})("
    r"QN=([0-9]{17});ST=([0-9A-Z]{2});CN=([0-9]{4});PW=([0-9A-Za-z]{6});"
    r"MN=([0-9A-F]{24});Flag=([0-9]{1,3});(?:PNUM=([0-9]{1,4});PNO=([0-9]{1,4});)?"
    r"CP=&&DataTime=([0-9]{14})((?:;[\x21-\x7e]*)?)&&)([0-9A-F]{4})\r\n"
)
_SEGMENT_START = len("##0000")
_CRC_AND_TRAILER = len("0000\r\n")
_CP_WITHOUT_ITEMS = len("CP=&&DataTime=YYYYMMDDhhmmss&&")
_MODERN_VERSIONS = frozenset({1, 2})  # HJ 212-2017 and -2025: MN is 24 hex digits


def _item_pattern(number: str, *, flag_with_pairs: bool) -> re.Pattern[str]:
    """One factor's item, whole: numbers under one code (the back-reference), then
    perhaps its flag, up to the next item or the end.

    Groups: the pairs (codes and all), ``<code>-``, the code, the flag. The flag's pair
    is among the pairs when ``flag_with_pairs`` (text values: it is one more), apart
    from them otherwise (values to convert to ``Decimal``).
    """
    suffix = "|".join(sorted(NUMERIC_SUFFIXES, key=len, reverse=True))
    pair = rf"(?:{suffix})={number}"
    pairs = rf"(?P<prefix>(?P<code>[A-Za-z0-9_.]+)-){pair}(?:,(?P=prefix){pair})*"
    flag = r"(?:,(?P=prefix)Flag=(?P<flag>[A-Za-z]))?"
    item = f"(?P<pairs>{pairs}{flag})" if flag_with_pairs else f"(?P<pairs>{pairs}){flag}"
    return re.compile(rf";{item}(?=;|\Z)")


# For ``scan_fast``, whose numbers stay text: digits with perhaps a point among them, or
# a point then digits — a subset of the careful parser's numbers, at most 32 characters
# as it allows (N14.2 needs 18), written so that ordinary values try no alternative.
_ITEM_EXACT = _item_pattern(
    r"[+-]?(?:[0-9]{1,20}\.?[0-9]{0,10}|\.[0-9]{1,20})", flag_with_pairs=True
)
# For ``parse_fast``, only the shape; ``_to_decimal`` refuses the rest. Over these
# characters Decimal's syntax is exactly the careful parser's (no exponent, NaN,
# Infinity, space or underscore can be spelt), and a sign can only come first.
_ITEM_SHAPED = _item_pattern(rf"[+-]?[0-9.]{{1,{MAX_DECIMAL_CHARS - 1}}}", flag_with_pairs=False)
_to_decimal = Context(prec=2 * MAX_DECIMAL_CHARS, traps=[InvalidOperation]).create_decimal
"""Exact (the precision exceeds any digit count allowed) and refusing malformed text
whatever the thread's decimal context says; and cheaper than ``Decimal()``, which looks
that context up for every value."""

_new_tuple = tuple.__new__
"""``FactorReading._make`` without its Python-level length check (the fast path builds
every reading from nine values), so that a reading costs one C call."""

HeaderFields = tuple[str, str, str, str, str, int, int | None, int | None]
"""QN, ST, CN, PW, MN, Flag, PNUM, PNO: the first fields of ``Header`` and ``Packet``."""

_Items = tuple[tuple[str, ...], tuple[str, ...], list[int], list[str]]
"""The factors' items of an ordinary area, checked and cut: codes, flags (``""`` for an
item without one), how many pairs each item has, and those pairs over all items, suffix
and value alternating (``["Min", "7.4", "Avg", "7.5", …]``). A plain tuple: this runs
for every packet, and a named tuple's constructor is Python code."""

_Value = TypeVar("_Value")


class Upload(NamedTuple):
    """An ordinary packet, checked in full; its numbers are still the text that was sent.

    ``factors`` maps each code, in the order sent, to its pairs: the numeric suffixes
    (``Avg``, ``Min``…) and ``Flag``, each to its text.
    """

    header: Header
    data_time: datetime
    factors: dict[str, dict[str, str]]


def parse_fast(data: bytes) -> tuple[HeaderFields, DataArea] | None:
    """Header fields and data area when the packet is ordinary and valid; None to defer."""
    ordinary = _ordinary(data, _ITEM_SHAPED)
    if ordinary is None:
        return None
    fields, data_time, (codes, flags, counts, pairs) = ordinary
    try:
        values = _grouped(pairs[::2], map(_to_decimal, pairs[1::2]), counts)
    except InvalidOperation:
        return None
    if values is None:
        return None
    readings = tuple([
        _new_tuple(FactorReading, (code, lookup_parameter(code), numbers, flag or None,
                                   None, None, None, None, {}))
        for code, numbers, flag in zip(codes, values, flags, strict=True)
    ])  # fmt: skip
    return fields, DataArea({"DataTime": data_time}, readings, (), {})


def scan_fast(data: bytes) -> Upload | None:
    """The checked pieces of an ordinary, valid packet; None to defer to the careful parser."""
    ordinary = _ordinary(data, _ITEM_EXACT)
    if ordinary is None:
        return None
    fields, data_time, (codes, _, counts, pairs) = ordinary
    texts = _grouped(pairs[::2], pairs[1::2], counts)  # each item's Flag among them
    if texts is None:
        return None
    return Upload(Header(*fields), data_time, dict(zip(codes, texts, strict=True)))


def _ordinary(
    data: bytes, item_pattern: re.Pattern[str]
) -> tuple[HeaderFields, datetime, _Items] | None:
    """Header fields, DataTime and items of an ordinary packet; None for anything else.

    The packet is decoded once, as ASCII (anything else is for the careful parser), so
    that the pattern's groups are the strings the result holds.
    """
    try:
        match = _FRAME.fullmatch(data.decode("ascii"))
    except UnicodeDecodeError:
        return None
    if match is None:
        return None
    length, segment, qn, st, cn, pw, mn, flag, pnum, pno, moment, items, crc = match.groups()
    if (
        int(length) != len(segment)
        or len(segment) > MAX_STANDARD_SEGMENT
        or len(items) + _CP_WITHOUT_ITEMS > MAX_STANDARD_CP
        or int(crc, 16) != crc16_hj212(data[_SEGMENT_START:-_CRC_AND_TRAILER])
    ):
        return None
    fields = _header_fields(qn, st, cn, pw, mn, int(flag), pnum, pno)
    data_time = _moment(moment)
    checked = _items(items, item_pattern)
    if fields is None or data_time is None or checked is None:
        return None
    return fields, data_time, checked


def _header_fields(
    qn: str, st: str, cn: str, pw: str, mn: str, flag: int, pnum: str | None, pno: str | None
) -> HeaderFields | None:
    """The header when Flag is a modern one that agrees with PNUM and PNO; None to defer."""
    if flag > 0xFF or (flag >> 2) not in _MODERN_VERSIONS:
        return None
    if pnum is None or pno is None:
        return None if flag & SPLIT_BIT else (qn, st, cn, pw, mn, flag, None, None)
    count, number = int(pnum), int(pno)
    if not flag & SPLIT_BIT or not 1 <= number <= count:
        return None
    return qn, st, cn, pw, mn, flag, count, number


def _items(text: str, item_pattern: re.Pattern[str]) -> _Items | None:
    """The items after DataTime (``text`` is empty or starts at a ``;``), each taken whole.

    ``findall`` skips what it cannot take, so every ``;`` having started an item is what
    proves the whole text valid. A code in two items is left to the careful parser
    (which merges or refuses). The codes are cut off each item's pairs with
    ``str.replace``: within an item checked whole, ``<code>-`` occurs only before the
    suffixes, as numbers hold no ``-`` but a sign right after ``=``.
    """
    if not text:
        return (), (), [], []
    found = item_pattern.findall(text)
    if len(found) != text.count(";"):
        return None
    pairs, prefixes, codes, flags = zip(*found, strict=False)  # four groups each
    if len(set(codes)) != len(codes):
        return None
    cut = ",".join(map(str.replace, pairs, prefixes, repeat("")))
    counts = list(map(str.count, pairs, repeat("=")))
    return codes, flags, counts, cut.replace(",", "=").split("=")


def _grouped(
    suffixes: list[str], values: Iterable[_Value], counts: list[int]
) -> list[dict[str, _Value]] | None:
    """One dict per item, ``counts`` pairs each; None when an item names a suffix twice."""
    pairs = zip(suffixes, values, strict=False)  # as many values as suffixes
    grouped = list(map(dict, map(islice, repeat(pairs), counts)))
    if sum(map(len, grouped)) != len(suffixes):
        return None
    return grouped


@lru_cache(maxsize=4096)
def _moment(value: str) -> datetime | None:
    """DataTime as a naive datetime; cached, as thousands of devices send the same minute."""
    try:
        return datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]),
                        int(value[8:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None

"""The fast path of ``parse_packet`` for packets that follow HJ 212-2017 to the letter.

Nearly every packet a receiver sees is an ordinary upload: header fields in the
standard's order, upper-case CRC, numbers and one-letter flags in the data area.
For those, a handful of regular expressions and string splits (all in C) decide
everything the careful parser would, and build the very same ``Packet``. Anything
the fast path does not positively recognise — a quirk, an error, log text, a
rarely used key — returns None, and the careful parser takes over to accept it
or to say exactly what is wrong and where. A property test holds both paths equal.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from ecoledger.monitoring.hj212.catalogue import lookup_parameter
from ecoledger.monitoring.hj212.compat import MAX_STANDARD_CP, STRICT
from ecoledger.monitoring.hj212.cp import (
    NUMERIC_SUFFIXES,
    DataArea,
    FactorReading,
)
from ecoledger.monitoring.hj212.crc import crc16_hj212
from ecoledger.monitoring.hj212.flags import SPLIT_BIT
from ecoledger.monitoring.hj212.header import Header

_FRAME = re.compile(
    rb"##([0-9]{4})("
    rb"QN=([0-9]{17});ST=([0-9A-Z]{2});CN=([0-9]{4});PW=([0-9A-Za-z]{6});"
    rb"MN=([0-9A-F]{24});Flag=([0-9]{1,3});(?:PNUM=([0-9]{1,4});PNO=([0-9]{1,4});)?"
    rb"CP=&&([\x21-\x7e]*)&&)([0-9A-F]{4})\r\n",
    re.DOTALL,
)
# At most 32 characters, as the careful parser allows (N14.2 needs 18).
_NUMBER = r"[+-]?(?:[0-9]{1,20}(?:\.[0-9]{0,10})?|\.[0-9]{1,20})"
_SUFFIX = "|".join(sorted(NUMERIC_SUFFIXES, key=len, reverse=True))
# One factor's key=value pair: a number under a numeric suffix, or a one-letter flag.
_PAIR = rf"([A-Za-z0-9_.]+)-(?:({_SUFFIX})=({_NUMBER})|Flag=([A-Za-z]))"
_FACTOR_PAIR = re.compile(_PAIR)
# The whole area: DataTime first (as uploads send it), then factor pairs.
_AREA = re.compile(rf"DataTime=([0-9]{{14}})(?:[;,]{_PAIR})*")
_MODERN_VERSIONS = frozenset({1, 2})  # HJ 212-2017 and -2025: MN is 24 hex digits


class _NotFast(Exception):
    """Internal: leave this packet to the careful parser."""


def parse_fast(data: bytes) -> tuple[Header, DataArea] | None:
    """Header and data area when the packet is ordinary and valid; None to defer."""
    match = _FRAME.fullmatch(data)
    if match is None:
        return None
    length, segment, qn, st, cn, pw, mn, flag_text, pnum, pno, body, crc = match.groups()
    flag = int(flag_text)
    if (
        int(length) != len(segment)
        or len(segment) > STRICT.segment_limit
        or len(body) + 7 > MAX_STANDARD_CP  # CP=&& … && around the body
        or flag > 0xFF
        or (flag >> 2) not in _MODERN_VERSIONS
        or bool(flag & SPLIT_BIT) != (pnum is not None)
        or b"//" in body
        or int(crc, 16) != crc16_hj212(segment)
    ):
        return None
    packet_count = packet_number = None
    if pnum is not None:
        packet_count, packet_number = int(pnum), int(pno)
        if not 1 <= packet_number <= packet_count:
            return None
    try:
        area = _data_area(body.decode("ascii"))
    except _NotFast:
        return None
    header = Header(qn.decode(), st.decode(), cn.decode(), pw.decode(), mn.decode(), flag,
                    packet_count, packet_number)
    return header, area


def _data_area(text: str) -> DataArea:
    """Uploads in the standard's shape, matched and split by regular expressions (in C).

    Per pair, Python does a tuple unpack and a dict store; numbers become Decimal
    in one ``map``. A code seen in two items, a key seen twice, or any other key
    goes to the careful parser.
    """
    area = _AREA.fullmatch(text)
    if area is None:
        raise _NotFast
    pairs = _FACTOR_PAIR.findall(text, area.end(1))
    values: dict[str, dict[str, str]] = {}
    flags: dict[str, str] = {}
    previous = ""
    for code, suffix, number, flag in pairs:
        if code != previous:
            if code in values:
                raise _NotFast  # the code's pairs are not together, or repeat
            values[code] = {}
            previous = code
        if flag:
            if code in flags:
                raise _NotFast
            flags[code] = flag
        elif suffix in values[code]:
            raise _NotFast
        else:
            values[code][suffix] = number
    readings = tuple(
        FactorReading(code, lookup_parameter(code),
                      dict(zip(numbers, map(Decimal, numbers.values()), strict=True)),
                      flags.get(code), None, None, None, None, {})
        for code, numbers in values.items()
    )
    return DataArea({"DataTime": _datetime(area.group(1))}, readings, (), {})


def _datetime(value: str) -> datetime:
    try:
        return datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]),
                        int(value[8:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise _NotFast from None

"""The fast path of ``parse_packet`` for packets that follow HJ 212-2017 to the letter.

Nearly every packet a receiver sees is an ordinary upload: header fields in the
standard's order, upper-case CRC, numbers and one-letter flags in the data area.
For those, two regular expressions decide everything the careful parser would
(frame, header, the whole data area's grammar), and string splits — all in C —
cut the area into factors. Anything the fast path does not positively recognise
— a quirk, an error, log text, a rarely used key, a factor whose pairs are not
together — returns None, and the careful parser takes over to accept it or to
say exactly what is wrong and where. A property test holds both paths equal.

``scan_fast`` stops before the numbers become ``Decimal``: a receiver that
stores floats reads the checked text directly, which is most of the saving.
"""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from itertools import repeat
from typing import NamedTuple

from ecoledger.monitoring.hj212.catalogue import Parameter, lookup_parameter
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
_PAIR = rf"[A-Za-z0-9_.]+-(?:(?:{_SUFFIX})={_NUMBER}|Flag=[A-Za-z])"
# The whole area: DataTime first (as uploads send it), then factor pairs.
_AREA = re.compile(rf"DataTime=[0-9]{{14}}(?:[;,]{_PAIR})*")
_DATA_TIME_ITEM = len("DataTime=") + 14
_MODERN_VERSIONS = frozenset({1, 2})  # HJ 212-2017 and -2025: MN is 24 hex digits


class Upload(NamedTuple):
    """An ordinary packet, checked in full; its numbers are still the text that was sent.

    ``factors`` maps each code, in the order sent, to its pairs: the numeric suffixes
    (``Avg``, ``Min``…) and ``Flag``, each to its text.
    """

    header: Header
    data_time: datetime
    factors: dict[str, dict[str, str]]


def parse_fast(data: bytes) -> tuple[Header, DataArea] | None:
    """Header and data area when the packet is ordinary and valid; None to defer."""
    upload = scan_fast(data)
    if upload is None:
        return None
    readings = []
    for code, pairs in upload.factors.items():
        flag = pairs.pop("Flag", None)  # the upload is ours: what is left are the numbers
        values = dict(zip(pairs, map(Decimal, pairs.values()), strict=True))
        readings.append(_reading(code, lookup_parameter(code), values, flag))
    return upload.header, DataArea({"DataTime": upload.data_time}, tuple(readings), (), {})


def scan_fast(data: bytes) -> Upload | None:
    """The checked pieces of an ordinary, valid packet; None to defer to the careful parser."""
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
        or int(crc, 16) != crc16_hj212(segment)
    ):
        return None
    packet_count = packet_number = None
    if pnum is not None:
        packet_count, packet_number = int(pnum), int(pno)
        if not 1 <= packet_number <= packet_count:
            return None
    text = body.decode("ascii")
    if _AREA.fullmatch(text) is None:
        return None
    items = text.split(";")
    if len(items[0]) != _DATA_TIME_ITEM:  # a factor after DataTime in the same item
        return None
    data_time = _moment(items[0][-14:])
    factors = _factors(items)
    if data_time is None or factors is None:
        return None
    header = Header(qn.decode(), st.decode(), cn.decode(), pw.decode(), mn.decode(), flag,
                    packet_count, packet_number)
    return Upload(header, data_time, factors)


def _factors(items: list[str]) -> dict[str, dict[str, str]] | None:
    """Each item's pairs by suffix, the grammar being checked already.

    An item is one code's pairs: ``a21026-Avg=7.5,a21026-Flag=N``. Splitting the part
    after the first code at ``,a21026-`` leaves ``Suffix=value`` pieces; a piece with
    another code in it does not split in two, which ``dict`` refuses. A suffix twice,
    or a code in two items, is left to the careful parser too (it merges or refuses).
    """
    factors: dict[str, dict[str, str]] = {}
    split = str.split
    for item in items[1:]:
        code, _, rest = item.partition("-")
        pieces = rest.split(f",{code}-")
        try:
            pairs = dict(map(split, pieces, repeat("=")))
        except ValueError:
            return None
        if len(pairs) != len(pieces) or code in factors:
            return None
        factors[code] = pairs
    return factors


def _reading(
    code: str, parameter: Parameter | None, values: dict[str, Decimal], flag: str | None
) -> FactorReading:
    """``FactorReading(code, parameter, values, flag)``, in half the time.

    A frozen dataclass's ``__init__`` sets each of its nine fields through
    ``object.__setattr__``; setting the slots directly skips that lookup. Sound while
    FactorReading has no ``__post_init__`` and its slots are its fields (checked below).
    """
    reading = _new(FactorReading)
    _set_code(reading, code)
    _set_parameter(reading, parameter)
    _set_values(reading, values)
    _set_flag(reading, flag)
    _set_eflag(reading, None)
    _set_sample_time(reading, None)
    _set_info(reading, None)
    _set_sn(reading, None)
    _set_extra(reading, {})
    return reading


_new = object.__new__
if hasattr(FactorReading, "__post_init__") or FactorReading.__slots__ != tuple(
    field.name for field in fields(FactorReading)
):
    raise AssertionError("FactorReading changed: review _reading in the fast path")
(_set_code, _set_parameter, _set_values, _set_flag, _set_eflag, _set_sample_time, _set_info,
 _set_sn, _set_extra) = (getattr(FactorReading, name).__set__ for name in FactorReading.__slots__)


@lru_cache(maxsize=4096)
def _moment(value: str) -> datetime | None:
    """DataTime as a naive datetime; cached, as thousands of devices send the same minute."""
    try:
        return datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]),
                        int(value[8:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None

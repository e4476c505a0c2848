"""The fast path of ``parse_packet`` for packets that follow HJ 212-2017 to the letter.

Nearly every packet a receiver sees is an ordinary upload: header fields in the
standard's order, upper-case CRC, DataTime first, then one item per factor — its
numbers, then perhaps its one-letter flag — and the same items in the same order as the
device's previous upload. Such a packet is read in one of two ways:

* by its device's compiled layout (see ``layout``): one regular expression over the
  whole packet, with the keys as literal text, checks it and cuts out every value;
* otherwise by one generic expression over frame and header, after which the items are
  cut into keys and values by three string operations that run in C; the keys name a
  layout, checked once and then looked up, and the values' syntax is checked in bulk.

Either way the values' syntax is checked on every packet, and the CRC, lengths, Flag
and DataTime too. Anything the fast path does not positively recognise — a quirk, an
error, log text, a rarely used key, a flag before the numbers, a factor whose pairs are
not together — returns None, and the careful parser takes over to accept it or to say
exactly what is wrong and where. Property tests hold all three readings equal.

``scan_fast`` stops before the numbers become ``Decimal``: a receiver that stores
floats reads the checked text directly, which is most of the saving.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from string import ascii_letters
from typing import NamedTuple

from ecoledger.monitoring.hj212.compat import MAX_STANDARD_CP, MAX_STANDARD_SEGMENT
from ecoledger.monitoring.hj212.cp import DataArea
from ecoledger.monitoring.hj212.crc import crc16_hj212
from ecoledger.monitoring.hj212.flags import SPLIT_BIT
from ecoledger.monitoring.hj212.header import Header
from ecoledger.monitoring.hj212.layout import (
    HEAD,
    ITEM_START,
    NUMBER,
    PAIR_START,
    TAIL,
    Layout,
    Layouts,
)
from ecoledger.monitoring.hj212.records import maker

_FRAME = re.compile(HEAD + r"((?:;[\x21-\x7e]*)?)" + TAIL)
_CP = 10
"""Number of the empty group before ``CP=``; DataTime's group follows, then the items'
(a compiled layout has a group per value there) and the CRC's."""
_VALUES = _CP + 1
"""Where the items start in ``match.groups()``, which counts from 0."""
_DEVICE = slice(
    len("##0000QN=20160801085857223;"),
    len("##0000QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0"),
)
"""Where ``ST``, ``CN``, ``PW`` and ``MN`` lie in an ordinary packet: the device's key."""
_SEGMENT_START = len("##0000")
_CRC_AND_TRAILER = len("0000\r\n")
_MODERN_VERSIONS = frozenset({1, 2})  # HJ 212-2017 and -2025: MN is 24 hex digits
_NUMBERS = re.compile(rf"{NUMBER}(?:,{NUMBER})*")
_LETTERS = frozenset(ascii_letters)

_NO_ITEMS = Layout((), ())
_make_area = maker(DataArea)
_make_header = maker(Header)
LAYOUTS = Layouts()
"""The layouts this process has learnt (tests swap in their own)."""

HeaderFields = tuple[str, str, str, str, str, int, int | None, int | None]
"""QN, ST, CN, PW, MN, Flag, PNUM, PNO: the first fields of ``Header`` and ``Packet``."""

_Ordinary = tuple[HeaderFields, datetime, Layout, Sequence[str]]


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
    ordinary = _ordinary(data)
    if ordinary is None:
        return None
    fields, data_time, layout, values = ordinary
    return fields, _make_area(({"DataTime": data_time}, layout.readings(values), (), {}))


def scan_fast(data: bytes) -> Upload | None:
    """The checked pieces of an ordinary, valid packet; None to defer to the careful parser."""
    ordinary = _ordinary(data)
    if ordinary is None:
        return None
    fields, data_time, layout, values = ordinary
    return Upload(_make_header(fields), data_time, layout.factors(values))


def _ordinary(data: bytes) -> _Ordinary | None:
    """Header fields, DataTime, layout and values of an ordinary packet; None otherwise.

    The packet is decoded once, as ASCII (anything else is for the careful parser), so
    that the pattern's groups are the strings the result holds.
    """
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return None
    device = data[_DEVICE]
    layout = LAYOUTS.of_device(device)
    if layout is not None and layout.pattern is not None:
        match = layout.pattern.fullmatch(text)
        if match is not None:
            groups = match.groups()
            checked = _checked(data, groups, match.start(_CP))
            return None if checked is None else (*checked, layout, groups[_VALUES:-1])
    match = _FRAME.fullmatch(text)
    if match is None:
        return None
    groups = match.groups()
    checked = _checked(data, groups, match.start(_CP))
    if checked is None:
        return None
    items = groups[_VALUES]
    if not items:
        return (*checked, _NO_ITEMS, ())
    # Every separator gets an '=' before it, so that splitting at '=' leaves keys and
    # values alternating, each key led by the separator it followed (';' starts an item,
    # ',' continues one): the keys then spell the whole structure of the items.
    marked = items.replace(PAIR_START, "=" + PAIR_START).replace(ITEM_START, "=" + ITEM_START)
    parts = marked.split("=")  # parts[0] is the '' before the leading ';'
    if not len(parts) & 1:
        return None
    layout = LAYOUTS.learn(parts[1::2], device)
    values = parts[2::2]
    if (
        layout is None
        or not _LETTERS.issuperset(layout.flags(values))
        or _NUMBERS.fullmatch(",".join(layout.numbers(values))) is None
    ):
        return None
    return (*checked, layout, values)


def _checked(
    data: bytes, groups: tuple[str, ...], cp_start: int
) -> tuple[HeaderFields, datetime] | None:
    """Header fields and DataTime when lengths, CRC, Flag and DataTime hold; else None."""
    length, qn, st, cn, pw, mn, flag_text, pnum, pno, _, moment = groups[:_VALUES]
    segment = len(data) - _SEGMENT_START - _CRC_AND_TRAILER
    if (
        int(length) != segment
        or segment > MAX_STANDARD_SEGMENT
        or len(data) - _CRC_AND_TRAILER - cp_start > MAX_STANDARD_CP
        or int(groups[-1], 16) != crc16_hj212(data[_SEGMENT_START:-_CRC_AND_TRAILER])
    ):
        return None
    flag = int(flag_text)
    if flag > 0xFF or (flag >> 2) not in _MODERN_VERSIONS:
        return None
    if pnum is None or pno is None:
        if flag & SPLIT_BIT:
            return None
        fields: HeaderFields = (qn, st, cn, pw, mn, flag, None, None)
    else:
        count, number = int(pnum), int(pno)
        if not flag & SPLIT_BIT or not 1 <= number <= count:
            return None
        fields = (qn, st, cn, pw, mn, flag, count, number)
    try:
        # The basic ISO form YYYYMMDDThhmmss: the same dates and times as datetime(...)
        # from the six numbers accepts (a test holds them equal), parsed in C.
        data_time = datetime.fromisoformat(f"{moment[:8]}T{moment[8:]}")
    except ValueError:
        return None
    return fields, data_time

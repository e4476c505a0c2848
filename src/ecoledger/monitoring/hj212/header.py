"""Header fields of the data segment: ``QN;ST;CN;PW;MN;Flag;[PNUM;PNO;]`` before ``CP``.

Names are case-sensitive and come in the standard's order. Value rules follow HJ 212-2017
表3; the deviations seen in the field (no QN, no Flag, odd MN/PW/ST) pass only under the
matching ``Compat`` switch and are recorded as quirks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecoledger.monitoring.hj212.compat import Compat, Quirk
from ecoledger.monitoring.hj212.errors import HJ212Error, Reason, show_bytes
from ecoledger.monitoring.hj212.flags import ANSWER_BIT, SPLIT_BIT, ProtocolVersion, version_of

FIELD_ORDER = ("QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO")
_RANK = {name: rank for rank, name in enumerate(FIELD_ORDER)}

_PRINTABLE = re.compile(rb"[\x21-\x7e]*")
_QN = re.compile(r"[0-9]{17}")
_CN = re.compile(r"[0-9]{4}")
_FLAG = re.compile(r"[0-9]{1,3}")
_PACKET_NUMBER = re.compile(r"[0-9]{1,4}")
# What the field has sent instead: ST=101, 24-character PWs, MNs of 7 to 24 characters.
_LOOSE_ST = re.compile(r"[0-9A-Za-z]{1,6}")
_LOOSE_ID = re.compile(r"[^;=&,]{1,64}")


@dataclass(frozen=True, slots=True)
class _Form:
    pattern: re.Pattern[str]
    description: str


_ST = _Form(re.compile(r"[0-9A-Z]{2}"), "2 digits or upper-case letters")
_PW = _Form(re.compile(r"[0-9A-Za-z]{6}"), "6 letters or digits")
_MN_2005 = _Form(re.compile(r"[0-9A-Za-z]{14}"), "14 letters or digits (HJ/T 212-2005)")
_MN_2017 = _Form(re.compile(r"[0-9A-F]{24}"), "24 upper-case hex digits (HJ 212-2017)")


@dataclass(frozen=True, slots=True)
class Header:
    qn: str | None
    st: str
    cn: str
    pw: str
    mn: str
    flag: int | None
    pnum: int | None
    pno: int | None

    @property
    def needs_answer(self) -> bool:
        """Flag bit A: the sender waits for an answer (9014 to uploads, 9013 to notices)."""
        return self.flag is not None and bool(self.flag & ANSWER_BIT)


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    value: str
    offset: int


def parse_header(raw: bytes, base: int, compat: Compat, quirks: set[Quirk]) -> Header:
    """Parse the header fields; ``raw`` ends with the ``;`` before ``CP=``."""
    fields = _split_fields(raw, base)
    qn = _optional("QN", fields, compat.missing_qn, Quirk.MISSING_QN, base, quirks)
    if qn is not None:
        _require(qn, _QN, "17 digits (YYYYMMDDhhmmsszzz)")
    st = _loose(_required("ST", fields, base), _ST, _LOOSE_ST, Quirk.NONSTANDARD_ST, compat, quirks)
    cn = _require(_required("CN", fields, base), _CN, "4 digits")
    pw = _loose(_required("PW", fields, base), _PW, _LOOSE_ID, Quirk.NONSTANDARD_PW, compat, quirks)
    flag_field = _optional("Flag", fields, compat.missing_flag, Quirk.MISSING_FLAG, base, quirks)
    flag = None
    if flag_field is not None:
        flag = int(_require(flag_field, _FLAG, "an integer 0..255"))
        if flag > 0xFF:
            raise HJ212Error(Reason.BAD_FIELD, f"Flag {flag} exceeds 255", flag_field.offset)
    mn_field = _required("MN", fields, base)
    mn = _loose(mn_field, _mn_form(flag), _LOOSE_ID, Quirk.NONSTANDARD_MN, compat, quirks)
    pnum, pno = _packet_numbers(fields, flag, base)
    return Header(qn.value if qn else None, st, cn, pw, mn, flag, pnum, pno)


def _split_fields(raw: bytes, base: int) -> dict[str, _Field]:
    fields: dict[str, _Field] = {}
    offset = base
    previous_rank = -1
    for part in raw[:-1].split(b";") if raw else ():
        name, equals, value = part.partition(b"=")
        text_name = name.decode("ascii", errors="replace")
        rank = _RANK.get(text_name)
        if not equals:
            raise HJ212Error(
                Reason.BAD_FIELD, f"{show_bytes(part)} is not a NAME=value field", offset
            )
        if rank is None:
            raise HJ212Error(Reason.BAD_FIELD, f"unknown header field {show_bytes(name)}", offset)
        if text_name in fields:
            raise HJ212Error(Reason.BAD_FIELD, f"header field {text_name} appears twice", offset)
        if rank < previous_rank:
            raise HJ212Error(
                Reason.BAD_FIELD,
                f"header field {text_name} out of order (the order is {';'.join(FIELD_ORDER)})",
                offset,
            )
        value_offset = offset + len(name) + 1
        if _PRINTABLE.fullmatch(value) is None:
            raise HJ212Error(
                Reason.BAD_FIELD,
                f"{text_name} holds characters other than printable ASCII",
                value_offset,
            )
        previous_rank = rank
        fields[text_name] = _Field(text_name, value.decode("ascii"), value_offset)
        offset += len(part) + 1
    return fields


def _required(name: str, fields: dict[str, _Field], base: int) -> _Field:
    found = fields.get(name)
    if found is None:
        raise HJ212Error(Reason.MISSING_FIELD, f"header has no {name} field", base)
    return found


def _optional(
    name: str,
    fields: dict[str, _Field],
    allowed: bool,
    quirk: Quirk,
    base: int,
    quirks: set[Quirk],
) -> _Field | None:
    found = fields.get(name)
    if found is None:
        if not allowed:
            raise HJ212Error(Reason.MISSING_FIELD, f"header has no {name} field", base)
        quirks.add(quirk)
    return found


def _require(found: _Field, pattern: re.Pattern[str], expected: str) -> str:
    if pattern.fullmatch(found.value) is None:
        raise HJ212Error(
            Reason.BAD_FIELD, f"{found.name} {found.value!r} is not {expected}", found.offset
        )
    return found.value


def _loose(
    found: _Field,
    standard: _Form,
    loose: re.Pattern[str],
    quirk: Quirk,
    compat: Compat,
    quirks: set[Quirk],
) -> str:
    """A value that must match ``standard``, or ``loose`` under the field's quirk."""
    if standard.pattern.fullmatch(found.value) is not None:
        return found.value
    if compat.allows(quirk) and loose.fullmatch(found.value) is not None:
        quirks.add(quirk)
        return found.value
    raise HJ212Error(
        Reason.BAD_FIELD,
        f"{found.name} {found.value!r} is not {standard.description}",
        found.offset,
    )


def _mn_form(flag: int | None) -> _Form:
    """2005 device ids are 14 characters; 2017 and later are 24 hex digits (EPC-96)."""
    return _MN_2005 if version_of(flag) is ProtocolVersion.HJ212_2005 else _MN_2017


def _packet_numbers(
    fields: dict[str, _Field], flag: int | None, base: int
) -> tuple[int | None, int | None]:
    pnum_field, pno_field = fields.get("PNUM"), fields.get("PNO")
    split = flag is not None and bool(flag & SPLIT_BIT)
    if pnum_field is None and pno_field is None:
        if split:
            raise HJ212Error(
                Reason.MISSING_FIELD, "Flag marks a split packet but PNUM and PNO are missing", base
            )
        return None, None
    if pnum_field is None or pno_field is None:
        raise HJ212Error(Reason.MISSING_FIELD, "PNUM and PNO must come together", base)
    if flag is not None and not split:
        raise HJ212Error(
            Reason.BAD_FIELD, f"PNUM present but Flag {flag} has no split bit", pnum_field.offset
        )
    pnum = int(_require(pnum_field, _PACKET_NUMBER, "a packet count of 1 to 4 digits"))
    pno = int(_require(pno_field, _PACKET_NUMBER, "a packet number of 1 to 4 digits"))
    if pnum < 1:
        raise HJ212Error(Reason.BAD_FIELD, "PNUM must be at least 1", pnum_field.offset)
    if not 1 <= pno <= pnum:
        raise HJ212Error(
            Reason.BAD_FIELD, f"PNO {pno} is outside 1..PNUM ({pnum})", pno_field.offset
        )
    return pnum, pno

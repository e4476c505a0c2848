"""One HJ 212 packet: ``##`` + 4-digit length + data segment + 4-hex CRC + CR LF.

``parse_packet`` checks the frame, the CRC, the header fields and the data area, in that
order, and reports the first problem as an ``HJ212Error`` with its byte offset. Length and
CRC are computed over UTF-8 bytes: peers that count characters break on Chinese log text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecoledger.monitoring.hj212.compat import MAX_STANDARD_CP, STRICT, Compat, Quirk
from ecoledger.monitoring.hj212.cp import DataArea, parse_data_area
from ecoledger.monitoring.hj212.crc import crc16_hj212, crc16_modbus, swap_bytes
from ecoledger.monitoring.hj212.errors import HJ212Error, Reason, show_bytes
from ecoledger.monitoring.hj212.fastpath import parse_fast
from ecoledger.monitoring.hj212.flags import (
    ANSWER_BIT,
    SPLIT_BIT,
    ProtocolVersion,
    version_of,
)
from ecoledger.monitoring.hj212.header import Header, parse_header
from ecoledger.monitoring.hj212.records import maker

HEAD = b"##"
TRAILER = b"\r\n"
LENGTH_DIGITS = 4
CRC_DIGITS = 4
SEGMENT_START = len(HEAD) + LENGTH_DIGITS
CP_OPEN = b"CP=&&"
CP_CLOSE = b"&&"

_HEX = re.compile(rb"[0-9A-Fa-f]{4}")


@dataclass(frozen=True, slots=True)
class Packet:
    """A parsed packet.

    ``quirks`` lists the deviations tolerated while parsing it (empty for a conforming
    packet). ``parts`` is empty, except for a packet reassembled from split parts, which
    lists them in PNO order.
    """

    qn: str | None
    st: str
    cn: str
    pw: str
    mn: str
    flag: int | None
    pnum: int | None
    pno: int | None
    cp: DataArea
    raw: bytes
    quirks: frozenset[Quirk] = frozenset()
    parts: tuple[Packet, ...] = ()

    @property
    def version(self) -> ProtocolVersion | None:
        """The standard declared by Flag; no Flag means 2005; unknown version bits None."""
        return version_of(self.flag)

    @property
    def needs_answer(self) -> bool:
        """Flag bit A: the sender waits for an answer (9014 to uploads, 9013 to notices)."""
        return self.flag is not None and bool(self.flag & ANSWER_BIT)

    @property
    def is_split(self) -> bool:
        """Flag bit D: this is one part of a split packet and carries PNUM and PNO."""
        return self.flag is not None and bool(self.flag & SPLIT_BIT)


_make_packet = maker(Packet)
_NO_QUIRKS: frozenset[Quirk] = frozenset()


def parse_packet(data: bytes, *, compat: Compat = STRICT) -> Packet:
    """Parse one complete packet; raise ``HJ212Error`` for anything malformed.

    Ordinary conforming packets take the fast path; everything else the careful one.
    """
    fast = parse_fast(data)
    if fast is not None:
        fields, cp = fast
        return _make_packet((*fields, cp, data, _NO_QUIRKS, ()))
    return parse_carefully(data, compat=compat)


def parse_carefully(data: bytes, *, compat: Compat = STRICT) -> Packet:
    """Check frame, CRC, header and data area in order, reporting the first problem."""
    quirks: set[Quirk] = set()
    segment, crc_field = _unframe(data, compat, quirks)
    _check_crc(segment, crc_field, compat, quirks)
    _check_encoding(segment)
    cp_start = _find_cp(segment)
    header = parse_header(segment[:cp_start], SEGMENT_START, compat, quirks)
    cp = _parse_cp(segment[cp_start:], SEGMENT_START + cp_start, compat, quirks)
    return _packet(header, cp, data, quirks)


def _packet(header: Header, cp: DataArea, raw: bytes, quirks: set[Quirk]) -> Packet:
    return Packet(
        qn=header.qn,
        st=header.st,
        cn=header.cn,
        pw=header.pw,
        mn=header.mn,
        flag=header.flag,
        pnum=header.pnum,
        pno=header.pno,
        cp=cp,
        raw=raw,
        quirks=frozenset(quirks),
    )


def _unframe(data: bytes, compat: Compat, quirks: set[Quirk]) -> tuple[bytes, bytes]:
    """Split a packet into data segment and CRC field, checking head, length and trailer."""
    if not data.startswith(HEAD):
        raise HJ212Error(Reason.BAD_HEADER, "packet does not start with '##'", 0)
    length_field = data[len(HEAD) : SEGMENT_START]
    if len(length_field) < LENGTH_DIGITS or not length_field.isdigit():
        raise HJ212Error(
            Reason.BAD_LENGTH,
            f"length field {show_bytes(length_field)} is not {LENGTH_DIGITS} decimal digits",
            len(HEAD),
        )
    body = _strip_trailer(data, compat, quirks)
    if len(body) < SEGMENT_START + CRC_DIGITS:
        raise HJ212Error(Reason.TRUNCATED, "packet ends before its CRC", len(body))
    segment = body[SEGMENT_START:-CRC_DIGITS]
    declared = int(length_field)
    if declared != len(segment):
        if not compat.wrong_length:
            raise HJ212Error(
                Reason.BAD_LENGTH,
                f"declared data-segment length {declared} but {len(segment)} bytes lie "
                "between the length field and the CRC",
                len(HEAD),
            )
        quirks.add(Quirk.WRONG_LENGTH)
    if len(segment) > compat.segment_limit:
        raise HJ212Error(
            Reason.SEGMENT_TOO_LONG,
            f"data segment of {len(segment)} bytes exceeds {compat.segment_limit}",
            SEGMENT_START,
        )
    if len(segment) > STRICT.segment_limit:
        quirks.add(Quirk.LONG_SEGMENT)
    return segment, body[-CRC_DIGITS:]


def _strip_trailer(data: bytes, compat: Compat, quirks: set[Quirk]) -> bytes:
    if data.endswith(TRAILER):
        return data[: -len(TRAILER)]
    if not compat.missing_trailer:
        raise HJ212Error(
            Reason.BAD_TRAILER, "packet does not end with CR LF", max(len(data) - len(TRAILER), 0)
        )
    quirks.add(Quirk.MISSING_TRAILER)
    return data[:-1] if data.endswith((b"\r", b"\n")) else data


def _check_crc(segment: bytes, crc_field: bytes, compat: Compat, quirks: set[Quirk]) -> None:
    offset = SEGMENT_START + len(segment)
    if _HEX.fullmatch(crc_field) is None:
        raise HJ212Error(
            Reason.BAD_CRC,
            f"CRC field {show_bytes(crc_field)} is not {CRC_DIGITS} hex digits",
            offset,
        )
    received = int(crc_field, 16)
    expected = crc16_hj212(segment)
    if received != expected:
        modbus = crc16_modbus(segment)
        if received == swap_bytes(modbus) and compat.swapped_modbus_crc:
            quirks.add(Quirk.SWAPPED_MODBUS_CRC)
        elif received == modbus and compat.modbus_crc:
            quirks.add(Quirk.MODBUS_CRC)
        else:
            raise HJ212Error(
                Reason.BAD_CRC,
                f"CRC {crc_field.decode()} does not match the data segment "
                f"(HJ 212 CRC16 is {expected:04X})",
                offset,
            )
    if not crc_field.isupper() and not crc_field.isdigit():
        if not compat.lowercase_crc:
            raise HJ212Error(
                Reason.BAD_CRC, f"CRC {crc_field.decode()} is written in lower case", offset
            )
        quirks.add(Quirk.LOWERCASE_CRC)


def _check_encoding(segment: bytes) -> None:
    try:
        segment.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HJ212Error(
            Reason.BAD_ENCODING,
            "data segment is not valid UTF-8 (HJ 212 sends Chinese text as UTF-8)",
            SEGMENT_START + error.start,
        ) from None


def _find_cp(segment: bytes) -> int:
    if segment.startswith(b"CP="):
        return 0
    separator = segment.find(b";CP=")
    if separator == -1:
        raise HJ212Error(Reason.MISSING_FIELD, "no CP field in the data segment", SEGMENT_START)
    return separator + 1


def _parse_cp(cp: bytes, offset: int, compat: Compat, quirks: set[Quirk]) -> DataArea:
    if not cp.startswith(CP_OPEN) or len(cp) < len(CP_OPEN) + len(CP_CLOSE):
        raise HJ212Error(Reason.BAD_CP, "CP does not start with 'CP=&&'", offset)
    if not cp.endswith(CP_CLOSE):
        raise HJ212Error(
            Reason.BAD_CP, "CP does not end with '&&' at the end of the data segment", offset
        )
    if len(cp) > MAX_STANDARD_CP:
        if not compat.long_segment:
            raise HJ212Error(
                Reason.SEGMENT_TOO_LONG,
                f"CP field of {len(cp)} bytes exceeds {MAX_STANDARD_CP}",
                offset,
            )
        quirks.add(Quirk.LONG_SEGMENT)
    body = cp[len(CP_OPEN) : -len(CP_CLOSE)]
    return parse_data_area(body, offset + len(CP_OPEN), compat, quirks)

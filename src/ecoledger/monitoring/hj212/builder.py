"""Building packets: the exact inverse of ``parse_packet``.

Builders raise ``ValueError`` for arguments that cannot make a standard packet (a field
holding a separator, a segment over 1024 bytes): those are bugs in the caller, not input
from a device. Length and CRC are computed over the UTF-8 bytes of the segment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, time
from decimal import Decimal

from ecoledger.monitoring.hj212.compat import MAX_DECLARABLE_SEGMENT, MAX_STANDARD_SEGMENT
from ecoledger.monitoring.hj212.cp import DataArea, FacilityReading, FactorReading
from ecoledger.monitoring.hj212.crc import crc16_hj212, format_crc
from ecoledger.monitoring.hj212.packet import HEAD, TRAILER
from ecoledger.monitoring.hj212.values import format_datetime

CpValue = str | int | Decimal | datetime | time
Pair = tuple[str, CpValue]

_HEADER_VALUE = re.compile(r"[^;=&,\s]+")


def frame_segment(segment: bytes) -> bytes:
    """Wrap a data segment as a packet: ``##``, length, segment, CRC, CR LF."""
    if len(segment) > MAX_DECLARABLE_SEGMENT:
        raise ValueError(f"a data segment of {len(segment)} bytes cannot be framed")
    return HEAD + b"%04d" % len(segment) + segment + format_crc(crc16_hj212(segment)) + TRAILER


def build_packet(
    *,
    st: str,
    cn: str,
    pw: str,
    mn: str,
    qn: str | None,
    flag: int | None,
    cp: str = "",
    pnum: int | None = None,
    pno: int | None = None,
) -> bytes:
    """A standard packet; ``cp`` is the data area between ``CP=&&`` and ``&&``.

    ``qn`` or ``flag`` None leaves the field out (answers to devices that sent none).
    """
    if (pnum is None) != (pno is None):
        raise ValueError("pnum and pno go together")
    header: dict[str, str | int | None] = {
        "QN": qn, "ST": st, "CN": cn, "PW": pw, "MN": mn, "Flag": flag, "PNUM": pnum, "PNO": pno,
    }  # fmt: skip
    fields = []
    for name, value in header.items():
        if value is None:
            continue
        text = str(value)
        if _HEADER_VALUE.fullmatch(text) is None or not text.isascii():
            raise ValueError(f"{name} {text!r} is not a valid header value")
        fields.append(f"{name}={text}")
    fields.append(f"CP=&&{cp}&&")
    segment = ";".join(fields).encode("utf-8")
    if len(segment) > MAX_STANDARD_SEGMENT:
        raise ValueError(
            f"data segment of {len(segment)} bytes exceeds {MAX_STANDARD_SEGMENT}; split it"
        )
    return frame_segment(segment)


def format_value(value: CpValue) -> str:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, time):
        return f"{value.hour:02d}{value.minute:02d}{value.second:02d}"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def format_data_area(items: Iterable[Sequence[Pair]]) -> str:
    """Items joined by ``;``, the pairs of one item by ``,``."""
    return ";".join(
        ",".join(f"{key}={format_value(value)}" for key, value in item) for item in items
    )


def reading_pairs(reading: FactorReading) -> list[Pair]:
    """The ``<code>-…`` pairs of one reading, in the order the standard's examples use."""
    pairs: list[Pair] = [
        (f"{reading.code}-{kind}", value) for kind, value in reading.values.items()
    ]
    if reading.sample_time is not None:
        pairs.append((f"{reading.code}-SampleTime", reading.sample_time))
    if reading.flag is not None:
        pairs.append((f"{reading.code}-Flag", reading.flag))
    if reading.eflag is not None:
        pairs.append((f"{reading.code}-EFlag", reading.eflag))
    if reading.info is not None:
        pairs.append((f"{reading.code}-Info", f"//{reading.info}//"))
    if reading.sn is not None:
        pairs.append((f"{reading.code}-SN", reading.sn))
    pairs.extend((f"{reading.code}-{suffix}", value) for suffix, value in reading.extra.items())
    return pairs


def facility_pairs(facility: FacilityReading) -> list[Pair]:
    pairs: list[Pair] = []
    if facility.state is not None:
        pairs.append((f"{facility.code}-RS", facility.state))
    if facility.running_hours is not None:
        pairs.append((f"{facility.code}-RT", facility.running_hours))
    return pairs


def encode_data_area(area: DataArea) -> str:
    """The data-area text of a ``DataArea``: scalar keys, then readings, then facilities."""
    items: list[Sequence[Pair]] = [[(key, value)] for key, value in area.fields.items()]
    items.extend([(key, value)] for key, value in area.extra.items())
    items.extend(reading_pairs(reading) for reading in area.readings)
    items.extend(facility_pairs(facility) for facility in area.facilities)
    return format_data_area(item for item in items if item)

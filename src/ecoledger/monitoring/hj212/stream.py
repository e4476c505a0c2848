"""Parse captured traffic into JSON-ready dicts (the engine of ``ecoledger hj212 parse``).

Two input shapes: a raw byte stream as captured from a socket (framed by ``Framer``), or a
text file with one packet per line, where editors and ``echo`` leave LF or nothing instead
of CR LF (``lines=True`` restores the CR LF before parsing). Every packet gives one dict;
every problem gives ``{"error": reason, "message": ..., "offset": ...}`` with the offset
counted from the start of the input. Decimals are always strings (no float rounding),
times ISO 8601 strings, integers numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, time
from decimal import Decimal
from typing import BinaryIO

from ecoledger.monitoring.hj212.compat import STRICT, Compat
from ecoledger.monitoring.hj212.cp import FacilityReading, FactorReading, FieldValue
from ecoledger.monitoring.hj212.errors import HJ212Error
from ecoledger.monitoring.hj212.framer import Frame, Framer, FramingError
from ecoledger.monitoring.hj212.packet import TRAILER, Packet, parse_packet

JsonDict = dict[str, object]

READ_SIZE = 65536


def parse_stream(
    stream: BinaryIO | Iterable[bytes], *, compat: Compat = STRICT, lines: bool = False
) -> Iterator[JsonDict]:
    """One dict per packet or problem found in ``stream``, in input order."""
    chunks = _chunks(stream)
    if lines:
        yield from _parse_lines(chunks, compat)
        return
    framer = Framer(compat=compat)
    for chunk in chunks:
        yield from _events(framer.feed(chunk), compat)
    yield from _events(framer.close(), compat)


def packet_to_dict(packet: Packet, *, offset: int = 0) -> JsonDict:
    """A JSON-serialisable view of a packet; ``offset`` is where it starts in the input."""
    cp = packet.cp
    return {
        "offset": offset,
        "qn": packet.qn,
        "st": packet.st,
        "cn": packet.cn,
        "pw": packet.pw,
        "mn": packet.mn,
        "flag": packet.flag,
        "version": None if packet.version is None else packet.version.value,
        "needs_answer": packet.needs_answer,
        "pnum": packet.pnum,
        "pno": packet.pno,
        "quirks": sorted(quirk.value for quirk in packet.quirks),
        "cp": {
            "fields": {key: _field_json(value) for key, value in cp.fields.items()},
            "readings": [_reading_json(reading) for reading in cp.readings],
            "facilities": [_facility_json(facility) for facility in cp.facilities],
            "extra": dict(cp.extra),
        },
    }


def error_to_dict(error: HJ212Error, *, offset: int = 0) -> JsonDict:
    """The dict of a packet's problem; ``offset`` is where the packet starts in the input."""
    absolute = offset + error.offset
    message = f"{error.detail} (at byte {absolute})"
    return {"error": error.reason.value, "message": message, "offset": absolute}


def _chunks(stream: BinaryIO | Iterable[bytes]) -> Iterator[bytes]:
    read = getattr(stream, "read", None)
    if read is None:
        yield from stream
        return
    while chunk := read(READ_SIZE):
        yield chunk


def _events(events: list[Frame | FramingError], compat: Compat) -> Iterator[JsonDict]:
    for event in events:
        if isinstance(event, FramingError):
            yield {"error": event.reason.value, "message": event.message, "offset": event.offset}
        else:
            yield _parsed(event.data, event.offset, compat)


def _parse_lines(chunks: Iterator[bytes], compat: Compat) -> Iterator[JsonDict]:
    offset = 0
    pending = b""
    for chunk in chunks:
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield from _parse_line(line, offset, compat)
            offset += len(line) + 1
    yield from _parse_line(pending, offset, compat)


def _parse_line(line: bytes, offset: int, compat: Compat) -> Iterator[JsonDict]:
    packet = line.removesuffix(b"\r")
    if packet.strip():
        yield _parsed(packet + TRAILER, offset, compat)


def _parsed(data: bytes, offset: int, compat: Compat) -> JsonDict:
    try:
        return packet_to_dict(parse_packet(data, compat=compat), offset=offset)
    except HJ212Error as error:
        return error_to_dict(error, offset=offset)


def _field_json(value: FieldValue) -> object:
    if isinstance(value, datetime | time):
        return value.isoformat()
    return value


def _decimal_json(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _reading_json(reading: FactorReading) -> JsonDict:
    parameter = reading.canonical_parameter
    return {
        "code": reading.code,
        "parameter": None if parameter is None else parameter.code,
        "values": {kind: _decimal_json(value) for kind, value in reading.values.items()},
        "flag": reading.flag,
        "eflag": reading.eflag,
        "sample_time": None if reading.sample_time is None else reading.sample_time.isoformat(),
        "info": reading.info,
        "sn": reading.sn,
        "extra": dict(reading.extra),
    }


def _facility_json(facility: FacilityReading) -> JsonDict:
    return {
        "code": facility.code,
        "state": facility.state,
        "running_hours": _decimal_json(facility.running_hours),
    }

"""The fast path and the careful parser agree; the folded CRC equals the byte-by-byte one."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from ecoledger.monitoring.hj212 import (
    DataArea,
    FactorReading,
    HJ212Error,
    build_packet,
    lookup_parameter,
)
from ecoledger.monitoring.hj212.builder import encode_data_area
from ecoledger.monitoring.hj212.cp import NUMERIC_SUFFIXES
from ecoledger.monitoring.hj212.crc import crc16_hj212
from ecoledger.monitoring.hj212.fastpath import parse_fast, scan_fast
from ecoledger.monitoring.hj212.packet import parse_carefully, parse_packet
from tests.monitoring.hj212.test_hj212_properties import (
    EXAMPLES,
    codes,
    data_areas,
    decimals,
    headers,
)


def _reference_crc(data: bytes) -> int:
    """Appendix A as written: one table step per byte."""
    table = []
    for byte in range(256):
        register = byte
        for _ in range(8):
            register = (register >> 1) ^ 0xA001 if register & 1 else register >> 1
        table.append(register)
    register = 0xFFFF
    for byte in data:
        register = table[(register >> 8) ^ byte]
    return register


@given(st.binary(max_size=3000))
def test_the_folded_crc_equals_the_byte_by_byte_crc(data: bytes) -> None:
    assert crc16_hj212(data) == _reference_crc(data)


@st.composite
def plain_areas(draw: st.DrawFn) -> DataArea:
    """What ordinary uploads carry: DataTime, numbers and one-letter flags."""
    suffixes = st.lists(st.sampled_from(sorted(NUMERIC_SUFFIXES)), min_size=1, max_size=4,
                        unique=True)
    readings = tuple(
        FactorReading(code, lookup_parameter(code),
                      {kind: draw(decimals) for kind in draw(suffixes)},
                      draw(st.none() | st.sampled_from(list("NFMSDCTB"))))
        for code in draw(st.lists(codes, min_size=1, max_size=10, unique=True))
    )
    moment = draw(st.datetimes(min_value=datetime(2000, 1, 1))).replace(microsecond=0)
    return DataArea({"DataTime": moment}, readings)


def _packet(header: dict[str, object], area: DataArea) -> bytes:
    try:
        return build_packet(cp=encode_data_area(area), **header)  # type: ignore[arg-type]
    except ValueError:
        assume(False)
        raise


@given(headers(), plain_areas())
def test_ordinary_packets_take_the_fast_path_to_the_same_result(header, area) -> None:
    data = _packet(header, area)

    assert parse_fast(data) is not None
    assert parse_packet(data) == parse_carefully(data)


@given(headers(), data_areas())
def test_any_valid_packet_parses_the_same_on_either_path(header, area) -> None:
    data = _packet(header, area)

    assert parse_packet(data) == parse_carefully(data)


@given(st.sampled_from(EXAMPLES), st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)),
                                           max_size=4))
def test_the_fast_path_never_accepts_what_the_careful_parser_refuses(packet, edits) -> None:
    data = bytearray(packet)
    for position, value in edits:
        if position < len(data):
            data[position] = value
    try:
        careful = parse_carefully(bytes(data))
    except HJ212Error:
        assert parse_fast(bytes(data)) is None
    else:
        assert parse_packet(bytes(data)) == careful


@given(headers(), plain_areas())
def test_a_scanned_packet_says_what_the_parsed_packet_says(header, area) -> None:
    data = _packet(header, area)

    upload = scan_fast(data)
    packet = parse_packet(data)

    assert upload is not None
    assert (upload.header.qn, upload.header.st, upload.header.cn, upload.header.pw,
            upload.header.mn, upload.header.flag, upload.header.pnum, upload.header.pno) == (
        packet.qn, packet.st, packet.cn, packet.pw, packet.mn, packet.flag, packet.pnum,
        packet.pno)  # fmt: skip
    assert upload.header.needs_answer == packet.needs_answer
    assert upload.data_time == packet.cp.data_time
    assert [
        (code, {suffix: Decimal(text) for suffix, text in pairs.items() if suffix != "Flag"},
         pairs.get("Flag"))
        for code, pairs in upload.factors.items()
    ] == [(reading.code, reading.values, reading.flag) for reading in packet.cp.readings]


def test_factors_that_are_not_one_item_each_go_to_the_careful_parser() -> None:
    merged = "DataTime=20240601085800;a21026-Rtd=1.5;a21026-Flag=N"
    mixed = "DataTime=20240601085800;a21026-Rtd=1.5,a21002-Rtd=2.5"
    twice = "DataTime=20240601085800;a21026-Rtd=1.5,a21026-Rtd=2.5"

    for cp in (merged, mixed, twice):
        data = build_packet(qn="20240601085857223", st="31", cn="2011", pw="123456",
                            mn="010000A8900016F000169DC0", flag=5, cp=cp)
        assert scan_fast(data) is None
    assert parse_packet(build_packet(qn="20240601085857223", st="31", cn="2011", pw="123456",
                                     mn="010000A8900016F000169DC0", flag=5, cp=merged)
                        ).cp.readings[0].flag == "N"  # fmt: skip


def test_the_standards_upload_examples_take_the_fast_path() -> None:
    assert parse_fast(EXAMPLES[1]) is not None
    assert parse_fast(EXAMPLES[3]) is not None

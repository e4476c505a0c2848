"""The fast path and the careful parser agree; the folded CRC equals the byte-by-byte one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from ecoledger.monitoring.hj212 import (
    DataArea,
    FactorReading,
    HJ212Error,
    build_packet,
    fastpath,
    lookup_parameter,
)
from ecoledger.monitoring.hj212.builder import encode_data_area
from ecoledger.monitoring.hj212.cp import NUMERIC_SUFFIXES
from ecoledger.monitoring.hj212.crc import crc16_hj212
from ecoledger.monitoring.hj212.fastpath import parse_fast, scan_fast
from ecoledger.monitoring.hj212.layout import Layouts
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


@contextmanager
def learning(**options: int) -> Iterator[Layouts]:
    """The fast path with layouts of its own, compiled as soon as seen twice by default."""
    saved = fastpath.LAYOUTS
    fastpath.LAYOUTS = Layouts(**{"compile_cost": 0, **options})
    try:
        yield fastpath.LAYOUTS
    finally:
        fastpath.LAYOUTS = saved


def _compiled(data: bytes, layouts: Layouts) -> bool:
    layout = layouts.of_device(data[27:78])
    return layout is not None and layout.pattern is not None


@given(headers(), plain_areas())
def test_a_compiled_layout_reads_each_packet_as_the_careful_parser_does(header, area) -> None:
    data = _packet(header, area)
    careful = parse_carefully(data)

    with learning() as layouts:
        readings = [parse_packet(data) for _ in range(3)]
        scans = [scan_fast(data) for _ in range(3)]

        assert _compiled(data, layouts)
    assert readings == [careful] * 3
    assert scans[1:] == scans[:1] * 2


@given(st.sampled_from(EXAMPLES), st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)),
                                           max_size=4))
def test_a_compiled_layout_never_accepts_what_the_careful_parser_refuses(packet, edits) -> None:
    data = bytearray(packet)
    for position, value in edits:
        if position < len(data):
            data[position] = value
    with learning() as layouts:
        parse_packet(packet), parse_packet(packet)

        try:
            careful = parse_carefully(bytes(data))
        except HJ212Error:
            assert parse_fast(bytes(data)) is None
            assert scan_fast(bytes(data)) is None
        else:
            assert parse_packet(bytes(data)) == careful
        assert _compiled(packet, layouts) == (parse_fast(packet) is not None)


def test_a_device_that_changes_its_layout_is_read_by_the_new_one() -> None:
    header = {"qn": "20240601085857223", "st": "22", "cn": "2051", "pw": "123456",
              "mn": "010000A8900016F000169DC0", "flag": 4}  # fmt: skip
    first = build_packet(cp="DataTime=20240601085800;a21026-Avg=7.5,a21026-Flag=N", **header)
    second = build_packet(cp="DataTime=20240601085900;a21026-Avg=7.6;a34004-Avg=12.1", **header)

    with learning() as layouts:
        parse_packet(first), parse_packet(first)
        assert _compiled(first, layouts)

        assert parse_packet(second) == parse_carefully(second)
        assert parse_packet(first) == parse_carefully(first)


def test_compiling_is_rationed_by_the_packets_read() -> None:
    layouts = Layouts(compile_cost=10)
    compiled = 0
    for number in range(2000):
        keys = [f";a{number:05d}-Avg"]
        layouts.learn(keys, b"device")
        layout = layouts.learn(keys, b"device")
        assert layout is not None
        compiled += layout.pattern is not None

    assert 4000 // 10 <= compiled <= 32 + 4000 // 10  # a burst of 32, then one per 10 read


def test_only_the_latest_layouts_stay_compiled() -> None:
    layouts = Layouts(compile_cost=0, max_compiled=3)
    learnt = []
    for number in range(10):
        layouts.learn([f";a{number:05d}-Avg"], b"device")
        learnt.append(layouts.learn([f";a{number:05d}-Avg"], b"device"))

    assert [layout.pattern is not None for layout in learnt] == [False] * 7 + [True] * 3


def test_the_layouts_and_devices_remembered_are_bounded() -> None:
    layouts = Layouts(max_layouts=50, max_devices=20)
    learnt = [layouts.learn([f";a{number:05d}-Avg"], b"%d" % number) for number in range(1000)]

    assert layouts.of_device(b"999") is learnt[999]
    assert layouts.of_device(b"979") is None
    assert layouts.learn([";a00950-Avg"], b"x") is learnt[950]
    assert layouts.learn([";a00949-Avg"], b"x") is not learnt[949]


@given(st.builds("".join, st.tuples(
    st.sampled_from(["0000", "0001", "1999", "2000", "2023", "2024", "2100", "9999"]),
    st.sampled_from([f"{number:02d}" for number in (0, 1, 2, 9, 12, 13, 99)]),
    st.sampled_from([f"{number:02d}" for number in (0, 1, 28, 29, 30, 31, 32, 99)]),
    st.sampled_from([f"{number:02d}" for number in (0, 9, 23, 24, 99)]),
    st.sampled_from([f"{number:02d}" for number in (0, 30, 59, 60, 99)]),
    st.sampled_from([f"{number:02d}" for number in (0, 30, 59, 60, 99)]),
)) | st.from_regex(r"[0-9]{14}", fullmatch=True))
def test_the_fast_path_takes_the_data_times_the_careful_parser_takes(moment: str) -> None:
    data = build_packet(qn="20240601085857223", st="22", cn="2051", pw="123456",
                        mn="010000A8900016F000169DC0", flag=4,
                        cp=f"DataTime={moment};a21026-Avg=7.5")  # fmt: skip
    try:
        careful = parse_carefully(data)
    except HJ212Error:
        assert parse_fast(data) is None
    else:
        assert parse_packet(data) == careful

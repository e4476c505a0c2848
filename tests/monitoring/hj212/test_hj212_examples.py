"""The example packets of hj212.md §1.2 parse, verify and decode to exact values."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ecoledger.monitoring.hj212 import (
    ProtocolVersion,
    build_data_answer,
    crc16_hj212,
    parse_packet,
)

EXAMPLES = [
    line + b"\r\n" for line in Path(__file__).with_name("examples.txt").read_bytes().splitlines()
]
DECLARED = [
    (101, "1C80"),
    (341, "F281"),
    (87, "24C0"),
    (344, "C481"),
    (201, "1980"),
    (152, "9481"),
    (94, "1B00"),
]


@pytest.mark.parametrize(("packet", "length_and_crc"), list(zip(EXAMPLES, DECLARED, strict=True)))
def test_every_example_packet_has_the_length_and_crc_it_declares(
    packet: bytes, length_and_crc: tuple[int, str]
) -> None:
    length, crc = length_and_crc
    segment = packet[6:-6]

    assert int(packet[2:6]) == length == len(segment)
    assert packet[-6:-2].decode() == crc == f"{crc16_hj212(segment):04X}"


@pytest.mark.parametrize("packet", EXAMPLES)
def test_every_example_packet_parses_in_strict_mode_without_quirks(packet: bytes) -> None:
    parsed = parse_packet(packet)

    assert parsed.raw == packet
    assert parsed.quirks == frozenset()
    assert parsed.version is ProtocolVersion.HJ212_2017
    assert parsed.mn == "010000A8900016F000169DC0"


def test_the_appendix_a_example_is_a_set_real_time_interval_request() -> None:
    packet = parse_packet(EXAMPLES[0])

    assert (packet.qn, packet.st, packet.cn, packet.pw, packet.flag) == (
        "20160801085857223", "32", "1062", "100000", 5,
    )  # fmt: skip
    assert packet.needs_answer
    assert not packet.is_split
    assert packet.cp.fields == {"RtdInterval": 30}


def test_the_cems_upload_decodes_every_factor_with_its_flag() -> None:
    packet = parse_packet(EXAMPLES[1])

    assert packet.cp.data_time == datetime(2024, 6, 1, 8, 58)
    assert [reading.code for reading in packet.cp.readings] == [
        "a21026", "a21002", "a34013", "a19001", "a00000", "a01012",
    ]  # fmt: skip
    so2 = packet.cp.readings[0]
    assert so2.values == {"Rtd": Decimal("35.2"), "ZsRtd": Decimal("40.1")}
    assert so2.flag == "N"
    assert so2.canonical_parameter is not None
    assert so2.canonical_parameter.name_zh == "二氧化硫"
    assert packet.cp.readings[3].values == {"Rtd": Decimal("9.8")}


def test_the_wastewater_hourly_upload_decodes_cumulative_and_interval_values() -> None:
    packet = parse_packet(EXAMPLES[3])

    cod = packet.cp.reading("w01018")
    assert cod is not None
    assert cod.values == {
        "Cou": Decimal("2.52"), "Min": Decimal("38.2"),
        "Avg": Decimal("40.1"), "Max": Decimal("42.0"),
    }  # fmt: skip
    assert packet.cp.data_time == datetime(2024, 6, 1, 8, 0)


def test_the_split_example_carries_its_part_numbers() -> None:
    packet = parse_packet(EXAMPLES[4])

    assert packet.is_split
    assert packet.needs_answer
    assert (packet.pnum, packet.pno) == (2, 1)


def test_the_chinese_log_counts_152_bytes_for_144_characters() -> None:
    packet = EXAMPLES[5]
    segment = packet[6:-6]

    assert len(segment) == 152
    assert len(segment.decode("utf-8")) == 144
    parsed = parse_packet(packet)
    assert parsed.cp.fields["PolId"] == "w01018"
    log = parsed.cp.reading("i11001")
    assert log is not None
    assert log.info == "清洗管路"


def test_the_request_answer_example_carries_qnrtn_1() -> None:
    packet = parse_packet(EXAMPLES[6])

    assert packet.cn == "9011"
    assert packet.cp.qn_rtn == 1
    assert not packet.needs_answer


def test_the_data_answer_to_the_cems_upload_is_example_3_byte_for_byte() -> None:
    upload = parse_packet(EXAMPLES[1])

    assert build_data_answer(upload) == EXAMPLES[2]

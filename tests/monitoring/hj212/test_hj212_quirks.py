"""Every field quirk is refused in strict mode and accepted (and recorded) when allowed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ecoledger.monitoring.hj212 import LENIENT, Compat, HJ212Error, Quirk, Reason, parse_packet
from ecoledger.monitoring.hj212.crc import crc16_hj212, crc16_modbus, swap_bytes

MN = "010000A8900016F000169DC0"
HEADER = f"QN=20240601085857223;ST=32;CN=2011;PW=123456;MN={MN};Flag=4"
CP = "DataTime=20240601085800;w01018-Rtd=40.1,w01018-Flag=N"


def frame(
    segment: str, *, crc: str | None = None, length: int | None = None, trailer: bytes = b"\r\n"
) -> bytes:
    raw = segment.encode("utf-8")
    declared = len(raw) if length is None else length
    crc_text = f"{crc16_hj212(raw):04X}" if crc is None else crc
    return b"##%04d" % declared + raw + crc_text.encode() + trailer


def modbus_crc(segment: str, *, swapped: bool = False) -> str:
    value = crc16_modbus(segment.encode())
    return f"{swap_bytes(value) if swapped else value:04X}"


@dataclass(frozen=True)
class Case:
    quirk: Quirk
    data: bytes
    strict_reason: Reason


STANDARD = f"{HEADER};CP=&&{CP}&&"
NO_QN = f"ST=32;CN=2011;PW=123456;MN={MN};Flag=4;CP=&&{CP}&&"
NO_FLAG = f"QN=20240601085857223;ST=32;CN=2011;PW=123456;MN=88888880000001;CP=&&{CP}&&"
LONG = f"{HEADER};CP=&&" + ";".join(f"w{index:05d}-Rtd=1.0" for index in range(80)) + "&&"
LOWER_CRC = f"{crc16_hj212(STANDARD.encode()):04x}"

CASES = [
    Case(Quirk.LOWERCASE_CRC, frame(STANDARD, crc=LOWER_CRC), Reason.BAD_CRC),
    Case(Quirk.MODBUS_CRC, frame(STANDARD, crc=modbus_crc(STANDARD)), Reason.BAD_CRC),
    Case(Quirk.SWAPPED_MODBUS_CRC, frame(STANDARD, crc=modbus_crc(STANDARD, swapped=True)),
         Reason.BAD_CRC),
    Case(Quirk.MISSING_QN, frame(NO_QN), Reason.MISSING_FIELD),
    Case(Quirk.MISSING_FLAG, frame(NO_FLAG), Reason.MISSING_FIELD),
    Case(Quirk.LONG_SEGMENT, frame(LONG), Reason.SEGMENT_TOO_LONG),
    Case(Quirk.NONSTANDARD_MN, frame(STANDARD.replace(MN, "JLYP01_AIR01_0001")), Reason.BAD_FIELD),
    Case(Quirk.NONSTANDARD_PW, frame(STANDARD.replace("PW=123456", "PW=" + "1" * 24)),
         Reason.BAD_FIELD),
    Case(Quirk.NONSTANDARD_ST, frame(STANDARD.replace("ST=32", "ST=101")), Reason.BAD_FIELD),
    Case(Quirk.DATETIME_MILLISECONDS, frame(STANDARD.replace("085800", "085800123")),
         Reason.BAD_DATETIME),
    Case(Quirk.TRAILING_SEMICOLON, frame(f"{HEADER};CP=&&{CP};&&"), Reason.BAD_CP),
    Case(Quirk.WRONG_LENGTH, frame(STANDARD, length=len(STANDARD) + 1), Reason.BAD_LENGTH),
    Case(Quirk.MISSING_TRAILER, frame(STANDARD, trailer=b""), Reason.BAD_TRAILER),
    Case(Quirk.UNKNOWN_KEYS, frame(f"{HEADER};CP=&&{CP};FANSTATUS=1&&"), Reason.BAD_CP),
]  # fmt: skip


def test_there_is_one_case_for_every_quirk() -> None:
    assert {case.quirk for case in CASES} == set(Quirk)


def test_the_standard_packet_behind_the_cases_is_conforming() -> None:
    assert parse_packet(frame(STANDARD)).quirks == frozenset()
    assert len({LOWER_CRC.upper(), modbus_crc(STANDARD), modbus_crc(STANDARD, swapped=True)}) == 3


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.quirk.value)
def test_strict_mode_refuses_the_quirk_with_its_reason(case: Case) -> None:
    with pytest.raises(HJ212Error) as caught:
        parse_packet(case.data)

    assert caught.value.reason == case.strict_reason


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.quirk.value)
def test_the_matching_switch_accepts_the_quirk_and_records_it(case: Case) -> None:
    packet = parse_packet(case.data, compat=Compat.only(case.quirk))

    assert packet.quirks == {case.quirk}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.quirk.value)
def test_lenient_mode_accepts_every_quirk(case: Case) -> None:
    assert case.quirk in parse_packet(case.data, compat=LENIENT).quirks


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.quirk.value)
def test_another_switch_does_not_accept_the_quirk(case: Case) -> None:
    others = [quirk for quirk in Quirk if quirk != case.quirk]

    with pytest.raises(HJ212Error):
        parse_packet(case.data, compat=Compat.only(*others))


def test_milliseconds_are_kept_when_allowed() -> None:
    data = frame(STANDARD.replace("085800", "085800.250"))

    packet = parse_packet(data, compat=Compat.only(Quirk.DATETIME_MILLISECONDS))

    assert packet.cp.data_time is not None
    assert packet.cp.data_time.microsecond == 250_000


def test_unknown_keys_are_kept_raw_when_allowed() -> None:
    data = frame(f"{HEADER};CP=&&{CP},w01018-Foo=bar;FANSTATUS=1&&")

    area = parse_packet(data, compat=Compat.only(Quirk.UNKNOWN_KEYS)).cp

    assert area.extra == {"FANSTATUS": "1"}
    reading = area.reading("w01018")
    assert reading is not None
    assert reading.extra == {"Foo": "bar"}


def test_a_packet_without_flag_reads_as_2005_and_wants_no_answer() -> None:
    packet = parse_packet(CASES[4].data, compat=Compat.only(Quirk.MISSING_FLAG))

    assert packet.flag is None
    assert packet.version is not None and packet.version.value == "2005"
    assert not packet.needs_answer


def test_long_segments_stop_at_the_hard_cap() -> None:
    compat = Compat(long_segment=True, max_segment=1100)
    cp = ";".join(f"w{index:05d}-Rtd=1.0" for index in range(90))

    with pytest.raises(HJ212Error) as caught:
        parse_packet(frame(f"{HEADER};CP=&&{cp}&&"), compat=compat)

    assert caught.value.reason == Reason.SEGMENT_TOO_LONG


def test_a_line_feed_alone_ends_a_packet_without_cr_when_allowed() -> None:
    data = frame(STANDARD, trailer=b"\n")

    assert parse_packet(data, compat=Compat.only(Quirk.MISSING_TRAILER)).quirks == {
        Quirk.MISSING_TRAILER
    }


def test_the_cap_for_long_segments_cannot_exceed_what_four_digits_declare() -> None:
    with pytest.raises(ValueError, match="max_segment"):
        Compat(max_segment=10_000)

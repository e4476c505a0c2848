"""Strict parsing: what HJ 212-2017 allows, what it refuses, and where the error points."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from ecoledger.monitoring.hj212 import (
    HJ212Error,
    ProtocolVersion,
    Reason,
    frame_segment,
    parse_packet,
)

MN = "010000A8900016F000169DC0"
HEADER = f"QN=20240601085857223;ST=32;CN=2011;PW=123456;MN={MN};Flag=5"


def packet(segment: str) -> bytes:
    return frame_segment(segment.encode("utf-8"))


def upload(cp: str, header: str = HEADER) -> bytes:
    return packet(f"{header};CP=&&{cp}&&")


def refusal(data: bytes) -> HJ212Error:
    with pytest.raises(HJ212Error) as caught:
        parse_packet(data)
    return caught.value


def test_it_rejects_a_crc_that_does_not_match() -> None:
    good = upload("DataTime=20240601085800;w01018-Rtd=40.1")
    bad = good[:-6] + (b"0000" if good[-6:-2] != b"0000" else b"0001") + b"\r\n"

    error = refusal(bad)

    assert error.reason == Reason.BAD_CRC
    assert error.offset == len(bad) - 6
    assert f"at byte {len(bad) - 6}" in error.message


def test_it_rejects_a_crc_that_is_not_hex() -> None:
    good = upload("")

    assert refusal(good[:-6] + b"12G4\r\n").reason == Reason.BAD_CRC


def test_it_rejects_a_packet_without_the_double_hash() -> None:
    error = refusal(b"#*" + upload("")[2:])

    assert (error.reason, error.offset) == (Reason.BAD_HEADER, 0)


def test_it_rejects_a_length_field_that_is_not_four_digits() -> None:
    data = upload("")
    error = refusal(data[:2] + b"00A7" + data[6:])

    assert (error.reason, error.offset) == (Reason.BAD_LENGTH, 2)


def test_it_rejects_a_declared_length_that_does_not_match_the_segment() -> None:
    data = upload("")
    declared = int(data[2:6])
    error = refusal(data[:2] + b"%04d" % (declared + 1) + data[6:])

    assert (error.reason, error.offset) == (Reason.BAD_LENGTH, 2)
    assert f"declared data-segment length {declared + 1}" in error.message


def test_it_rejects_a_packet_without_cr_lf() -> None:
    assert refusal(upload("")[:-2]).reason == Reason.BAD_TRAILER


def test_it_rejects_a_data_segment_over_1024_bytes() -> None:
    cp = ";".join(f"w{index:05d}-Rtd=1.0" for index in range(80))

    error = refusal(upload(cp))

    assert (error.reason, error.offset) == (Reason.SEGMENT_TOO_LONG, 6)


def test_it_rejects_a_cp_over_950_bytes_in_a_segment_under_1024() -> None:
    cp = "w00001-Info=//" + "x" * 924 + "//"

    assert refusal(upload(cp)).reason == Reason.SEGMENT_TOO_LONG


def test_it_reports_invalid_utf8_at_the_offending_byte() -> None:
    segment = f"{HEADER};CP=&&i11001-Info=//".encode() + b"\xff\xfe//&&"
    error = refusal(frame_segment(segment))

    assert error.reason == Reason.BAD_ENCODING
    assert error.offset == 6 + segment.index(b"\xff")


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5", Reason.MISSING_FIELD),
        ("QN=20240601085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0",
         Reason.MISSING_FIELD),
        ("QN=20240601085857223;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5",
         Reason.MISSING_FIELD),
        ("QN=20240601085857223;ST=32;CN=2011;PW=123456;Flag=5", Reason.MISSING_FIELD),
        ("QN=20240601085857223;ST=32;PW=123456;CN=2011;MN=010000A8900016F000169DC0;Flag=5",
         Reason.BAD_FIELD),
        ("QN=20240601085857223;ST=32;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5",
         Reason.BAD_FIELD),
        ("qn=20240601085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5",
         Reason.BAD_FIELD),
        ("QN=2024060108585722;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5",
         Reason.BAD_FIELD),
        ("QN=20240601085857223;ST=32;CN=211;PW=123456;MN=010000A8900016F000169DC0;Flag=5",
         Reason.BAD_FIELD),
        ("QN=20240601085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=256",
         Reason.BAD_FIELD),
        ("QN=20240601085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=x",
         Reason.BAD_FIELD),
        ("QN=20240601085857223;ST=32;CN=2011;PW=123456;MN=010000a8900016f000169dc0;Flag=5",
         Reason.BAD_FIELD),
        ("QN=20240601085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;RF=1",
         Reason.BAD_FIELD),
        ("QN=20240601085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
         "PNUM=2;PNO=1", Reason.BAD_FIELD),
        ("QN=20240601085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=7",
         Reason.MISSING_FIELD),
        ("QN=20240601085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=7;"
         "PNUM=2;PNO=3", Reason.BAD_FIELD),
    ],
    ids=["no QN", "no Flag", "no ST", "no MN", "out of order", "twice", "lower-case name",
         "short QN", "short CN", "Flag over 255", "Flag not a number", "lower-case MN",
         "unknown field", "PNUM without split bit", "split bit without PNUM", "PNO over PNUM"],
)  # fmt: skip
def test_it_refuses_a_header_that_breaks_the_2017_rules(header: str, reason: Reason) -> None:
    assert refusal(upload("", header)).reason == reason


def test_a_header_error_points_at_the_offending_value() -> None:
    header = f"QN=20240601085857223;ST=32;CN=2011;PW=123456;MN={MN};Flag=x"
    data = upload("", header)

    assert refusal(data).offset == data.index(b"Flag=x") + len("Flag=")


def test_it_rejects_a_segment_without_cp() -> None:
    assert refusal(packet(HEADER)).reason == Reason.MISSING_FIELD


@pytest.mark.parametrize(
    ("cp_field", "reason"),
    [
        ("CP=&&DataTime=20240601085800", Reason.BAD_CP),
        ("CP=DataTime=20240601085800&&", Reason.BAD_CP),
    ],
)
def test_it_rejects_a_cp_without_its_ampersands(cp_field: str, reason: Reason) -> None:
    assert refusal(packet(f"{HEADER};{cp_field}")).reason == reason


@pytest.mark.parametrize(
    ("cp", "reason"),
    [
        ("DataTime=20240631085800", Reason.BAD_DATETIME),
        ("DataTime=2024060108580", Reason.BAD_DATETIME),
        ("DataTime=20240601085800123", Reason.BAD_DATETIME),
        ("w01018-Rtd=4O.1", Reason.BAD_VALUE),
        ("w01018-Rtd=1e5", Reason.BAD_VALUE),
        ("w01018-Rtd=NaN", Reason.BAD_VALUE),
        ("w01018-Rtd=", Reason.BAD_VALUE),
        ("w01018-Rtd=٣", Reason.BAD_VALUE),
        ("w01018-Flag=NN", Reason.BAD_VALUE),
        ("w01018-EFlag=ABCDE", Reason.BAD_VALUE),
        ("QnRtn=-1", Reason.BAD_VALUE),
        ("w01018-Rtd=1,w01018-Rtd=2", Reason.BAD_CP),
        ("w01018-Rtd=1;;w01003-Rtd=2", Reason.BAD_CP),
        ("w01018-Rtd=1,", Reason.BAD_CP),
        ("w01018-Rtd=1;", Reason.BAD_CP),
        ("w01018-Rtd", Reason.BAD_CP),
        ("w01018 Rtd=1", Reason.BAD_CP),
        ("FANSTATUS=1", Reason.BAD_CP),
        ("w01018-Foo=1", Reason.BAD_CP),
        ("i11001-Info=//never closed", Reason.BAD_CP),
    ],
)
def test_it_refuses_a_data_area_that_breaks_the_grammar(cp: str, reason: Reason) -> None:
    assert refusal(upload(cp)).reason == reason


def test_a_data_area_error_points_at_the_offending_value() -> None:
    data = upload("DataTime=20240601085800;w01018-Rtd=4O.1")

    assert refusal(data).offset == data.index(b"4O.1")


def test_it_reads_every_kind_of_factor_key() -> None:
    cp = (
        "DataTime=20240601085800;"
        "a21026-Rtd=35.2,a21026-Min=1,a21026-Avg=2,a21026-Max=3,a21026-Cou=-0.5,a21026-ZsRtd=40.1,"
        "a21026-ZsMin=4,a21026-ZsAvg=5,a21026-ZsMax=6,a21026-Flag=N,a21026-EFlag=A12,"
        "a21026-SampleTime=20240601085700;"
        "LA-Data=55.1,LA-DayData=56.0,LA-NightData=45.5;"
        "a21026-SN=010000A8900016F000169DC1;"
        "SB1-RS=1,SB1-RT=12.5;SB2-RS=4"
    )
    area = parse_packet(upload(cp)).cp

    so2 = area.reading("a21026")
    assert so2 is not None
    assert so2.values == {
        "Rtd": Decimal("35.2"), "Min": 1, "Avg": 2, "Max": 3, "Cou": Decimal("-0.5"),
        "ZsRtd": Decimal("40.1"), "ZsMin": 4, "ZsAvg": 5, "ZsMax": 6,
    }  # fmt: skip
    assert (so2.flag, so2.eflag, so2.sample_time, so2.sn) == (
        "N", "A12", datetime(2024, 6, 1, 8, 57), "010000A8900016F000169DC1",
    )  # fmt: skip
    noise = area.reading("LA")
    assert noise is not None
    assert noise.values == {"Data": Decimal("55.1"), "DayData": 56, "NightData": Decimal("45.5")}
    assert [(f.code, f.state, f.running_hours) for f in area.facilities] == [
        ("SB1", 1, Decimal("12.5")), ("SB2", 4, None),
    ]  # fmt: skip


def test_it_reads_every_scalar_key_typed() -> None:
    cp = (
        "BeginTime=20240601000000;EndTime=20240601235959;SystemTime=20240601085857;"
        "RestartTime=20240601000100;QnRtn=1;ExeRtn=100;RtdInterval=30;MinInterval=10;"
        "PolId=w01018;InfoId=i12001;NewPW=654321;OverTime=5;ReCount=3;VaseNo=01;"
        "CstartTime=083000;Ctime=2;Stime=15"
    )
    area = parse_packet(upload(cp)).cp

    assert area.begin_time == datetime(2024, 6, 1)
    assert area.end_time == datetime(2024, 6, 1, 23, 59, 59)
    assert area.system_time == datetime(2024, 6, 1, 8, 58, 57)
    assert area.exe_rtn == 100
    assert area.fields["MinInterval"] == 10
    assert area.fields["VaseNo"] == "01"
    assert area.fields["CstartTime"].isoformat() == "08:30:00"  # type: ignore[union-attr]


def test_information_text_may_hold_separators_and_chinese() -> None:
    cp = "i11001-Info=//报警;超标,请检查 a=b//,i11001-Flag=N;i12001-Info=0"
    area = parse_packet(upload(cp)).cp

    log = area.reading("i11001")
    state = area.reading("i12001")
    assert log is not None and state is not None
    assert (log.info, log.flag) == ("报警;超标,请检查 a=b", "N")
    assert state.info == "0"


def test_a_2005_reading_code_maps_to_the_2017_parameter() -> None:
    area = parse_packet(upload("011-Rtd=40.1,011-Flag=N")).cp

    reading = area.readings[0]
    assert (reading.code, reading.canonical_code) == ("011", "w01018")


def test_it_accepts_an_unknown_factor_code_without_a_parameter() -> None:
    reading = parse_packet(upload("O3-Rtd=88")).cp.readings[0]

    assert (reading.code, reading.canonical_parameter) == ("O3", None)


def test_it_accepts_a_2005_packet_with_a_14_character_mn_and_short_codes() -> None:
    header = "QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=88888880000001;Flag=1"
    parsed = parse_packet(
        upload("DataTime=20160801085857;011-Rtd=40.1,011-Flag=N;B01-Rtd=2", header)
    )

    assert parsed.version is ProtocolVersion.HJ212_2005
    assert parsed.needs_answer
    assert parsed.quirks == frozenset()
    assert [r.canonical_code for r in parsed.cp.readings] == ["w01018", "w00000"]


def test_it_refuses_a_14_character_mn_in_a_2017_packet() -> None:
    header = "QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=88888880000001;Flag=5"

    assert refusal(upload("", header)).reason == Reason.BAD_FIELD


def test_it_accepts_a_2025_heartbeat() -> None:
    header = f"QN=20260101000000001;ST=32;CN=9015;PW=123456;MN={MN};Flag=9"
    parsed = parse_packet(upload("", header))

    assert (parsed.version, parsed.cn, parsed.needs_answer) == (
        ProtocolVersion.HJ212_2025,
        "9015",
        True,
    )


def test_a_flag_with_unknown_version_bits_parses_with_an_unknown_version() -> None:
    header = f"QN=20260101000000001;ST=32;CN=2011;PW=123456;MN={MN};Flag=16"

    assert parse_packet(upload("", header)).version is None


def test_an_empty_data_area_parses() -> None:
    area = parse_packet(upload("")).cp

    assert (area.fields, area.readings, area.facilities) == ({}, (), ())

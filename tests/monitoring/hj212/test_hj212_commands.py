"""Answers and downlink commands are standard packets with exactly the expected content."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from ecoledger.monitoring.hj212 import (
    Compat,
    Device,
    Quirk,
    build_command,
    build_data_answer,
    build_execution_result,
    build_get_device_time,
    build_history_request,
    build_notification_answer,
    build_packet,
    build_request_answer,
    build_set_device_time,
    build_set_min_interval,
    build_set_password,
    build_set_rtd_interval,
    build_set_timeout,
    build_start_facility_state,
    build_start_realtime,
    build_stop_facility_state,
    build_stop_realtime,
    frame_segment,
    make_qn,
    parse_packet,
)

EXAMPLES = [
    line + b"\r\n" for line in Path(__file__).with_name("examples.txt").read_bytes().splitlines()
]
MN = "010000A8900016F000169DC0"
DEVICE = Device(mn=MN, pw="123456", st="32")
QN = "20240601090000001"


def segment_of(packet: bytes) -> str:
    return packet[6:-6].decode("utf-8")


def test_the_set_real_time_interval_request_reproduces_the_appendix_a_example() -> None:
    device = Device(mn=MN, pw="100000", st="32")

    assert build_set_rtd_interval(device, qn="20160801085857223", seconds=30) == EXAMPLES[0]


def test_the_request_answer_reproduces_example_7() -> None:
    request = parse_packet(EXAMPLES[5])

    assert build_request_answer(request, 1) == EXAMPLES[6]


def test_the_data_answer_echoes_qn_pw_and_mn_with_st_91_and_flag_4() -> None:
    upload = parse_packet(EXAMPLES[3])

    answer = parse_packet(build_data_answer(upload))

    assert (answer.qn, answer.st, answer.cn, answer.pw, answer.mn, answer.flag) == (
        upload.qn, "91", "9014", upload.pw, upload.mn, 4,
    )  # fmt: skip
    assert not answer.needs_answer
    assert segment_of(build_data_answer(upload)).endswith(";CP=&&&&")


def test_a_split_part_gets_an_answer_with_its_own_qn_and_no_split_bit() -> None:
    part = parse_packet(EXAMPLES[4])

    answer = parse_packet(build_data_answer(part))

    assert (answer.qn, answer.flag, answer.pnum) == ("20160801085857534", 4, None)


def test_the_notification_answer_to_a_2025_heartbeat_keeps_the_2025_version() -> None:
    heartbeat = parse_packet(
        frame_segment(
            f"QN=20260101000000001;ST=32;CN=9015;PW=123456;MN={MN};Flag=9;CP=&&&&".encode()
        )
    )

    answer = parse_packet(build_notification_answer(heartbeat))

    assert (answer.cn, answer.st, answer.flag, answer.qn) == ("9013", "91", 8, heartbeat.qn)


def test_an_answer_to_a_device_without_qn_or_flag_leaves_them_out() -> None:
    segment = "ST=32;CN=2011;PW=123456;MN=88888880000001;CP=&&011-Rtd=1&&"
    upload = parse_packet(
        frame_segment(segment.encode()), compat=Compat.only(Quirk.MISSING_QN, Quirk.MISSING_FLAG)
    )

    assert (
        segment_of(build_data_answer(upload)) == "ST=91;CN=9014;PW=123456;MN=88888880000001;CP=&&&&"
    )


def test_the_execution_result_carries_exertn() -> None:
    begin, end = datetime(2024, 6, 1), datetime(2024, 6, 1, 23)
    request = parse_packet(
        build_history_request(DEVICE, cn="2061", qn=QN, begin_time=begin, end_time=end)
    )

    result = parse_packet(build_execution_result(request, 100))

    assert (result.cn, result.qn, result.cp.exe_rtn) == ("9012", QN, 100)


@pytest.mark.parametrize(
    ("packet", "cn", "cp"),
    [
        (build_set_device_time(DEVICE, qn=QN, system_time=datetime(2024, 6, 1, 9, 0, 5)),
         "1012", "SystemTime=20240601090005"),
        (build_set_device_time(DEVICE, qn=QN, system_time=datetime(2024, 6, 1, 9),
                               pol_id="w01018"),
         "1012", "PolId=w01018;SystemTime=20240601090000"),
        (build_get_device_time(DEVICE, qn=QN), "1011", ""),
        (build_get_device_time(DEVICE, qn=QN, pol_id="w01018"), "1011", "PolId=w01018"),
        (build_set_timeout(DEVICE, qn=QN, over_time=10, re_count=3),
         "1000", "OverTime=10;ReCount=3"),
        (build_set_rtd_interval(DEVICE, qn=QN, seconds=60), "1062", "RtdInterval=60"),
        (build_set_min_interval(DEVICE, qn=QN, minutes=10), "1064", "MinInterval=10"),
        (build_set_password(DEVICE, qn=QN, new_pw="654321"), "1072", "NewPW=654321"),
        (build_start_realtime(DEVICE, qn=QN), "2011", ""),
        (build_stop_realtime(DEVICE, qn=QN), "2012", ""),
        (build_start_facility_state(DEVICE, qn=QN), "2021", ""),
        (build_stop_facility_state(DEVICE, qn=QN), "2022", ""),
        (build_history_request(DEVICE, cn="2051", qn=QN, begin_time=datetime(2024, 6, 1, 8),
                               end_time=datetime(2024, 6, 1, 9)),
         "2051", "BeginTime=20240601080000;EndTime=20240601090000"),
    ],
)  # fmt: skip
def test_each_downlink_command_has_its_cn_and_data_area(packet: bytes, cn: str, cp: str) -> None:
    assert segment_of(packet) == f"QN={QN};ST=32;CN={cn};PW=123456;MN={MN};Flag=5;CP=&&{cp}&&"
    assert parse_packet(packet).quirks == frozenset()


@pytest.mark.parametrize("cn", ["2031", "2041", "2051", "2061"])
def test_every_history_request_parses_back_with_its_period(cn: str) -> None:
    begin, end = datetime(2024, 6, 1), datetime(2024, 6, 2)

    parsed = parse_packet(
        build_history_request(DEVICE, cn=cn, qn=QN, begin_time=begin, end_time=end)
    )

    assert (parsed.cn, parsed.cp.begin_time, parsed.cp.end_time, parsed.needs_answer) == (
        cn,
        begin,
        end,
        True,
    )


def test_a_request_to_a_2005_device_can_use_its_flag() -> None:
    packet = build_start_realtime(Device(mn="88888880000001", pw="123456", st="32"), qn=QN, flag=1)

    assert parse_packet(packet).flag == 1


@pytest.mark.parametrize(
    "build",
    [
        lambda: build_set_timeout(DEVICE, qn=QN, over_time=0, re_count=3),
        lambda: build_set_timeout(DEVICE, qn=QN, over_time=5, re_count=100),
        lambda: build_set_rtd_interval(DEVICE, qn=QN, seconds=29),
        lambda: build_set_rtd_interval(DEVICE, qn=QN, seconds=3601),
        lambda: build_set_min_interval(DEVICE, qn=QN, minutes=7),
        lambda: build_set_password(DEVICE, qn=QN, new_pw="12345"),
        lambda: build_set_password(DEVICE, qn=QN, new_pw="12;456"),
        lambda: build_history_request(DEVICE, cn="2011", qn=QN, begin_time=datetime(2024, 1, 1),
                                      end_time=datetime(2024, 1, 2)),
        lambda: build_history_request(DEVICE, cn="2061", qn=QN, begin_time=datetime(2024, 1, 2),
                                      end_time=datetime(2024, 1, 1)),
        lambda: build_command(Device(mn="MN;X", pw="123456", st="32"), cn="2011", qn=QN),
        lambda: build_packet(st="32", cn="2011", pw="123456", mn=MN, qn=QN, flag=5, pnum=2),
        lambda: build_packet(st="32", cn="2011", pw="123456", mn=MN, qn=QN, flag=5, cp="x" * 1000),
    ],
    ids=["over_time 0", "re_count 100", "interval 29", "interval 3601", "minutes 7", "short pw",
         "pw with separator", "not a history cn", "end before begin", "mn with separator",
         "pnum without pno", "segment over 1024"],
)  # fmt: skip
def test_builders_refuse_arguments_outside_the_standard(build: object) -> None:
    with pytest.raises(ValueError):
        build()  # type: ignore[operator]


def test_a_qn_is_the_time_to_the_millisecond() -> None:
    assert make_qn(datetime(2024, 6, 1, 8, 58, 57, 223_999)) == "20240601085857223"


def test_build_packet_counts_length_and_crc_over_utf8_bytes() -> None:
    packet = build_packet(
        st="32", cn="3020", pw="123456", mn=MN, qn="20160801085857223", flag=5,
        cp="DataTime=20160801085857;PolId=w01018;i11001-Info=//清洗管路//",
    )  # fmt: skip

    assert packet == EXAMPLES[5]

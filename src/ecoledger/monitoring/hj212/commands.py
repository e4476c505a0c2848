"""Answers and downlink commands (hj212.md §5, HJ 212-2017 Appendix C).

Answers echo the QN, PW and MN of what they answer, use ST=91 and never ask for an answer
themselves (Flag keeps the sender's version bits with A=0 and D=0: 4 for 2017). Requests of
the platform carry the device's own ST and, by default, Flag=5 (2017, answer wanted).
Arguments outside the ranges of 表4 raise ``ValueError``: they are the caller's mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ecoledger.monitoring.hj212.builder import Pair, build_packet, format_data_area
from ecoledger.monitoring.hj212.flags import REQUEST_FLAG, VERSION_MASK
from ecoledger.monitoring.hj212.packet import Packet
from ecoledger.monitoring.hj212.values import format_datetime

INTERACTION_ST = "91"
HISTORY_COMMANDS = frozenset({"2031", "2041", "2051", "2061"})
MIN_INTERVALS = frozenset({1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30})


@dataclass(frozen=True, slots=True)
class Device:
    """Where a downlink command goes: the device's MN, access password and system code."""

    mn: str
    pw: str
    st: str


def make_qn(moment: datetime) -> str:
    """A request id ``YYYYMMDDhhmmsszzz`` (milliseconds) for the given moment."""
    return f"{format_datetime(moment)}{moment.microsecond // 1000:03d}"


class Answerable(Protocol):
    """What an answer echoes: a ``Packet``, or the ``Header`` of a packet read by ``scan_fast``."""

    @property
    def qn(self) -> str | None: ...
    @property
    def pw(self) -> str: ...
    @property
    def mn(self) -> str: ...
    @property
    def flag(self) -> int | None: ...


def _answer(packet: Answerable, cn: str, cp: str = "") -> bytes:
    flag = None if packet.flag is None else packet.flag & VERSION_MASK
    return build_packet(
        qn=packet.qn, st=INTERACTION_ST, cn=cn, pw=packet.pw, mn=packet.mn, flag=flag, cp=cp
    )


def build_data_answer(packet: Answerable) -> bytes:
    """9014, the platform's answer to an upload whose Flag has A=1."""
    return _answer(packet, "9014")


def build_notification_answer(packet: Answerable) -> bytes:
    """9013, the answer to a notification (1013 time calibration request, 9015 heartbeat)."""
    return _answer(packet, "9013")


def build_request_answer(packet: Packet, qn_rtn: int) -> bytes:
    """9011, a device's answer to a platform request (QnRtn of 表7)."""
    return _answer(packet, "9011", format_data_area([[("QnRtn", qn_rtn)]]))


def build_execution_result(packet: Packet, exe_rtn: int) -> bytes:
    """9012, a device's result of executing a platform request (ExeRtn of 表6)."""
    return _answer(packet, "9012", format_data_area([[("ExeRtn", exe_rtn)]]))


def build_command(
    device: Device, *, cn: str, qn: str, pairs: list[Pair] | None = None, flag: int = REQUEST_FLAG
) -> bytes:
    """Any platform request; each pair becomes its own ``;``-separated item."""
    cp = format_data_area([pair] for pair in pairs or [])
    return build_packet(qn=qn, st=device.st, cn=cn, pw=device.pw, mn=device.mn, flag=flag, cp=cp)


def build_get_device_time(
    device: Device, *, qn: str, pol_id: str | None = None, flag: int = REQUEST_FLAG
) -> bytes:
    """1011: ask for the logger's (or one instrument's) clock."""
    pairs: list[Pair] = [] if pol_id is None else [("PolId", pol_id)]
    return build_command(device, cn="1011", qn=qn, pairs=pairs, flag=flag)


def build_set_device_time(
    device: Device,
    *,
    qn: str,
    system_time: datetime,
    pol_id: str | None = None,
    flag: int = REQUEST_FLAG,
) -> bytes:
    """1012: calibrate the logger's (or one instrument's) clock to ``system_time``."""
    pairs: list[Pair] = [] if pol_id is None else [("PolId", pol_id)]
    pairs.append(("SystemTime", system_time))
    return build_command(device, cn="1012", qn=qn, pairs=pairs, flag=flag)


def build_set_timeout(
    device: Device, *, qn: str, over_time: int, re_count: int, flag: int = REQUEST_FLAG
) -> bytes:
    """1000: answer timeout in seconds (1..99) and retry count (1..99)."""
    _check_range("over_time", over_time, 1, 99)
    _check_range("re_count", re_count, 1, 99)
    pairs: list[Pair] = [("OverTime", over_time), ("ReCount", re_count)]
    return build_command(device, cn="1000", qn=qn, pairs=pairs, flag=flag)


def build_set_rtd_interval(
    device: Device, *, qn: str, seconds: int, flag: int = REQUEST_FLAG
) -> bytes:
    """1062: real-time upload interval in seconds (30..3600)."""
    _check_range("seconds", seconds, 30, 3600)
    return build_command(device, cn="1062", qn=qn, pairs=[("RtdInterval", seconds)], flag=flag)


def build_set_min_interval(
    device: Device, *, qn: str, minutes: int, flag: int = REQUEST_FLAG
) -> bytes:
    """1064: minute-data interval, one of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30."""
    if minutes not in MIN_INTERVALS:
        raise ValueError(f"minutes must be one of {sorted(MIN_INTERVALS)}, not {minutes}")
    return build_command(device, cn="1064", qn=qn, pairs=[("MinInterval", minutes)], flag=flag)


def build_set_password(device: Device, *, qn: str, new_pw: str, flag: int = REQUEST_FLAG) -> bytes:
    """1072: new access password (6 characters)."""
    if len(new_pw) != 6 or not new_pw.isascii() or not new_pw.isalnum():
        raise ValueError("new_pw must be 6 ASCII letters or digits")
    return build_command(device, cn="1072", qn=qn, pairs=[("NewPW", new_pw)], flag=flag)


def build_start_realtime(device: Device, *, qn: str, flag: int = REQUEST_FLAG) -> bytes:
    """2011: start uploading real-time data."""
    return build_command(device, cn="2011", qn=qn, flag=flag)


def build_stop_realtime(device: Device, *, qn: str, flag: int = REQUEST_FLAG) -> bytes:
    """2012: stop uploading real-time data (a notification; the device answers 9013)."""
    return build_command(device, cn="2012", qn=qn, flag=flag)


def build_start_facility_state(device: Device, *, qn: str, flag: int = REQUEST_FLAG) -> bytes:
    """2021: start uploading treatment-facility running states."""
    return build_command(device, cn="2021", qn=qn, flag=flag)


def build_stop_facility_state(device: Device, *, qn: str, flag: int = REQUEST_FLAG) -> bytes:
    """2022: stop uploading facility running states (a notification)."""
    return build_command(device, cn="2022", qn=qn, flag=flag)


def build_history_request(
    device: Device,
    *,
    cn: str,
    qn: str,
    begin_time: datetime,
    end_time: datetime,
    flag: int = REQUEST_FLAG,
) -> bytes:
    """2031 daily, 2041 facility running time, 2051 minute or 2061 hourly data for a period."""
    if cn not in HISTORY_COMMANDS:
        raise ValueError(f"cn must be one of {sorted(HISTORY_COMMANDS)}, not {cn!r}")
    if end_time < begin_time:
        raise ValueError("end_time is before begin_time")
    pairs: list[Pair] = [("BeginTime", begin_time), ("EndTime", end_time)]
    return build_command(device, cn=cn, qn=qn, pairs=pairs, flag=flag)


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, not {value}")

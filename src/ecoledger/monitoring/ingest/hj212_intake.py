"""From an HJ 212 frame to readings, quarantined data and the answers owed to the device.

Parsing is lenient so that every packet can be attributed to its device;
then the device's own settings decide: an unknown MN, a wrong password or a
quirk the point is not allowed puts the packet in quarantine with the reason.
Split packets need no reassembly for storage — each part carries whole
factors and repeats DataTime — so each part is stored and acknowledged on its
own, as the device expects before it sends the next.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from ecoledger.monitoring.choices import DATA_TYPE_OF_COMMAND, DataType, Transport
from ecoledger.monitoring.hj212 import (
    LENIENT,
    FactorReading,
    HJ212Error,
    Packet,
    build_data_answer,
    build_notification_answer,
    parse_packet,
)
from ecoledger.monitoring.ingest.directory import PointDirectory, PointEntry
from ecoledger.monitoring.ingest.rows import QuarantineRow, ReadingRow

HEARTBEAT = "9015"
TIME_REQUEST = "1013"
ANSWERS = frozenset({"9011", "9012", "9013", "9014"})
FUTURE_TOLERANCE = timedelta(hours=1)
VALUE_KEYS = {
    DataType.REALTIME: ("Rtd", "Data", "Avg"),
    DataType.MINUTE: ("Avg", "Rtd", "Data"),
    DataType.HOUR: ("Avg", "Rtd", "Data"),
    DataType.DAY: ("Avg", "Rtd", "Data", "DayData"),
}


@dataclass
class Taken:
    """What one or more frames produced; answers go out only after the batch commits."""

    readings: list[ReadingRow] = field(default_factory=list)
    quarantined: list[QuarantineRow] = field(default_factory=list)
    answers: list[bytes] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


class Hj212Intake:
    def __init__(self, directory: PointDirectory) -> None:
        self.directory = directory

    def take(self, frame: bytes, peer: str, now: datetime, taken: Taken) -> None:
        taken.counts["packets"] += 1
        try:
            packet = parse_packet(frame, compat=LENIENT)
        except HJ212Error as error:
            self._quarantine(taken, peer, str(error.reason), error.message, frame)
            return
        point = self.directory.find(packet.mn or "")
        refusal = self._refusal(packet, point)
        if refusal:
            reason, detail = refusal
            self._quarantine(taken, peer, reason, detail, frame, packet.mn or "",
                             point.id if point else None)
            return
        assert point is not None
        for quirk in packet.quirks:
            taken.counts[f"quirk:{quirk}"] += 1
        self._dispatch(packet, point, peer, now, frame, taken)

    def _refusal(self, packet: Packet, point: PointEntry | None) -> tuple[str, str] | None:
        if point is None:
            return "unknown_mn", f"no active monitoring point has MN {packet.mn!r}"
        if not point.accepts_password(packet.pw):
            return "wrong_password", f"the password does not match point {point.mn}"
        refused = sorted(str(q) for q in packet.quirks - point.quirks)
        if refused:
            return "quirk_not_allowed", (
                f"packet deviates from HJ 212-2017 ({', '.join(refused)}) and point "
                f"{point.mn} is not set to tolerate it"
            )
        return None

    def _dispatch(
        self, packet: Packet, point: PointEntry, peer: str, now: datetime, frame: bytes,
        taken: Taken,
    ) -> None:
        data_type = DATA_TYPE_OF_COMMAND.get(packet.cn or "")
        if data_type is not None:
            self._readings(packet, point, data_type, peer, now, frame, taken)
        elif packet.cn in (HEARTBEAT, TIME_REQUEST):
            taken.counts["notifications"] += 1
            if packet.needs_answer or packet.cn == TIME_REQUEST:
                taken.answers.append(build_notification_answer(packet))
            return
        elif packet.cn not in ANSWERS:
            self._quarantine(taken, peer, "not_stored_command",
                             f"command {packet.cn} carries nothing the platform stores",
                             frame, point.mn, point.id)
        if packet.needs_answer:
            taken.answers.append(build_data_answer(packet))

    def _readings(
        self, packet: Packet, point: PointEntry, data_type: str, peer: str, now: datetime,
        frame: bytes, taken: Taken,
    ) -> None:
        local_time = packet.cp.data_time
        if local_time is None:
            self._quarantine(taken, peer, "no_data_time", "the packet has no DataTime", frame,
                             point.mn, point.id)
            return
        observed_at = timezone.make_aware(local_time)
        if observed_at > now + FUTURE_TOLERANCE:
            self._quarantine(taken, peer, "time_in_future",
                             f"DataTime {local_time:%Y-%m-%d %H:%M:%S} is ahead of the platform",
                             frame, point.mn, point.id)
            return
        unknown: list[str] = []
        for factor in packet.cp.readings:
            row = self._row(factor, point, data_type, observed_at)
            if row is None:
                unknown.append(factor.code)
            else:
                taken.readings.append(row)
        if unknown:
            self._quarantine(taken, peer, "unknown_parameter",
                             f"factors without a known parameter or value: {', '.join(unknown)}",
                             frame, point.mn, point.id)

    def _row(
        self, factor: FactorReading, point: PointEntry, data_type: str, observed_at: datetime
    ) -> ReadingRow | None:
        parameter_id = self.directory.parameters.get(factor.canonical_code)
        value = _first(factor.values, VALUE_KEYS[DataType(data_type)])
        if parameter_id is None or value is None:
            return None
        values = factor.values
        return ReadingRow(
            point_id=point.id,
            parameter_id=parameter_id,
            data_type=data_type,
            observed_at=observed_at,
            value=float(value),
            minimum=_float(values.get("Min")),
            maximum=_float(values.get("Max")),
            cumulative=_float(values.get("Cou")),
            converted=_float(values.get("ZsAvg", values.get("ZsRtd"))),
            flag=(factor.flag or "N")[:1],
        )

    def _quarantine(
        self, taken: Taken, peer: str, reason: str, detail: str, raw: bytes, mn: str = "",
        point_id: int | None = None,
    ) -> None:
        taken.counts[f"error:{reason}"] += 1
        taken.quarantined.append(
            QuarantineRow(Transport.TCP, peer, reason, detail, raw, mn, point_id)
        )


def _first(values: dict[str, Decimal] | object, keys: tuple[str, ...]) -> Decimal | None:
    for key in keys:
        value = values.get(key)  # type: ignore[attr-defined]
        if value is not None:
            return value
    return None


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)

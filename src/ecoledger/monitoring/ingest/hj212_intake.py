"""From an HJ 212 frame to readings, quarantined data and the answers owed to the device.

Parsing is lenient so that every packet can be attributed to its device;
then the device's own settings decide: an unknown MN, a wrong password or a
quirk the point is not allowed puts the packet in quarantine with the reason.
Split packets need no reassembly for storage — each part carries whole
factors and repeats DataTime — so each part is stored and acknowledged on its
own, as the device expects before it sends the next.

Ordinary uploads are read by the codec's ``scan_fast``, whose values are the
checked text: a float made from that text equals the float made from the
``Decimal`` the full parser would give, and costs a fraction of it. Every
other packet goes through the careful parser, as before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache
from typing import Protocol

from django.utils import timezone

from ecoledger.monitoring.choices import DATA_TYPE_OF_COMMAND, DataType, Transport
from ecoledger.monitoring.hj212 import (
    LENIENT,
    HJ212Error,
    Quirk,
    build_data_answer,
    build_notification_answer,
    lookup_parameter,
)
from ecoledger.monitoring.hj212.commands import Answerable
from ecoledger.monitoring.hj212.fastpath import scan_fast
from ecoledger.monitoring.hj212.packet import parse_carefully
from ecoledger.monitoring.ingest.directory import PointEntry, Points
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
# Plain strings: rows go to the database drivers as they are.
_DATA_TYPES = {cn: str(data_type.value) for cn, data_type in DATA_TYPE_OF_COMMAND.items()}
_VALUE_KEYS = {str(data_type.value): keys for data_type, keys in VALUE_KEYS.items()}
_NO_QUIRKS: frozenset[Quirk] = frozenset()

Factor = tuple[str, Mapping[str, str] | Mapping[str, Decimal], str | None]
"""A factor's code as sent, its values (text from ``scan_fast``, or ``Decimal``), its flag."""


class _Header(Answerable, Protocol):
    @property
    def cn(self) -> str: ...
    @property
    def needs_answer(self) -> bool: ...


@dataclass
class Taken:
    """What one or more frames produced; answers go out only after the batch commits."""

    readings: list[ReadingRow] = field(default_factory=list)
    quarantined: list[QuarantineRow] = field(default_factory=list)
    answers: list[bytes] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


class Hj212Intake:
    def __init__(self, directory: Points) -> None:
        self.directory = directory
        self._parameters: dict[str, int] | None = None
        self._parameter_ids_by_code: dict[str, int | None] = {}

    def take(self, frame: bytes, peer: str, now: datetime, taken: Taken) -> None:
        """Attribute and convert one frame into ``taken``.

        The directory's ``find`` may raise (the event loop's view of it does, for an MN
        it has not loaded); it is called before anything is recorded, so the frame can
        simply be taken again elsewhere.
        """
        upload = scan_fast(frame)
        if upload is not None:
            point = self.directory.find(upload.header.mn)
            factors: Iterable[Factor] = (
                (code, pairs, pairs.get("Flag")) for code, pairs in upload.factors.items()
            )
            self._attributed(upload.header, _NO_QUIRKS, upload.data_time, factors, point,
                             peer, now, frame, taken)
            return
        try:
            packet = parse_carefully(frame, compat=LENIENT)
        except HJ212Error as error:
            taken.counts["packets"] += 1
            self._quarantine(taken, peer, str(error.reason), error.message, frame)
            return
        point = self.directory.find(packet.mn or "")
        factors = ((factor.code, factor.values, factor.flag) for factor in packet.cp.readings)
        self._attributed(packet, packet.quirks, packet.cp.data_time, factors, point, peer, now,
                         frame, taken)

    def _attributed(
        self, header: _Header, quirks: frozenset[Quirk], data_time: datetime | None,
        factors: Iterable[Factor], point: PointEntry | None, peer: str, now: datetime,
        frame: bytes, taken: Taken,
    ) -> None:
        taken.counts["packets"] += 1
        refusal = self._refusal(header, quirks, point)
        if refusal:
            reason, detail = refusal
            self._quarantine(taken, peer, reason, detail, frame, header.mn or "",
                             point.id if point else None)
            return
        assert point is not None
        for quirk in quirks:
            taken.counts[f"quirk:{quirk}"] += 1
        data_type = _DATA_TYPES.get(header.cn or "")
        if data_type is not None:
            self._readings(data_time, factors, point, data_type, peer, now, frame, taken)
        elif header.cn in (HEARTBEAT, TIME_REQUEST):
            taken.counts["notifications"] += 1
            if header.needs_answer or header.cn == TIME_REQUEST:
                taken.answers.append(build_notification_answer(header))
            return
        elif header.cn not in ANSWERS:
            self._quarantine(taken, peer, "not_stored_command",
                             f"command {header.cn} carries nothing the platform stores",
                             frame, point.mn, point.id)
        if header.needs_answer:
            taken.answers.append(build_data_answer(header))

    def _refusal(
        self, header: _Header, quirks: frozenset[Quirk], point: PointEntry | None
    ) -> tuple[str, str] | None:
        if point is None:
            return "unknown_mn", f"no active monitoring point has MN {header.mn!r}"
        if not point.accepts_password(header.pw):
            return "wrong_password", f"the password does not match point {point.mn}"
        refused = sorted(str(q) for q in quirks - point.quirks) if quirks else None
        if refused:
            return "quirk_not_allowed", (
                f"packet deviates from HJ 212-2017 ({', '.join(refused)}) and point "
                f"{point.mn} is not set to tolerate it"
            )
        return None

    def _readings(
        self, local_time: datetime | None, factors: Iterable[Factor], point: PointEntry,
        data_type: str, peer: str, now: datetime, frame: bytes, taken: Taken,
    ) -> None:
        if local_time is None:
            self._quarantine(taken, peer, "no_data_time", "the packet has no DataTime", frame,
                             point.mn, point.id)
            return
        observed_at = _aware(local_time, timezone.get_default_timezone())
        if observed_at > now + FUTURE_TOLERANCE:
            self._quarantine(taken, peer, "time_in_future",
                             f"DataTime {local_time:%Y-%m-%d %H:%M:%S} is ahead of the platform",
                             frame, point.mn, point.id)
            return
        parameter_ids = self._parameter_ids()
        keys = _VALUE_KEYS[data_type]
        make_row = ReadingRow._make
        rows = taken.readings
        unknown: list[str] = []
        for code, values, flag in factors:
            try:
                parameter_id = parameter_ids[code]
            except KeyError:
                parameter = lookup_parameter(code)
                parameter_id = parameter_ids[code] = self.directory.parameters.get(
                    parameter.code if parameter else code)
            get = values.get
            for key in keys:
                value = get(key)
                if value is not None:
                    break
            if parameter_id is None or value is None:
                unknown.append(code)
                continue
            minimum, maximum, cumulative = get("Min"), get("Max"), get("Cou")
            converted = get("ZsAvg", get("ZsRtd"))
            rows.append(make_row((
                point.id, parameter_id, data_type, observed_at, float(value),
                None if minimum is None else float(minimum),
                None if maximum is None else float(maximum),
                None if cumulative is None else float(cumulative),
                None if converted is None else float(converted),
                (flag or "N")[:1],
            )))  # fmt: skip
        if unknown:
            self._quarantine(taken, peer, "unknown_parameter",
                             f"factors without a known parameter or value: {', '.join(unknown)}",
                             frame, point.mn, point.id)

    def _parameter_ids(self) -> dict[str, int | None]:
        """Parameter ids by code as sent (2005 or 2017), remembered until the directory reloads."""
        if self.directory.parameters is not self._parameters:
            self._parameters = self.directory.parameters
            self._parameter_ids_by_code = {}
        return self._parameter_ids_by_code

    def _quarantine(
        self, taken: Taken, peer: str, reason: str, detail: str, raw: bytes, mn: str = "",
        point_id: int | None = None,
    ) -> None:
        taken.counts[f"error:{reason}"] += 1
        taken.quarantined.append(
            QuarantineRow(Transport.TCP, peer, reason, detail, raw, mn, point_id)
        )


@lru_cache(maxsize=4096)
def _aware(local_time: datetime, zone: tzinfo) -> datetime:
    """DataTime, a local time, in the platform's zone (``TIME_ZONE``; the current zone would
    cost an asgiref lookup per packet); cached, as thousands of devices send the same minute."""
    return timezone.make_aware(local_time, zone)

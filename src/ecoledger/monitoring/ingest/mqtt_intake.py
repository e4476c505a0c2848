"""JSON readings over MQTT, for IoT micro-stations that do not speak HJ 212.

Topic: ``ecoledger/v1/devices/<MN>/readings`` (QoS 1). Payload, UTF-8 JSON::

    {"pw": "123456", "type": "min", "time": "2026-05-01T08:00:00+08:00",
     "values": {"a34004": 35.2,
                "a34002": {"value": 61.0, "min": 50.1, "max": 70.2, "flag": "N"}}}

``type`` is rtd, min, hour or day (default rtd); ``time`` is ISO 8601 (the
platform's time zone when it has no offset); each value is a number or an
object with ``value`` and optionally ``min``, ``max``, ``cou``, ``zs``
(converted) and ``flag`` (an HJ 212 data flag). Keys are HJ 212-2017 factor
codes; 2005 codes are mapped. The same point register, password and store
serve both transports, and what cannot be taken is quarantined with its reason.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

from django.utils import timezone

from ecoledger.monitoring.choices import DataType, Transport
from ecoledger.monitoring.hj212 import lookup_parameter
from ecoledger.monitoring.ingest.directory import Points
from ecoledger.monitoring.ingest.hj212_intake import FUTURE_TOLERANCE, Taken
from ecoledger.monitoring.ingest.rows import QuarantineRow, ReadingRow

TOPIC_PREFIX = "ecoledger/v1/devices/"
TOPIC_SUFFIX = "/readings"
TOPIC_FILTER = f"{TOPIC_PREFIX}+{TOPIC_SUFFIX}"


class Refused(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class MqttIntake:
    def __init__(self, directory: Points) -> None:
        self.directory = directory

    def take(self, topic: str, payload: bytes, now: datetime, taken: Taken) -> None:
        """Attribute and convert one message; ``find`` may raise before anything is recorded
        (see ``Hj212Intake.take``)."""
        mn = _mn_of(topic)
        point = self.directory.find(mn) if mn else None
        taken.counts["mqtt_messages"] += 1
        try:
            if not mn:
                raise Refused("bad_topic", f"topic {topic!r} is not {TOPIC_FILTER}")
            message = _decode(payload)
            if point is None:
                raise Refused("unknown_mn", f"no active monitoring point has MN {mn!r}")
            if not point.accepts_password(message.get("pw")):
                raise Refused("wrong_password", f"the password does not match point {mn}")
            rows, unknown = self._rows(message, point.id, now)
        except Refused as refusal:
            self._quarantine(taken, topic, refusal, payload, mn, point.id if point else None)
            return
        taken.readings.extend(rows)
        if unknown:
            self._quarantine(taken, topic, Refused(
                "unknown_parameter", f"factors without a known parameter: {', '.join(unknown)}"
            ), payload, mn, point.id)

    def _rows(self, message: dict[str, Any], point_id: int, now: datetime):
        data_type = message.get("type", DataType.REALTIME)
        if data_type not in DataType.values:
            raise Refused("bad_field", f"type: {data_type!r} is not one of {DataType.values}")
        observed_at = _time(message.get("time"))
        if observed_at > now + FUTURE_TOLERANCE:
            raise Refused("time_in_future", f"time: {observed_at.isoformat()} is ahead")
        values = message.get("values")
        if not isinstance(values, dict) or not values:
            raise Refused("bad_field", "values: expected an object of factor codes")
        rows, unknown = [], []
        for code, item in values.items():
            parameter = lookup_parameter(code)
            parameter_id = self.directory.parameters.get(parameter.code) if parameter else None
            if parameter_id is None:
                unknown.append(code)
                continue
            rows.append(_row(point_id, parameter_id, data_type, observed_at, code, item))
        return rows, unknown

    def _quarantine(self, taken: Taken, topic: str, refusal: Refused, raw: bytes, mn: str,
                    point_id: int | None) -> None:
        taken.counts[f"error:{refusal.reason}"] += 1
        taken.quarantined.append(QuarantineRow(
            Transport.MQTT, f"mqtt:{topic}"[:100], refusal.reason, refusal.detail, raw, mn,
            point_id))


def _mn_of(topic: str) -> str:
    if topic.startswith(TOPIC_PREFIX) and topic.endswith(TOPIC_SUFFIX):
        mn = topic[len(TOPIC_PREFIX): -len(TOPIC_SUFFIX)]
        return mn if mn and "/" not in mn else ""
    return ""


def _decode(payload: bytes) -> dict[str, Any]:
    try:
        message = json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise Refused("bad_json", f"not UTF-8 at byte {error.start}") from None
    except json.JSONDecodeError as error:
        raise Refused("bad_json", f"{error.msg} at byte {error.pos}") from None
    if not isinstance(message, dict):
        raise Refused("bad_json", "the payload is not a JSON object")
    return message


def _time(raw: Any) -> datetime:
    if not isinstance(raw, str):
        raise Refused("bad_field", "time: expected an ISO 8601 string")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise Refused("bad_field", f"time: {raw!r} is not ISO 8601") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _number(code: str, name: str, raw: Any) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise Refused("bad_field", f"values.{code}.{name}: {raw!r} is not a finite number")
    return float(raw)


def _row(point_id: int, parameter_id: int, data_type: str, observed_at: datetime, code: str,
         item: Any) -> ReadingRow:
    spec = item if isinstance(item, dict) else {"value": item}
    value = _number(code, "value", spec.get("value"))
    if value is None:
        raise Refused("bad_field", f"values.{code}.value: missing")
    flag = spec.get("flag", "N")
    if not isinstance(flag, str) or len(flag) != 1:
        raise Refused("bad_field", f"values.{code}.flag: {flag!r} is not one letter")
    return ReadingRow(
        point_id=point_id, parameter_id=parameter_id, data_type=data_type,
        observed_at=observed_at, value=value,
        minimum=_number(code, "min", spec.get("min")),
        maximum=_number(code, "max", spec.get("max")),
        cumulative=_number(code, "cou", spec.get("cou")),
        converted=_number(code, "zs", spec.get("zs")), flag=flag,
    )

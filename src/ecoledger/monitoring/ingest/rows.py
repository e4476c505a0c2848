"""What the intake hands to the store: plain rows, cheap to make by the thousand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ReadingRow:
    point_id: int
    parameter_id: int
    data_type: str
    observed_at: datetime
    value: float
    minimum: float | None = None
    maximum: float | None = None
    cumulative: float | None = None
    converted: float | None = None
    flag: str = "N"


@dataclass(frozen=True, slots=True)
class QuarantineRow:
    transport: str
    peer: str
    reason: str
    detail: str
    raw: bytes
    mn: str = ""
    point_id: int | None = None

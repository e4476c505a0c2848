"""What the intake hands to the store: plain rows, cheap to make by the thousand.

Named tuples rather than dataclasses: a reading row is made for every value
received, and a tuple costs a third of a frozen dataclass to build; the store
also transposes them into columns with ``zip(*rows)``.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple


class ReadingRow(NamedTuple):
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


class QuarantineRow(NamedTuple):
    transport: str
    peer: str
    reason: str
    detail: str
    raw: bytes
    mn: str = ""
    point_id: int | None = None

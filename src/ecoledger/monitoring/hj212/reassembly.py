"""Reassembly of split packets (hj212.md §5.3, 表C.47–C.50).

Each part of a split upload carries its own QN, so parts are grouped by
(MN, CN, DataTime, PNUM) instead. Memory stays bounded: at most ``max_groups`` groups and
``max_parts`` parts wait at once, each group for at most ``max_age`` seconds; the oldest
groups are given up first and returned to the caller (for quarantine), never dropped
silently. Time is passed in (``now``, monotonic seconds) so
the class stays sans-IO and testable.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ecoledger.monitoring.hj212.cp import DataArea, FieldValue
from ecoledger.monitoring.hj212.flags import SPLIT_BIT
from ecoledger.monitoring.hj212.packet import Packet

GroupKey = tuple[str, str, datetime | None, int]


class AbandonReason(StrEnum):
    EXPIRED = "expired"
    EVICTED = "evicted"


@dataclass(frozen=True, slots=True)
class AbandonedGroup:
    """Parts of a split packet that never completed, in PNO order."""

    key: GroupKey
    parts: tuple[Packet, ...]
    reason: AbandonReason


@dataclass(frozen=True, slots=True)
class Reassembly:
    """The outcome of adding one packet.

    ``packet`` is the complete packet, if this part completed one (an unsplit packet is
    complete by itself); ``abandoned`` lists the groups given up during this call.
    """

    packet: Packet | None
    abandoned: tuple[AbandonedGroup, ...] = ()


@dataclass(slots=True)
class _Group:
    started: float
    parts: dict[int, Packet]


class SplitPacketAssembler:
    def __init__(
        self, *, max_groups: int = 1024, max_parts: int = 4096, max_age: float = 600.0
    ) -> None:
        if max_groups < 1 or max_parts < 1 or max_age <= 0:
            raise ValueError("max_groups, max_parts and max_age must be positive")
        self.max_groups = max_groups
        self.max_parts = max_parts
        self.max_age = max_age
        self._groups: dict[GroupKey, _Group] = {}

    @property
    def pending_groups(self) -> int:
        return len(self._groups)

    @property
    def pending_parts(self) -> int:
        return sum(len(group.parts) for group in self._groups.values())

    def add(self, packet: Packet, *, now: float) -> Reassembly:
        """Add a parsed packet; a repeated part (a retransmission) replaces the earlier one."""
        abandoned = self.expire(now=now)
        if packet.pnum is None or packet.pno is None:
            return Reassembly(packet, abandoned)
        key = (packet.mn, packet.cn, packet.cp.data_time, packet.pnum)
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = _Group(now, {})
        group.parts[packet.pno] = packet
        if len(group.parts) == packet.pnum:
            del self._groups[key]
            parts = tuple(group.parts[pno] for pno in sorted(group.parts))
            return Reassembly(combine(parts), abandoned)
        while len(self._groups) > self.max_groups or self.pending_parts > self.max_parts:
            abandoned += (self._evict_oldest(),)
        return Reassembly(None, abandoned)

    def expire(self, *, now: float) -> tuple[AbandonedGroup, ...]:
        """Give up groups older than ``max_age``; call it periodically, not only on ``add``."""
        expired = [
            key for key, group in self._groups.items() if now - group.started >= self.max_age
        ]
        return tuple(self._abandon(key, AbandonReason.EXPIRED) for key in expired)

    def _evict_oldest(self) -> AbandonedGroup:
        oldest = min(self._groups, key=lambda key: self._groups[key].started)
        return self._abandon(oldest, AbandonReason.EVICTED)

    def _abandon(self, key: GroupKey, reason: AbandonReason) -> AbandonedGroup:
        group = self._groups.pop(key)
        return AbandonedGroup(key, tuple(group.parts[pno] for pno in sorted(group.parts)), reason)


def combine(parts: tuple[Packet, ...]) -> Packet:
    """One packet from its parts in PNO order: it reads like an unsplit upload.

    Header fields come from the first part, and so does a scalar CP key that several parts
    repeat (DataTime); readings and facility states of all parts follow one another.
    PNUM/PNO are cleared with the split bit; the parts stay available in ``parts`` (their
    QNs were answered one by one).
    """
    first = parts[0]
    fields: dict[str, FieldValue] = {}
    extra: dict[str, str] = {}
    for part in reversed(parts):
        fields.update(part.cp.fields)
        extra.update(part.cp.extra)
    area = DataArea(
        fields,
        tuple(reading for part in parts for reading in part.cp.readings),
        tuple(facility for part in parts for facility in part.cp.facilities),
        extra,
    )
    return dataclasses.replace(
        first,
        flag=None if first.flag is None else first.flag & ~SPLIT_BIT,
        pnum=None,
        pno=None,
        cp=area,
        raw=b"".join(part.raw for part in parts),
        quirks=frozenset().union(*(part.quirks for part in parts)),
        parts=parts,
    )

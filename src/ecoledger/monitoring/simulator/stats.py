"""What a simulation did, as the devices saw it: counters and the acknowledged readings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple


class ReadingKey(NamedTuple):
    """One reading the platform acknowledged: the receiver's idempotency key, as sent.

    ``data_time`` is the naive local DataTime of the packet; ``cn`` tells minute data (2051)
    from real-time data (2011), which the platform stores as different data types.
    """

    mn: str
    cn: str
    parameter: str
    data_time: datetime


@dataclass
class SimulationStats:
    """Counters over all devices; the event loop is single-threaded, so plain ints do.

    ``generated`` counts uploads that fell due and ``sent`` their first transmissions;
    ``retransmitted`` every later transmission (after an answer timeout or a reconnect);
    ``acked`` and ``acked_readings`` the packets and readings the platform answered with
    9014; ``duplicate_answers`` answers for packets already answered (the platform
    answering both an original and its retransmission); ``reconnects`` connections made
    after a device's first; ``unacked`` packets still owed at the end, so that
    ``generated == acked + unacked`` once a run is over. ``acked_keys`` is filled only when
    the simulation records keys (tests do; benchmarks of millions of readings do not).
    """

    generated: int = 0
    sent: int = 0
    retransmitted: int = 0
    timeouts: int = 0
    acked: int = 0
    acked_readings: int = 0
    duplicate_answers: int = 0
    unexpected_packets: int = 0
    connects: int = 0
    reconnects: int = 0
    connect_failures: int = 0
    links_lost: int = 0
    outages: int = 0
    unacked: int = 0
    acked_keys: set[ReadingKey] = field(default_factory=set)

    def summary(self) -> str:
        return (
            f"generated {self.generated}, sent {self.sent}, retransmitted {self.retransmitted}, "
            f"acked {self.acked} ({self.acked_readings} readings), unacked {self.unacked}, "
            f"timeouts {self.timeouts}, reconnects {self.reconnects}, "
            f"connect failures {self.connect_failures}, outages {self.outages}"
        )

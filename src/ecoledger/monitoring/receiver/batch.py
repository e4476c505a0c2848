"""A batch: arrivals taken into rows and answers, waiting for their one commit.

Arrivals are taken on the event loop as they are gathered, so that parsing
the next batch overlaps the commit of the previous one (the database drivers
release the GIL while they wait). The loop reads the point directory as
loaded and never queries: an arrival whose MN is not loaded is deferred to
the database thread, which may load the directory, and is taken there.
"""

from __future__ import annotations

import logging
from datetime import datetime

from ecoledger.monitoring.choices import Transport
from ecoledger.monitoring.ingest.directory import NotLoaded, Points
from ecoledger.monitoring.ingest.hj212_intake import Hj212Intake, Taken
from ecoledger.monitoring.ingest.mqtt_intake import MqttIntake
from ecoledger.monitoring.ingest.rows import QuarantineRow
from ecoledger.monitoring.receiver.connection import Arrival, Source

log = logging.getLogger(__name__)


class Intakes:
    """Both transports' intakes over one view of the point directory."""

    def __init__(self, points: Points) -> None:
        self.hj212 = Hj212Intake(points)
        self.mqtt = MqttIntake(points)

    def take(self, arrival: Arrival, batch: Batch) -> None:
        taken = batch.taken
        if arrival.topic is not None:
            self.mqtt.take(arrival.topic, arrival.frame, batch.now, taken)
            batch.answers.append((arrival.source, b""))  # the broker's acknowledgement
            return
        if arrival.error is not None:
            taken.counts[f"error:{arrival.error.reason}"] += 1
            taken.quarantined.append(QuarantineRow(
                Transport.TCP, arrival.source.peer, str(arrival.error.reason),
                arrival.error.message, arrival.frame))  # fmt: skip
            return
        owed = len(taken.answers)
        self.hj212.take(arrival.frame, arrival.source.peer, batch.now, taken)
        batch.answers.extend((arrival.source, answer) for answer in taken.answers[owed:])


class Batch:
    """What the writer has gathered for one transaction, and the answers owed after it."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.size = 0
        self.taken = Taken()
        self.answers: list[tuple[Source, bytes]] = []
        self.deferred: list[Arrival] = []

    def add(self, arrival: Arrival, intakes: Intakes) -> None:
        """Take an arrival on the event loop, or defer it to the database thread."""
        self.size += 1
        try:
            intakes.take(arrival, self)
        except NotLoaded:
            self.deferred.append(arrival)
        except Exception:  # a bug: the database thread retries it and logs until it is fixed
            log.exception("taking a frame from %s failed on the event loop", arrival.source.peer)
            self.deferred.append(arrival)

    def answers_by_source(self) -> dict[Source, list[bytes]]:
        """The answers owed to each source, in order: one write per connection, not per packet
        (an MQTT message's one empty answer is its acknowledgement)."""
        owed: dict[Source, list[bytes]] = {}
        for source, answer in self.answers:
            owed.setdefault(source, []).append(answer)
        return owed

    def take_deferred(self, intakes: Intakes) -> None:
        """In the database thread: take what the loop could not; each arrival once, even if
        a later one fails and the batch is tried again."""
        while self.deferred:
            intakes.take(self.deferred[0], self)
            del self.deferred[0]

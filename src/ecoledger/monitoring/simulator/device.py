"""One simulated device on the wire: send, wait for 9014, retransmit, reconnect, never forget.

Every upload asks for an answer. An upload without its 9014 after ``ack_timeout`` is sent
again — the same bytes, the same QN — up to ``retries`` times; then the link is taken as
unusable (HJ 212-2017 §6.2), closed, and everything unanswered goes back to the front of
the queue, to be sent first on the next connection. A lost connection (the receiver was
killed, say) does the same. Reconnection backs off exponentially with jitter, so a fleet
does not stampede a restarting receiver. Data is only ever dropped from the queue when the
platform has answered for it: that is what the kill-and-restart test relies on.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from ecoledger.monitoring.hj212 import Packet, make_qn
from ecoledger.monitoring.simulator.identity import SimulatedDevice
from ecoledger.monitoring.simulator.link import Link
from ecoledger.monitoring.simulator.model import Behaviour, DeviceModel, FactorMinute
from ecoledger.monitoring.simulator.packets import HOURLY_DATA, hourly_values, upload_packet
from ecoledger.monitoring.simulator.schedule import Schedule
from ecoledger.monitoring.simulator.stats import ReadingKey, SimulationStats

DATA_ANSWER = "9014"
LIVE_PHASE_LIMIT = 5.0
"""Live devices start up to this many seconds apart, as real loggers' clocks differ."""


@dataclass(frozen=True, slots=True)
class Transport:
    """How devices talk to the platform; the simulation's settings, as the device needs them."""

    host: str
    port: int
    commands: tuple[str, ...]
    window: int
    ack_timeout: float
    retries: int
    connect_timeout: float
    backoff: float
    max_backoff: float
    record_keys: bool


class Control:
    """The stop state every device reads; ``stop`` wakes them all to drain and finish."""

    def __init__(self) -> None:
        self.stopping = False
        self.deadline = math.inf
        self.devices: list[DeviceRun] = []

    def stop(self, deadline: float) -> None:
        self.stopping = True
        self.deadline = min(self.deadline, deadline)
        for device in self.devices:
            device.wake()


@dataclass(slots=True)
class _Pending:
    """An upload not yet answered. ``tries`` counts sends on the current connection only."""

    sequence: int
    qn: str
    data: bytes
    cn: str
    data_time: datetime
    codes: tuple[str, ...]
    deadline: float = 0.0
    sends: int = 0
    tries: int = 0


@dataclass(slots=True)
class _Tick:
    due: float
    uploads: list[_Pending]
    after_outage: bool


class DeviceRun:
    def __init__(
        self,
        device: SimulatedDevice,
        *,
        seed: int,
        behaviour: Behaviour,
        schedule: Schedule,
        transport: Transport,
        zone: ZoneInfo,
        stats: SimulationStats,
        control: Control,
    ) -> None:
        self.device = device
        self.profile = device.profile
        # Values and transport timing draw from separate generators: the history a seed
        # produces must not depend on how the network behaved.
        self.model = DeviceModel(self.profile, random.Random(f"{seed}:{device.mn}"), behaviour)
        self._jitter = random.Random(f"{seed}:{device.mn}:link")
        self.schedule = schedule
        self.transport = transport
        self.zone = zone
        self.stats = stats
        self.control = control
        self._phase = self._jitter.random() * min(schedule.period, LIVE_PHASE_LIMIT)
        self._tick = 0
        self._hour_start: datetime | None = None
        self._hour_minutes: list[Mapping[str, FactorMinute]] = []
        self._sequence = 0
        self._last_qn_ms = 0
        self._upcoming: _Tick | None = None
        self._outbox: deque[_Pending] = deque()
        self._in_flight: dict[str, _Pending] = {}
        self._off_until: float | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._connected_before = False

    @property
    def unacked(self) -> int:
        return len(self._outbox) + len(self._in_flight)

    async def run(self) -> None:
        while not self._finished():
            if self._off_until is not None:
                off_until, self._off_until = self._off_until, None
                await self._sleep_until(off_until)  # a stop cuts the outage short
                continue
            link = await self._connect()
            if link is None:
                continue
            try:
                await self._exchange(link)
            finally:
                link.close()
                self._requeue()
        self.stats.unacked += self.unacked

    def wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    # What the link reports.
    def answered(self, packet: Packet) -> None:
        if packet.cn != DATA_ANSWER or packet.mn != self.device.mn or packet.qn is None:
            self.stats.unexpected_packets += 1
            return
        pending = self._in_flight.pop(packet.qn, None)
        if pending is None:
            self.stats.duplicate_answers += 1
            return
        self.stats.acked += 1
        self.stats.acked_readings += len(pending.codes)
        if self.transport.record_keys:
            self.stats.acked_keys.update(
                ReadingKey(self.device.mn, pending.cn, code, pending.data_time)
                for code in pending.codes
            )
        self.wake()

    def garbled(self) -> None:
        self.stats.unexpected_packets += 1

    def link_lost(self, link: Link) -> None:
        self.stats.links_lost += 1
        self.wake()

    # The connection.
    def _finished(self) -> bool:
        if not self.control.stopping:
            return False
        return not self.unacked or asyncio.get_running_loop().time() >= self.control.deadline

    async def _connect(self) -> Link | None:
        loop = asyncio.get_running_loop()
        failures = 0
        while not self._finished():
            try:
                _, link = await asyncio.wait_for(
                    loop.create_connection(
                        lambda: Link(self), self.transport.host, self.transport.port
                    ),
                    timeout=self.transport.connect_timeout,
                )
            except (OSError, TimeoutError):
                self.stats.connect_failures += 1
                failures += 1
                backoff = self.transport.backoff * 2 ** min(failures - 1, 20)
                delay = min(backoff, self.transport.max_backoff) * self._jitter.uniform(0.5, 1.0)
                await self._sleep_until(loop.time() + delay)
                continue
            self.stats.connects += 1
            if self._connected_before:
                self.stats.reconnects += 1
            self._connected_before = True
            return link
        return None

    async def _exchange(self, link: Link) -> None:
        """Keep the window full until the link fails, an outage starts or the run is over."""
        loop = asyncio.get_running_loop()
        while link.open and not self._finished():
            now = loop.time()
            if not self._retransmit_overdue(link, now) or not self._fill_window(link, now):
                return
            if self.control.stopping and not self.unacked:
                return
            await link.writable()
            await self._sleep_until(self._next_wake())

    def _retransmit_overdue(self, link: Link, now: float) -> bool:
        """Resend uploads whose answer is late; False once one has used up its retries."""
        while self._in_flight:
            pending = next(iter(self._in_flight.values()))
            if pending.deadline > now:
                break
            self.stats.timeouts += 1
            if pending.tries > self.transport.retries:
                return False
            del self._in_flight[pending.qn]
            self._send(link, pending, now)
        return True

    def _fill_window(self, link: Link, now: float) -> bool:
        """Send queued uploads, then due ones; False when the device is about to lose power."""
        while len(self._in_flight) < self.transport.window:
            if self._outbox:
                self._send(link, self._outbox.popleft(), now)
                continue
            if self.control.stopping:
                break
            upcoming = self._upcoming or self._prepare()
            if upcoming.after_outage:
                # The minutes before this tick were never measured: the logger is off and
                # silent until this tick's time comes.
                upcoming.after_outage = False
                self._off_until = upcoming.due
                self.stats.outages += 1
                return False
            if upcoming.due > now:
                break
            self._outbox.extend(upcoming.uploads)
            self.stats.generated += len(upcoming.uploads)
            self._upcoming = None
        return True

    def _send(self, link: Link, pending: _Pending, now: float) -> None:
        if pending.sends:
            self.stats.retransmitted += 1
        else:
            self.stats.sent += 1
        pending.sends += 1
        pending.tries += 1
        pending.deadline = now + self.transport.ack_timeout
        self._in_flight[pending.qn] = pending
        link.write(pending.data)

    def _requeue(self) -> None:
        """Unanswered uploads go back to the front of the queue, oldest first."""
        waiting = sorted(self._in_flight.values(), key=lambda pending: pending.sequence)
        self._in_flight.clear()
        for pending in waiting:
            pending.tries = 0
        self._outbox.extendleft(reversed(waiting))

    def _next_wake(self) -> float | None:
        candidates = []
        if self._in_flight:
            candidates.append(next(iter(self._in_flight.values())).deadline)
        if self.control.stopping:
            candidates.append(self.control.deadline)
        elif len(self._in_flight) < self.transport.window and self._upcoming is not None:
            candidates.append(self._upcoming.due)
        return min(candidates) if candidates else None

    async def _sleep_until(self, when: float | None) -> None:
        """Sleep until ``when`` (None: indefinitely) or until something wakes the device."""
        loop = asyncio.get_running_loop()
        if self.control.stopping:
            when = self.control.deadline if when is None else min(when, self.control.deadline)
        if when is not None and when <= loop.time():
            return
        self._waiter = loop.create_future()
        timer = loop.call_at(when, self.wake) if when is not None else None
        try:
            await self._waiter
        finally:
            self._waiter = None
            if timer is not None:
                timer.cancel()

    # The data.
    def _prepare(self) -> _Tick:
        """Measure the next minute the device is on for; skipped minutes mean an outage.

        The uploads are built now but count as generated only once due: a tick still in
        the future when the run stops was never measured, so it is neither sent nor owed.
        """
        after_outage = False
        while True:
            tick = self._tick
            self._tick += 1
            data_time = self.schedule.data_time(tick)
            values = self.model.minute(data_time)
            if values is not None:
                break
            after_outage = True
        uploads = [
            self._upload(cn, values, data_time)
            for cn in self.transport.commands
            if cn != HOURLY_DATA
        ]
        if HOURLY_DATA in self.transport.commands:
            uploads += self._hour_ended(values, data_time)
        self._upcoming = _Tick(self.schedule.due(tick, self._phase), uploads, after_outage)
        return self._upcoming

    def _upload(
        self, cn: str, values: Mapping[str, FactorMinute], data_time: datetime
    ) -> _Pending:
        qn = self._next_qn()
        data = upload_packet(self.profile, values, cn=cn, mn=self.device.mn,
                             pw=self.device.password, qn=qn, data_time=data_time)
        pending = _Pending(self._sequence, qn, data, cn, data_time, self.profile.codes)
        self._sequence += 1
        return pending

    def _hour_ended(
        self, values: Mapping[str, FactorMinute], data_time: datetime
    ) -> list[_Pending]:
        """Keep the hour's minutes; after its last minute, the hourly upload (2061)."""
        hour = data_time.replace(minute=0, second=0, microsecond=0)
        if self._hour_start != hour:
            self._hour_start, self._hour_minutes = hour, []
        self._hour_minutes.append(values)
        if data_time.minute != 59:
            return []
        return [self._upload(HOURLY_DATA, hourly_values(self._hour_minutes), hour)]

    def _next_qn(self) -> str:
        """A QN from the wall clock, strictly increasing per device even within a millisecond."""
        millis = max(int(time.time() * 1000), self._last_qn_ms + 1)
        self._last_qn_ms = millis
        return make_qn(datetime.fromtimestamp(millis / 1000, self.zone))

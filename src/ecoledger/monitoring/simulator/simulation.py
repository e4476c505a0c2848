"""Running a fleet of simulated devices against a receiver, and stopping it gracefully.

``Simulation`` is what tests and benchmarks drive (start it, watch its stats, stop it);
``run_simulation`` is what ``ecoledger hj212 simulate`` calls: it takes the devices from
the database when none are given, stops on SIGINT/SIGTERM or after ``duration``, and
reports progress on stderr. A stop first drains: devices send nothing new but keep trying
to deliver what is unanswered for ``drain_seconds``; a second signal cuts that short.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings

from ecoledger.monitoring.simulator.device import Control, DeviceRun, Transport
from ecoledger.monitoring.simulator.identity import SimulatedDevice
from ecoledger.monitoring.simulator.model import Behaviour
from ecoledger.monitoring.simulator.packets import MINUTE_DATA, UPLOAD_COMMANDS
from ecoledger.monitoring.simulator.schedule import Schedule
from ecoledger.monitoring.simulator.stats import SimulationStats

DEFAULT_TIME_ZONE = "Asia/Shanghai"


class NoDevicesError(RuntimeError):
    """The database has no point the simulator can play."""


@dataclass(frozen=True)
class SimulationSettings:
    """What to simulate and how the devices behave on the wire.

    ``devices``, ``rate`` (ticks per second per device; see ``schedule`` for time
    compression; ``math.inf`` for as fast as answers come), ``host``, ``port``, ``duration``
    (seconds, 0 until stopped) and ``seed`` are the command's flags. Each tick sends one
    upload per entry of ``commands`` (2051 minute data, 2011 real-time data; 2061 hourly data
    goes out after each hour's last minute). ``window`` is
    how many uploads a device may have unanswered at once (1: wait for each answer, as most
    loggers do). ``ack_timeout`` and ``retries`` follow HJ 212-2017 §6.2 (5 s and 3 for
    wired links). ``start`` is the naive local DataTime of the first tick; ``time_zone``
    the zone of DataTime, by default the platform's. ``record_keys`` keeps every
    acknowledged reading key in the stats (for tests; costly at benchmark volumes).
    """

    devices: int = 20
    rate: float = 1.0
    host: str = "127.0.0.1"
    port: int = 9212
    duration: float = 0.0
    seed: int = 212
    commands: tuple[str, ...] = (MINUTE_DATA,)
    window: int = 1
    ack_timeout: float = 5.0
    retries: int = 3
    connect_timeout: float = 5.0
    backoff: float = 0.2
    max_backoff: float = 5.0
    drain_seconds: float = 15.0
    behaviour: Behaviour = field(default_factory=Behaviour)
    start: datetime | None = None
    time_zone: str | None = None
    record_keys: bool = False
    progress_seconds: float = 10.0

    def __post_init__(self) -> None:
        if not self.commands or not set(self.commands) <= UPLOAD_COMMANDS:
            raise ValueError(f"commands must be taken from {sorted(UPLOAD_COMMANDS)}")
        if self.window < 1 or self.retries < 0 or self.ack_timeout <= 0:
            raise ValueError("window must be at least 1, retries ≥ 0, ack_timeout > 0")
        if not self.rate > 0 or self.duration < 0:
            raise ValueError("rate must be positive and duration not negative")

    @property
    def zone(self) -> ZoneInfo:
        if self.time_zone:
            return ZoneInfo(self.time_zone)
        if django_settings.configured:
            return ZoneInfo(django_settings.TIME_ZONE)
        return ZoneInfo(DEFAULT_TIME_ZONE)


class Simulation:
    """A fleet of devices sharing one event loop, one stats object and one stop."""

    def __init__(self, settings: SimulationSettings, devices: Sequence[SimulatedDevice]) -> None:
        if len({device.mn for device in devices}) != len(devices):
            raise ValueError("two simulated devices share an MN")
        self.settings = settings
        self.devices = list(devices)
        self.stats = SimulationStats()
        self.control = Control()
        self.schedule: Schedule | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def unacked(self) -> int:
        """Uploads generated and not yet answered, right now."""
        return sum(run.unacked for run in self.control.devices)

    async def run(self) -> SimulationStats:
        """Run until ``stop`` (or ``duration``) and the drain that follows; return the stats."""
        settings = self.settings
        self._loop = loop = asyncio.get_running_loop()
        zone = settings.zone
        self.schedule = Schedule.plan(
            rate=settings.rate,
            duration=settings.duration,
            zone=zone,
            loop_time=loop.time(),
            start=settings.start,
        )
        transport = Transport(
            settings.host,
            settings.port,
            settings.commands,
            settings.window,
            settings.ack_timeout,
            settings.retries,
            settings.connect_timeout,
            settings.backoff,
            settings.max_backoff,
            settings.record_keys,
        )
        self.control.devices = [
            DeviceRun(
                device,
                seed=settings.seed,
                behaviour=settings.behaviour,
                schedule=self.schedule,
                transport=transport,
                zone=zone,
                stats=self.stats,
                control=self.control,
            )
            for device in self.devices
        ]
        timer = loop.call_later(settings.duration, self.stop) if settings.duration else None
        tasks = [
            asyncio.create_task(run.run(), name=f"device-{run.device.mn}")
            for run in self.control.devices
        ]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            if timer is not None:
                timer.cancel()
        return self.stats

    def stop(self) -> None:
        """Stop sending new data and drain; called again, give up on the drain at once."""
        if self._loop is None:
            raise RuntimeError("the simulation is not running")
        now = self._loop.time()
        drain = 0.0 if self.control.stopping else self.settings.drain_seconds
        self.control.stop(now + drain)


async def run_simulation(
    settings: SimulationSettings, devices: Sequence[SimulatedDevice] | None = None
) -> SimulationStats:
    """``ecoledger hj212 simulate``: devices from the database unless given; stops on signals.

    Prints progress and a final summary on stderr (every ``progress_seconds``; 0: none).
    """
    if devices is None:
        devices = await asyncio.to_thread(_load_devices, settings.devices)
        if not devices:
            raise NoDevicesError(
                "no active monitoring point has a simulated password; create some with "
                "ecoledger.monitoring.simulator.register_simulated_points"
            )
    simulation = Simulation(settings, devices)
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for signum in signals:
        loop.add_signal_handler(signum, simulation.stop)
    reporter = asyncio.create_task(_report(simulation, settings.progress_seconds))
    _say(
        f"simulating {len(devices)} devices against {settings.host}:{settings.port}, "
        f"rate {settings.rate}/s each",
        settings.progress_seconds,
    )
    try:
        stats = await simulation.run()
    finally:
        reporter.cancel()
        for signum in signals:
            loop.remove_signal_handler(signum)
    _say(f"done: {stats.summary()}", settings.progress_seconds)
    return stats


def _load_devices(limit: int) -> list[SimulatedDevice]:
    """In a worker thread (the ORM is synchronous); closes that thread's connection after."""
    from django.db import connections

    from ecoledger.monitoring.simulator.points import devices_from_database

    try:
        return devices_from_database(limit)
    finally:
        connections.close_all()


async def _report(simulation: Simulation, every: float) -> None:
    if every <= 0:
        return
    started = time.monotonic()
    while True:
        await asyncio.sleep(every)
        elapsed = time.monotonic() - started
        _say(f"[{elapsed:.0f} s] {simulation.stats.summary()}", every)


def _say(message: str, every: float) -> None:
    if every > 0:
        print(message, file=sys.stderr, flush=True)

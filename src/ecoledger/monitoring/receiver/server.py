"""The receiver: accepts device connections, writes in batches, answers after commit.

Frames from every connection go into one bounded queue. One writer task
takes them in batches and hands each batch to a single database thread,
which attributes, converts and stores it in one transaction; only then are
the answers (9014) written back, so an acknowledged reading is never lost.
When the queue passes its high-water mark every connection stops reading
until the writer has caught up (backpressure). SIGTERM stops accepting,
drains the queue, answers what was stored, and exits.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import close_old_connections, connections

from ecoledger.lib import clock
from ecoledger.monitoring.choices import Transport
from ecoledger.monitoring.hj212 import Compat
from ecoledger.monitoring.ingest.directory import PointDirectory
from ecoledger.monitoring.ingest.hj212_intake import Hj212Intake, Taken
from ecoledger.monitoring.ingest.mqtt_intake import MqttIntake
from ecoledger.monitoring.ingest.rows import QuarantineRow
from ecoledger.monitoring.ingest.store import store_batch
from ecoledger.monitoring.receiver.connection import Arrival, DeviceConnection, Source
from ecoledger.monitoring.receiver.metrics import Metrics, serve_metrics
from ecoledger.monitoring.receiver.mqtt import MqttSubscriber

log = logging.getLogger(__name__)


@dataclass
class ReceiverSettings:
    host: str = "0.0.0.0"
    port: int = 9212
    metrics_host: str = "127.0.0.1"
    metrics_port: int | None = 9213
    batch_size: int = 5000
    linger_seconds: float = 0.02
    queue_limit: int = 50_000
    idle_timeout: float = 600.0
    malformed_budget: int = 20
    max_frame_size: int = 12_000
    retry_seconds: float = 1.0
    mqtt_url: str = ""
    mqtt_client_id: str = "ecoledger-receiver"


class Receiver:
    def __init__(self, settings: ReceiverSettings, directory: PointDirectory | None = None):
        self.settings = settings
        self.directory = directory or PointDirectory()
        self.intake = Hj212Intake(self.directory)
        self.mqtt_intake = MqttIntake(self.directory)
        self.mqtt: MqttSubscriber | None = None
        self.metrics = Metrics()
        self.queue: asyncio.Queue[Arrival] = asyncio.Queue()
        self.connections: set[DeviceConnection] = set()
        self.framing_compat = Compat()
        self.max_frame_size = settings.max_frame_size
        self.malformed_budget = settings.malformed_budget
        self._database = ThreadPoolExecutor(max_workers=1, thread_name_prefix="receiver-db")
        self._servers: list[asyncio.Server] = []
        self._stopping = asyncio.Event()
        self._paused = False

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._database, self._load_directory)
        self.framing_compat = self.directory.framing_compat()
        server = await loop.create_server(
            lambda: DeviceConnection(self), self.settings.host, self.settings.port,
            reuse_address=True, backlog=4096,
        )
        self._servers.append(server)
        if self.settings.metrics_port is not None:
            self._servers.append(
                await serve_metrics(self.metrics, self.settings.metrics_host,
                                    self.settings.metrics_port)
            )
        self._tasks = [
            asyncio.create_task(self._write_forever(), name="receiver-writer"),
            asyncio.create_task(self._sweep_forever(), name="receiver-sweep"),
        ]
        if self.settings.mqtt_url:
            self.mqtt = MqttSubscriber(self.settings.mqtt_url, self, loop,
                                       client_id=self.settings.mqtt_client_id)
            self.mqtt.start()

    @property
    def port(self) -> int:
        return self._servers[0].sockets[0].getsockname()[1]

    @property
    def metrics_port(self) -> int | None:
        return self._servers[1].sockets[0].getsockname()[1] if len(self._servers) > 1 else None

    def _load_directory(self) -> None:
        close_old_connections()
        self.directory.load()

    # Connections call these.
    def opened(self, connection: DeviceConnection) -> None:
        self.connections.add(connection)
        self.metrics.connections = len(self.connections)
        self.metrics.counts["connections_opened"] += 1
        if self._paused:
            connection.pause()

    def closed(self, connection: DeviceConnection) -> None:
        self.connections.discard(connection)
        self.metrics.connections = len(self.connections)

    def submit(self, arrival: Arrival) -> None:
        self.queue.put_nowait(arrival)
        self.metrics.queue_depth = self.queue.qsize()
        if not self._paused and self.queue.qsize() >= self.settings.queue_limit:
            self._paused = True
            for connection in self.connections:
                connection.pause()

    def _maybe_resume(self) -> None:
        if self._paused and self.queue.qsize() <= self.settings.queue_limit // 2:
            self._paused = False
            for connection in self.connections:
                connection.resume()

    # The writer.
    async def _write_forever(self) -> None:
        while not (self._stopping.is_set() and self.queue.empty()):
            batch = await self._collect()
            if batch:
                await self._write(batch)

    async def _collect(self) -> list[Arrival]:
        try:
            first = await asyncio.wait_for(self.queue.get(), timeout=0.5)
        except TimeoutError:
            return []
        batch = [first]
        deadline = time.monotonic() + self.settings.linger_seconds
        while len(batch) < self.settings.batch_size:
            if not self.queue.empty():
                batch.append(self.queue.get_nowait())
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                batch.append(await asyncio.wait_for(self.queue.get(), timeout=remaining))
            except TimeoutError:
                break
        return batch

    async def _write(self, batch: list[Arrival]) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = time.monotonic()
            try:
                taken, answers = await loop.run_in_executor(self._database, self._store, batch)
                break
            except Exception:  # nothing was acknowledged: retry the batch
                log.exception("storing a batch of %d frames failed; retrying", len(batch))
                self.metrics.counts["error:store_failed"] += 1
                await asyncio.sleep(self.settings.retry_seconds)
        self.metrics.observe_batch(time.monotonic() - started)
        self.metrics.counts.update(taken.counts)
        for source, answer in answers:
            source.deliver(answer)
        self.metrics.queue_depth = self.queue.qsize()
        self._maybe_resume()

    def _store(self, batch: list[Arrival]) -> tuple[Taken, list[tuple[Source, bytes]]]:
        """In the database thread: attribute, convert and commit a batch in one transaction."""
        close_old_connections()
        self.directory.refresh_if_stale()
        now = clock.now()
        taken = Taken()
        answers: list[tuple[Source, bytes]] = []
        for arrival in batch:
            if arrival.topic is not None:
                self.mqtt_intake.take(arrival.topic, arrival.frame, now, taken)
                answers.append((arrival.source, b""))  # the broker's acknowledgement
                continue
            if arrival.error is not None:
                taken.counts[f"error:{arrival.error.reason}"] += 1
                taken.quarantined.append(QuarantineRow(
                    Transport.TCP, arrival.source.peer, str(arrival.error.reason),
                    arrival.error.message, arrival.frame))
                continue
            owed = len(taken.answers)
            self.intake.take(arrival.frame, arrival.source.peer, now, taken)
            answers.extend((arrival.source, a) for a in taken.answers[owed:])
        result = store_batch(taken.readings, taken.quarantined, received_at=now)
        taken.counts["readings_inserted"] += result.inserted
        taken.counts["readings_duplicate"] += result.readings - result.inserted
        taken.counts["quarantined"] += result.quarantined
        return taken, answers

    async def _sweep_forever(self) -> None:
        """Close idle connections; release frames of peers that stopped mid-packet."""
        while not self._stopping.is_set():
            await asyncio.sleep(1.0)
            now = time.monotonic()
            for connection in list(self.connections):
                quiet = now - connection.last_valid
                if quiet > self.settings.idle_timeout:
                    self.metrics.counts["idle_closed"] += 1
                    connection.close()
                elif quiet > 2 and connection.framer.pending:
                    connection.flush_idle()

    async def stop(self) -> None:
        """Stop accepting, drain what was received, answer it, then close."""
        if self.mqtt is not None:
            self.mqtt.pause()
        for server in self._servers:
            server.close()
        for connection in list(self.connections):
            connection.pause()
        self._stopping.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for connection in list(self.connections):
            connection.close()
        if self.mqtt is not None:
            self.mqtt.stop()
        await asyncio.get_running_loop().run_in_executor(self._database, connections.close_all)
        self._database.shutdown(wait=True)


async def run_receiver(settings: ReceiverSettings) -> None:
    """Run until SIGTERM or SIGINT, then shut down gracefully."""
    receiver = Receiver(settings)
    await receiver.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    log.info("HJ 212 receiver listening on %s:%s (metrics on %s)", settings.host, receiver.port,
             receiver.metrics_port)
    await stop.wait()
    log.info("stopping: draining %d queued frames", receiver.queue.qsize())
    await receiver.stop()
    log.info("stopped")

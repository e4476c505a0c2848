"""The receiver: accepts device connections, writes in batches, answers after commit.

Frames from every connection go into one bounded queue. One writer task
gathers them into batches, parsing and attributing each frame on the event
loop as it is gathered, while a single database thread commits the previous
batch in one transaction; only then are its answers (9014) written back, so
an acknowledged reading is never lost. When the queue passes its high-water
mark every connection stops reading until the writer has caught up
(backpressure). SIGTERM stops accepting, drains the queue, answers what was
stored, and exits.
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
from ecoledger.monitoring.hj212 import Compat
from ecoledger.monitoring.ingest.directory import PointDirectory
from ecoledger.monitoring.ingest.store import store_batch
from ecoledger.monitoring.receiver.batch import Batch, Intakes
from ecoledger.monitoring.receiver.connection import Arrival, DeviceConnection
from ecoledger.monitoring.receiver.metrics import Metrics, serve_metrics
from ecoledger.monitoring.receiver.mqtt import MqttSubscriber

log = logging.getLogger(__name__)

_TAKEN_BETWEEN_YIELDS = 256
"""Arrivals taken (about 20 ms of parsing) before the writer lets the event loop run."""


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
    reuse_port: bool = False


class Receiver:
    def __init__(self, settings: ReceiverSettings, directory: PointDirectory | None = None):
        self.settings = settings
        self.directory = directory or PointDirectory()
        self._loop_intakes = Intakes(self.directory.loaded())
        self._database_intakes = Intakes(self.directory)
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
            reuse_address=True, reuse_port=self.settings.reuse_port or None, backlog=4096,
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
        """Gather and take a batch while the previous one commits; one commit at a time, so
        answers go out in order and every batch is one transaction."""
        committing: asyncio.Task[None] | None = None
        while not (self._stopping.is_set() and self.queue.empty()):
            batch = await self._gather(committing)
            if batch is None:
                continue
            if committing is not None:
                await committing
            committing = asyncio.create_task(self._commit(batch), name="receiver-commit")
        if committing is not None:
            await committing

    async def _gather(self, committing: asyncio.Task[None] | None) -> Batch | None:
        """Take arrivals until the batch is full, or it has lingered and the database is free:
        while the previous batch commits, this one keeps growing."""
        try:
            first = await asyncio.wait_for(self.queue.get(), timeout=0.5)
        except TimeoutError:
            return None
        batch = Batch(clock.now())
        batch.add(first, self._loop_intakes)
        deadline = time.monotonic() + self.settings.linger_seconds
        while batch.size < self.settings.batch_size:
            if not self.queue.empty():
                batch.add(self.queue.get_nowait(), self._loop_intakes)
                self._maybe_resume()
                if batch.size % _TAKEN_BETWEEN_YIELDS == 0:
                    await asyncio.sleep(0)  # let connections read and answers go out
                continue
            remaining = deadline - time.monotonic()
            if remaining > 0:
                try:
                    arrival = await asyncio.wait_for(self.queue.get(), timeout=remaining)
                except TimeoutError:
                    continue
            elif committing is not None and not committing.done():
                arrival = await self._arrival_before(committing)
                if arrival is None:
                    break
            else:
                break
            batch.add(arrival, self._loop_intakes)
        self.metrics.queue_depth = self.queue.qsize()
        return batch

    async def _arrival_before(self, committing: asyncio.Task[None]) -> Arrival | None:
        """The next arrival, or None if the commit ends first."""
        getter = asyncio.ensure_future(self.queue.get())
        await asyncio.wait({getter, committing}, return_when=asyncio.FIRST_COMPLETED)
        if getter.done():
            return getter.result()
        getter.cancel()  # Queue.get gives up its place without taking an item
        return None

    async def _commit(self, batch: Batch) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = time.monotonic()
            try:
                await loop.run_in_executor(self._database, self._store, batch)
                break
            except Exception:  # nothing was acknowledged: retry the batch
                log.exception("storing a batch of %d frames failed; retrying", batch.size)
                self.metrics.counts["error:store_failed"] += 1
                await asyncio.sleep(self.settings.retry_seconds)
        self.metrics.observe_batch(time.monotonic() - started)
        self.metrics.counts.update(batch.taken.counts)
        for source, answers in batch.answers_by_source().items():
            source.deliver(b"".join(answers))
        self.metrics.queue_depth = self.queue.qsize()
        self._maybe_resume()

    def _store(self, batch: Batch) -> None:
        """In the database thread: take the deferred arrivals, commit in one transaction."""
        close_old_connections()
        self.directory.refresh_if_stale()
        batch.take_deferred(self._database_intakes)
        taken = batch.taken
        result = store_batch(taken.readings, taken.quarantined, received_at=batch.now)
        taken.counts["readings_inserted"] += result.inserted
        taken.counts["readings_duplicate"] += result.readings - result.inserted
        taken.counts["quarantined"] += result.quarantined

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

"""One device connection: framing, limits, backpressure. No database work happens here."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ecoledger.monitoring.hj212 import Frame, Framer, FramingError

if TYPE_CHECKING:
    from ecoledger.monitoring.receiver.server import Receiver


class Source(Protocol):
    """Where data came from and how to answer it once stored (a TCP device, an MQTT message)."""

    peer: str

    def deliver(self, answer: bytes) -> None: ...


@dataclass(frozen=True, slots=True)
class Arrival:
    """A frame (or bytes that would not frame, or an MQTT payload) waiting for the writer."""

    source: Source
    frame: bytes
    error: FramingError | None = None
    topic: str | None = None


class DeviceConnection(asyncio.Protocol):
    """Frames bytes as they come and hands complete frames to the receiver's queue.

    Limits: the framer bounds the bytes held for one packet; a budget of
    malformed frames closes a connection that only sends garbage; a connection
    with no valid frame for ``idle_timeout`` is closed by the receiver's sweep.
    """

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self.transport: asyncio.Transport | None = None
        self.peer = ""
        self.framer = Framer(compat=receiver.framing_compat,
                             max_frame_size=receiver.max_frame_size)
        self.last_valid = time.monotonic()
        self.malformed = 0
        self.paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        host, port, *_ = transport.get_extra_info("peername") or ("?", 0)
        self.peer = f"{host}:{port}"
        self.receiver.opened(self)

    def data_received(self, data: bytes) -> None:
        for event in self.framer.feed(data):
            self._accept(event)

    def _accept(self, event: Frame | FramingError) -> None:
        if isinstance(event, Frame):
            self.last_valid = time.monotonic()
            self.malformed = 0
            self.receiver.submit(Arrival(self, event.data))
            return
        self.malformed += 1
        self.receiver.submit(Arrival(self, event.raw, event))
        if self.malformed > self.receiver.malformed_budget:
            self.close()

    def eof_received(self) -> bool | None:
        for event in self.framer.close():
            self._accept(event)
        return None

    def flush_idle(self) -> None:
        """The peer went quiet: let the framer release what can no longer grow."""
        for event in self.framer.flush():
            self._accept(event)

    def connection_lost(self, exc: Exception | None) -> None:
        self.receiver.closed(self)

    def deliver(self, answer: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(answer)

    def pause(self) -> None:
        if not self.paused and self.transport is not None and not self.transport.is_closing():
            self.transport.pause_reading()
            self.paused = True

    def resume(self) -> None:
        if self.paused and self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()
        self.paused = False

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

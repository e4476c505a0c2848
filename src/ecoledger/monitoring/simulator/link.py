"""One TCP connection of a simulated device: frames and parses what the platform answers.

Answers are parsed strictly: a platform that answers with a malformed packet is exactly
what a simulator should notice, so such frames are counted, never taken as an answer.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from ecoledger.monitoring.hj212 import Frame, Framer, HJ212Error, Packet, parse_packet


class LinkOwner(Protocol):
    def answered(self, packet: Packet) -> None: ...

    def garbled(self) -> None: ...

    def link_lost(self, link: Link) -> None: ...


class Link(asyncio.Protocol):
    """The device's side of a connection; it writes what the device sends, nothing else."""

    def __init__(self, owner: LinkOwner) -> None:
        self.owner = owner
        self.transport: asyncio.Transport | None = None
        self.open = False
        self._framer = Framer()
        self._writable: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.open = True

    def data_received(self, data: bytes) -> None:
        for event in self._framer.feed(data):
            if not isinstance(event, Frame):
                self.owner.garbled()
                continue
            try:
                packet = parse_packet(event.data)
            except HJ212Error:
                self.owner.garbled()
                continue
            self.owner.answered(packet)

    def connection_lost(self, exc: Exception | None) -> None:
        was_open, self.open = self.open, False
        self._release_writers()
        if was_open:
            self.owner.link_lost(self)

    def pause_writing(self) -> None:
        if self._writable is None:
            self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        self._release_writers()

    async def writable(self) -> None:
        """Wait while the kernel's send buffer is full (the platform reads slower than we send)."""
        if self._writable is not None:
            await self._writable

    def write(self, data: bytes) -> None:
        if self.open and self.transport is not None:
            self.transport.write(data)

    def close(self) -> None:
        """Close from our side; the owner is not told of a loss it caused itself."""
        self.open = False
        self._release_writers()
        if self.transport is not None:
            self.transport.close()

    def _release_writers(self) -> None:
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)
        self._writable = None

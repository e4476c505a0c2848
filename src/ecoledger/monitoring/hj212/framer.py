"""Sans-IO framing of a TCP byte stream into HJ 212 packets.

TCP delivers several packets in one read and one packet over many reads, so the framer
keeps the unfinished tail between calls to ``feed``. Its output depends only on the bytes,
never on how they were chunked: every decision waits until the bytes it needs are there.

Strict framing trusts the declared length and requires CR LF right after the CRC. Bytes
that do not start a packet are skipped up to the next ``##`` and reported as one
``FramingError`` with their stream offset — never dropped silently. Under ``Compat``:

* ``missing_trailer`` – the declared length still places the CRC; whatever follows it
  (CR LF, a lone CR or LF, or nothing) ends the packet. A packet with nothing after it is
  only released by ``flush()``, which the connection calls when the peer goes quiet.
* ``wrong_length`` – the declared length is ignored for framing; the packet ends at the
  first CR LF (or, with ``missing_trailer`` too, at the first LF or the next ``##``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ecoledger.monitoring.hj212.compat import STRICT, Compat
from ecoledger.monitoring.hj212.errors import Reason, show_bytes
from ecoledger.monitoring.hj212.packet import CRC_DIGITS, HEAD, SEGMENT_START, TRAILER

FRAME_OVERHEAD = SEGMENT_START + CRC_DIGITS + len(TRAILER)
_SAMPLE_BYTES = 16
RAW_KEPT = 4096
"""Skipped bytes kept with an error (for quarantine): enough to see what a device sent."""


@dataclass(frozen=True, slots=True)
class Frame:
    """The bytes of one packet (as received) and the stream offset of its first ``#``."""

    data: bytes
    offset: int


@dataclass(frozen=True, slots=True)
class FramingError:
    """Bytes skipped because they do not form a packet: ``length`` bytes from ``offset``."""

    reason: Reason
    message: str
    offset: int
    length: int
    raw: bytes = b""


FramerEvent = Frame | FramingError


@dataclass(slots=True)
class _Discard:
    reason: Reason
    detail: str
    offset: int
    length: int = 0
    sample: bytes = b""

    def add(self, skipped: bytes) -> None:
        self.length += len(skipped)
        if len(self.sample) < RAW_KEPT:
            self.sample = (self.sample + skipped)[:RAW_KEPT]

    def report(self) -> FramingError:
        where = f"{self.length} bytes skipped from byte {self.offset}"
        if self.reason is Reason.GARBAGE:
            start = show_bytes(self.sample[:_SAMPLE_BYTES])
            message = f"{where}: not part of any packet (starts {start})"
        else:
            message = f"{self.detail}; {where}"
        return FramingError(self.reason, message, self.offset, self.length, self.sample)


class _Failure(Exception):
    """Internal: the bytes at the head of the buffer do not frame."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class Framer:
    """Cut a byte stream into ``Frame`` objects; ``feed`` never raises on any input."""

    def __init__(self, *, compat: Compat = STRICT, max_frame_size: int | None = None) -> None:
        largest = compat.segment_limit + FRAME_OVERHEAD
        self.max_frame_size = largest if max_frame_size is None else max_frame_size
        if self.max_frame_size <= FRAME_OVERHEAD:
            raise ValueError(f"max_frame_size must exceed {FRAME_OVERHEAD}")
        self._segment_limit = min(compat.segment_limit, self.max_frame_size - FRAME_OVERHEAD)
        self._compat = compat
        self._buffer = bytearray()
        self._offset = 0
        self._discard: _Discard | None = None

    @property
    def pending(self) -> int:
        """Bytes held back while waiting for the rest of a packet."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[FramerEvent]:
        """Add received bytes; return the packets and errors they complete, in order."""
        self._buffer += data
        events: list[FramerEvent] = []
        while self._step(events, idle=False):
            pass
        return events

    def flush(self) -> list[FramerEvent]:
        """The peer went quiet: release what can no longer be completed by more bytes.

        Reports skipped bytes seen so far and, under ``missing_trailer``, releases a packet
        that has arrived without anything after it (a logger waiting for its answer).
        """
        events: list[FramerEvent] = []
        while self._step(events, idle=True):
            pass
        self._report_discard(events)
        return events

    def close(self) -> list[FramerEvent]:
        """End of stream: everything still held becomes a frame or an error."""
        events = self.flush()
        if self._buffer and not self._buffer.startswith(HEAD):
            self._skip(len(self._buffer), Reason.GARBAGE, "")
            self._report_discard(events)
        elif self._buffer:
            length = len(self._buffer)
            events.append(
                FramingError(
                    Reason.TRUNCATED,
                    f"stream ended inside a packet; {length} bytes skipped from byte "
                    f"{self._offset}",
                    self._offset,
                    length,
                    bytes(self._buffer[:RAW_KEPT]),
                )
            )
            self._consume(length)
        return events

    def _step(self, events: list[FramerEvent], *, idle: bool) -> bool:
        """Take one decision about the head of the buffer; False when more bytes are needed."""
        buffer = self._buffer
        start = buffer.find(HEAD)
        if start != 0:
            if start == -1:
                # A lone trailing '#' may be the first half of the next '##'.
                start = len(buffer) - 1 if buffer.endswith(b"#") else len(buffer)
            if start == 0:
                return False
            self._skip(start, Reason.GARBAGE, "")
            return True
        if len(buffer) <= len(HEAD):
            return False
        if buffer[len(HEAD)] == ord("#"):
            # In a run of '#', only the last two can open the packet.
            self._skip(1, Reason.GARBAGE, "")
            return True
        self._report_discard(events)
        try:
            end = self._frame_end(idle=idle)
        except _Failure as failure:
            self._discard = _Discard(failure.reason, failure.detail, self._offset)
            self._skip(1, failure.reason, failure.detail)
            return True
        if end is None:
            return False
        events.append(Frame(bytes(buffer[:end]), self._offset))
        self._consume(end)
        return True

    def _frame_end(self, *, idle: bool) -> int | None:
        """Where the packet at the head of the buffer ends, None if not yet known."""
        if self._compat.wrong_length:
            return self._scanned_end(idle=idle)
        buffer = self._buffer
        if len(buffer) < SEGMENT_START:
            return None
        declared = self._declared_length()
        crc_end = SEGMENT_START + declared + CRC_DIGITS
        if self._compat.missing_trailer:
            return self._lenient_trailer_end(crc_end, idle=idle)
        if len(buffer) < crc_end + len(TRAILER):
            return None
        if buffer[crc_end : crc_end + len(TRAILER)] != TRAILER:
            raise _Failure(
                Reason.BAD_TRAILER,
                f"no CR LF at byte {self._offset + crc_end}, where the declared length "
                f"{declared} ends the packet",
            )
        return crc_end + len(TRAILER)

    def _declared_length(self) -> int:
        field = bytes(self._buffer[len(HEAD) : SEGMENT_START])
        if not field.isdigit():
            raise _Failure(
                Reason.BAD_LENGTH,
                f"length field {show_bytes(field)} at byte {self._offset + len(HEAD)} "
                "is not 4 decimal digits",
            )
        declared = int(field)
        if declared > self._segment_limit:
            raise _Failure(
                Reason.SEGMENT_TOO_LONG,
                f"declared data-segment length {declared} exceeds {self._segment_limit}",
            )
        return declared

    def _lenient_trailer_end(self, crc_end: int, *, idle: bool) -> int | None:
        buffer = self._buffer
        if len(buffer) <= crc_end:
            return len(buffer) if idle and len(buffer) == crc_end else None
        if buffer[crc_end] == ord("\n"):
            return crc_end + 1
        if buffer[crc_end] != ord("\r"):
            return crc_end
        if len(buffer) == crc_end + 1:
            return crc_end + 1 if idle else None
        return crc_end + 2 if buffer[crc_end + 1] == ord("\n") else crc_end + 1

    def _scanned_end(self, *, idle: bool) -> int | None:
        """End of a packet whose declared length is not trusted (``wrong_length``)."""
        window = bytes(self._buffer[: self.max_frame_size])
        next_head = window.find(HEAD, len(HEAD))
        if self._compat.missing_trailer:
            line_end = window.find(b"\n", SEGMENT_START)
            ends = [end for end in (next_head, line_end + 1 if line_end != -1 else -1) if end > 0]
            if ends:
                return min(ends)
        else:
            line_end = window.find(TRAILER, SEGMENT_START)
            if line_end != -1 and (next_head == -1 or line_end < next_head):
                return line_end + len(TRAILER)
            if next_head != -1:
                raise _Failure(
                    Reason.BAD_TRAILER,
                    f"no CR LF before the next '##' at byte {self._offset + next_head}",
                )
        if len(self._buffer) >= self.max_frame_size:
            raise _Failure(
                Reason.FRAME_TOO_LARGE, f"no end of packet within {self.max_frame_size} bytes"
            )
        if idle and self._compat.missing_trailer and len(self._buffer) > SEGMENT_START:
            return len(self._buffer)
        return None

    def _skip(self, count: int, reason: Reason, detail: str) -> None:
        if self._discard is None:
            self._discard = _Discard(reason, detail, self._offset)
        self._discard.add(bytes(self._buffer[:count]))
        self._consume(count)

    def _consume(self, count: int) -> None:
        del self._buffer[:count]
        self._offset += count

    def _report_discard(self, events: list[FramerEvent]) -> None:
        if self._discard is not None:
            events.append(self._discard.report())
            self._discard = None

"""The one error family of the HJ 212 codec.

Field units send malformed packets every day, so malformed input is an expected outcome,
not a bug: every problem the codec finds becomes an ``HJ212Error`` with a short machine
reason (for counters and quarantine rows) and the byte offset where the problem starts
(for the person reading the quarantine). Nothing else — no ``IndexError``, ``ValueError``
or ``UnicodeDecodeError`` — may escape from parsing.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Machine codes for what is wrong with the input."""

    BAD_HEADER = "bad_header"
    BAD_LENGTH = "bad_length"
    BAD_TRAILER = "bad_trailer"
    BAD_CRC = "bad_crc"
    BAD_ENCODING = "bad_encoding"
    SEGMENT_TOO_LONG = "segment_too_long"
    FRAME_TOO_LARGE = "frame_too_large"
    MISSING_FIELD = "missing_field"
    BAD_FIELD = "bad_field"
    BAD_CP = "bad_cp"
    BAD_DATETIME = "bad_datetime"
    BAD_VALUE = "bad_value"
    GARBAGE = "garbage"
    TRUNCATED = "truncated"


class HJ212Error(Exception):
    """Malformed HJ 212 input: ``reason`` says what, ``offset`` says at which byte.

    ``offset`` counts bytes from the first ``#`` of the packet for ``parse_packet`` and from
    the start of the stream for the framer and ``parse_stream``.
    """

    def __init__(self, reason: Reason, detail: str, offset: int) -> None:
        self.reason = reason
        self.detail = detail
        self.offset = offset
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.detail} (at byte {self.offset})"


def show_bytes(raw: bytes, limit: int = 40) -> str:
    """A short, printable rendering of offending input for error messages."""
    return repr(raw.decode("utf-8", errors="replace")[:limit])

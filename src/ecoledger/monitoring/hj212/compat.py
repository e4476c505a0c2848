"""Which deviations from the standard the codec tolerates.

Real loggers rarely send fully conforming packets (hj212.md §7). Each tolerated deviation
is one named quirk; ``Compat`` switches quirks on one by one, and every packet parsed under a
quirk records it in ``Packet.quirks`` so the receiver can count which devices need which
leniency instead of silently accepting everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_STANDARD_SEGMENT = 1024
MAX_STANDARD_CP = 950
MAX_DECLARABLE_SEGMENT = 9999
"""The largest length four decimal digits can declare; the hard cap for long segments."""


class Quirk(StrEnum):
    """One tolerated deviation; each value is also the name of the ``Compat`` switch."""

    LOWERCASE_CRC = "lowercase_crc"
    MODBUS_CRC = "modbus_crc"
    SWAPPED_MODBUS_CRC = "swapped_modbus_crc"
    MISSING_QN = "missing_qn"
    MISSING_FLAG = "missing_flag"
    LONG_SEGMENT = "long_segment"
    NONSTANDARD_MN = "nonstandard_mn"
    NONSTANDARD_PW = "nonstandard_pw"
    NONSTANDARD_ST = "nonstandard_st"
    DATETIME_MILLISECONDS = "datetime_milliseconds"
    TRAILING_SEMICOLON = "trailing_semicolon"
    WRONG_LENGTH = "wrong_length"
    MISSING_TRAILER = "missing_trailer"
    UNKNOWN_KEYS = "unknown_keys"


@dataclass(frozen=True, slots=True)
class Compat:
    """Quirk switches; the default (``STRICT``) follows HJ 212-2017 to the letter.

    ``max_segment`` caps the data segment when ``long_segment`` is on (loggers have sent up
    to 1623 bytes); without ``long_segment`` the standard's 1024 applies.
    """

    lowercase_crc: bool = False
    modbus_crc: bool = False
    swapped_modbus_crc: bool = False
    missing_qn: bool = False
    missing_flag: bool = False
    long_segment: bool = False
    nonstandard_mn: bool = False
    nonstandard_pw: bool = False
    nonstandard_st: bool = False
    datetime_milliseconds: bool = False
    trailing_semicolon: bool = False
    wrong_length: bool = False
    missing_trailer: bool = False
    unknown_keys: bool = False
    max_segment: int = MAX_DECLARABLE_SEGMENT

    def __post_init__(self) -> None:
        if not MAX_STANDARD_SEGMENT <= self.max_segment <= MAX_DECLARABLE_SEGMENT:
            raise ValueError(
                f"max_segment must be between {MAX_STANDARD_SEGMENT} and "
                f"{MAX_DECLARABLE_SEGMENT}, not {self.max_segment}"
            )

    def allows(self, quirk: Quirk) -> bool:
        allowed: bool = getattr(self, quirk.value)
        return allowed

    @property
    def segment_limit(self) -> int:
        return self.max_segment if self.long_segment else MAX_STANDARD_SEGMENT

    @classmethod
    def only(cls, *quirks: Quirk) -> Compat:
        """Strict except for the given quirks."""
        return cls(**{quirk.value: True for quirk in quirks})


STRICT = Compat()
LENIENT = Compat.only(*Quirk)
"""Every known quirk tolerated (and recorded): for receivers facing an unknown fleet."""

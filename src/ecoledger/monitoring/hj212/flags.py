"""The Flag header field: answer bit, split bit and protocol version.

Flag bits, most significant first, are ``V5 V4 V3 V2 V1 V0 D A``. The version bits say
which standard the sender speaks; 2005 devices send 0..3 or no Flag at all. Values with
unknown version bits are accepted (the 2017 text allows extension, and stations sent
``Flag=8`` years before 2025 gave it a meaning), their version is simply unknown.
"""

from __future__ import annotations

from enum import StrEnum

ANSWER_BIT = 0x01
SPLIT_BIT = 0x02
VERSION_MASK = 0xFC

REQUEST_FLAG = 5
"""Flag of the platform's requests: HJ 212-2017, answer wanted."""


class ProtocolVersion(StrEnum):
    HJ212_2005 = "2005"
    HJ212_2017 = "2017"
    HJ212_2025 = "2025"


_VERSION_BITS = {
    0: ProtocolVersion.HJ212_2005,
    1: ProtocolVersion.HJ212_2017,
    2: ProtocolVersion.HJ212_2025,
}


def version_of(flag: int | None) -> ProtocolVersion | None:
    """The standard a Flag value declares; a missing Flag is how 2005 devices speak."""
    if flag is None:
        return ProtocolVersion.HJ212_2005
    return _VERSION_BITS.get(flag >> 2)

"""Who a simulated device is: its MN, its kind and the password it logs in with.

The platform stores only a hash of each point's password, so a simulator cannot learn the
password of a registered point. Simulated points therefore use a password derived from the
MN with a fixed salt: ``register_simulated_points`` stores the hash of exactly that password
and every simulator run can recompute it. Anyone with this source can do the same, so the
scheme is for demonstration and benchmark points only, never for a real device.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Sequence
from dataclasses import dataclass

from ecoledger.monitoring.choices import PointKind
from ecoledger.monitoring.simulator.profiles import PROFILES, KindProfile

PASSWORD_SALT = "ecoledger-simulator/hj212-2017"
_PASSWORD_ALPHABET = string.digits + string.ascii_letters

SIMULATED_MN_PREFIX = "305EC0212"
"""EPC-96 header 0x30 and an invented manufacturer number: every simulated MN starts so."""

DEFAULT_KINDS: tuple[str, ...] = (PointKind.AIR_STATION, PointKind.STACK, PointKind.WASTEWATER)


def device_password(mn: str) -> str:
    """The 6-character access password of the simulated device ``mn`` (HJ 212 PW field)."""
    digest = hashlib.sha256(f"{PASSWORD_SALT}:{mn}".encode()).digest()
    return "".join(_PASSWORD_ALPHABET[byte % len(_PASSWORD_ALPHABET)] for byte in digest[:6])


def simulated_mn(index: int, kind: str) -> str:
    """A 24-hex-digit MN laid out like an EPC-96: header, manufacturer, class (ST), serial."""
    if not 0 <= index < 16**9:
        raise ValueError(f"index must be between 0 and {16**9 - 1}, not {index}")
    return f"{SIMULATED_MN_PREFIX}{profile_of(kind).st:0>6}{index:09X}"


def profile_of(kind: str) -> KindProfile:
    try:
        return PROFILES[kind]
    except KeyError:
        raise ValueError(
            f"the simulator cannot play a {kind!r} point; it plays {', '.join(sorted(PROFILES))}"
        ) from None


@dataclass(frozen=True, slots=True)
class SimulatedDevice:
    """One device to simulate: MN, point kind and password (derived from the MN if empty)."""

    mn: str
    kind: str
    password: str = ""

    def __post_init__(self) -> None:
        profile_of(self.kind)
        if not self.password:
            object.__setattr__(self, "password", device_password(self.mn))

    @property
    def profile(self) -> KindProfile:
        return profile_of(self.kind)


def simulated_devices(
    count: int, *, kinds: Sequence[str] = DEFAULT_KINDS, first: int = 0
) -> list[SimulatedDevice]:
    """``count`` devices numbered from ``first``, their kinds taken from ``kinds`` in turn."""
    if not kinds:
        raise ValueError("kinds must name at least one point kind")
    return [
        SimulatedDevice(simulated_mn(index, kinds[index % len(kinds)]), kinds[index % len(kinds)])
        for index in range(first, first + count)
    ]

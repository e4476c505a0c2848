"""Who may send data: the registered points by MN, refreshed while the receiver runs.

The receiver checks every packet's MN and password without a query: the
directory is a snapshot reloaded every ``refresh_seconds`` (and at once when
an unknown MN shows up, so a newly registered device is accepted promptly).

Loading queries the database, which Django allows only off the event loop.
``find`` may load; the receiver's event loop reads through ``loaded()``,
whose ``find`` never queries and raises ``NotLoaded`` for an MN it lacks, so
that the frame can go to the database thread, where ``find`` may load.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from ecoledger.monitoring.hj212 import Compat, Quirk
from ecoledger.monitoring.models import MonitoringPoint, password_digest
from ecoledger.monitoring.parameters import parameter_ids

KNOWN_QUIRKS = frozenset(q.value for q in Quirk)

# Every packet carries its password: hash each one once, not once per packet.
_digest = lru_cache(maxsize=8192)(password_digest)


@dataclass(frozen=True, slots=True)
class PointEntry:
    id: int
    mn: str
    kind: str
    password_hash: str
    quirks: frozenset[Quirk]

    def accepts_password(self, password: str | None) -> bool:
        return password is not None and _digest(password) == self.password_hash


class Points(Protocol):
    """What the intakes read: a point by MN, and parameter ids by canonical code."""

    @property
    def parameters(self) -> dict[str, int]: ...

    def find(self, mn: str) -> PointEntry | None: ...


class NotLoaded(Exception):
    """The MN is not in the loaded directory: look again where the database may be queried."""


class PointDirectory:
    def __init__(self, *, refresh_seconds: float = 30.0, unknown_retry_seconds: float = 5.0):
        self.refresh_seconds = refresh_seconds
        self.unknown_retry_seconds = unknown_retry_seconds
        self._points: dict[str, PointEntry] = {}
        self.parameters: dict[str, int] = {}
        self._loaded_at = float("-inf")

    def load(self) -> None:
        points = {}
        for point in MonitoringPoint.objects.filter(active=True).only(
            "pk", "mn", "kind", "password_hash", "allowed_quirks"
        ):
            quirks = frozenset(Quirk(q) for q in point.allowed_quirks if q in KNOWN_QUIRKS)
            points[point.mn] = PointEntry(
                point.pk, point.mn, point.kind, point.password_hash, quirks
            )
        self.parameters = parameter_ids()  # before the points: a known point finds its ids
        self._points = points
        self._loaded_at = time.monotonic()

    def refresh_if_stale(self) -> None:
        if time.monotonic() - self._loaded_at > self.refresh_seconds:
            self.load()

    def find(self, mn: str) -> PointEntry | None:
        entry = self._points.get(mn)
        if entry is None and time.monotonic() - self._loaded_at > self.unknown_retry_seconds:
            self.load()
            entry = self._points.get(mn)
        return entry

    def known(self, mn: str) -> PointEntry | None:
        """The point as loaded, never querying."""
        return self._points.get(mn)

    def loaded(self) -> LoadedPoints:
        """This directory as loaded, for code that must not query (the event loop)."""
        return LoadedPoints(self)

    def framing_compat(self) -> Compat:
        """Framing happens before the MN is known: allow the framing quirks any point needs."""
        framing = {Quirk.WRONG_LENGTH, Quirk.MISSING_TRAILER, Quirk.LONG_SEGMENT}
        needed = {q for p in self._points.values() for q in p.quirks if q in framing}
        return Compat.only(*needed)


class LoadedPoints:
    """The points a directory has loaded, read without a query; reloads show through."""

    def __init__(self, directory: PointDirectory) -> None:
        self._directory = directory

    @property
    def parameters(self) -> dict[str, int]:
        return self._directory.parameters

    def find(self, mn: str) -> PointEntry:
        entry = self._directory.known(mn)
        if entry is None:
            raise NotLoaded(mn)
        return entry

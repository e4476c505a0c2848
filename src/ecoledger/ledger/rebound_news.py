"""The news that may show a closed problem came back: complaints, patrol findings, alerts.

Each source is read only when its app is installed (the ledger does not
depend on intake or monitoring), and every item is reduced to the same
shape: what, when, where, and at which pollution source.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps

from ecoledger.ledger.choices import Origin, SignalKind, Status
from ecoledger.ledger.models import Problem


@dataclass(frozen=True)
class News:
    kind: SignalKind
    id: int
    label: str
    at: datetime
    latitude: float | None
    longitude: float | None
    source_id: int | None = None


def news_since(since: datetime) -> Iterator[News]:
    yield from _complaints(since)
    yield from _patrol_findings(since)
    yield from _alerts(since)


def _complaints(since: datetime) -> Iterator[News]:
    if not apps.is_installed("ecoledger.intake"):
        return
    try:
        complaint = apps.get_model("intake", "Complaint")
    except LookupError:
        return
    # A complaint not accepted (spam, abuse, out of remit) is no evidence of anything.
    rows = (complaint.objects.filter(created_at__gt=since, latitude__isnull=False)
            .exclude(status="rejected")
            .values_list("pk", "tracking_code", "description", "created_at", "latitude",
                         "longitude"))
    for pk, code, description, created_at, latitude, longitude in rows.iterator(
            chunk_size=2000):
        yield News(SignalKind.COMPLAINT, pk, f"{code} {description[:120]}", created_at,
                   latitude, longitude)


def _patrol_findings(since: datetime) -> Iterator[News]:
    rows = (Problem.objects.filter(origin=Origin.PATROL, reported_at__gt=since)
            .exclude(status=Status.DISMISSED)
            .values_list("pk", "code", "title", "reported_at", "latitude", "longitude",
                         "source_id"))
    for pk, code, title, reported_at, latitude, longitude, source_id in rows.iterator(
            chunk_size=2000):
        yield News(SignalKind.PATROL, pk, f"{code} {title}"[:255], reported_at, latitude,
                   longitude, source_id)


def _alerts(since: datetime) -> Iterator[News]:
    if not apps.is_installed("ecoledger.monitoring"):
        return
    from ecoledger.monitoring.choices import AlertKind

    # Pollution, not data trouble: a missing or flat-lined feed says nothing of a rebound.
    pollution = [AlertKind.EXCEEDANCE, AlertKind.AQI, AlertKind.WATER_CLASS]
    alert = apps.get_model("monitoring", "Alert")
    rows = alert.objects.filter(opened_at__gt=since, kind__in=pollution).values_list(
        "pk", "point__name", "message", "opened_at", "point__latitude", "point__longitude",
        "point__source_id")
    for pk, point, message, opened_at, latitude, longitude, source_id in rows.iterator(
            chunk_size=2000):
        yield News(SignalKind.ALERT, pk, f"{point}: {message}"[:255], opened_at, latitude,
                   longitude, source_id)

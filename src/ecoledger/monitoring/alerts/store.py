"""Writing a track's planned episodes: alerts opened, extended or resolved, with evidence.

Runs inside the evaluation's transaction, with the track's point locked, so the active
alert read before planning is still the active one. A user may acknowledge or resolve
it meanwhile (they do not lock the point): updates are therefore guarded by its status,
and an alert a user resolved stays resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from ecoledger.audit.services import Entry
from ecoledger.monitoring.alerts.texts import alert_message
from ecoledger.monitoring.alerts.tracks import EpisodeChange, Track
from ecoledger.monitoring.choices import ACTIVE_ALERT_STATES, AlertStatus
from ecoledger.monitoring.models import Alert, AlertEvidence
from ecoledger.org.models import User


@dataclass
class Stored:
    """What writing changed, and the audit events to append for it."""

    opened: list[Alert] = field(default_factory=list)
    extended: int = 0
    resolved: int = 0
    events: list[Entry] = field(default_factory=list)


def store_changes(track: Track, changes: list[EpisodeChange], *, actor: User) -> Stored:
    """Open, extend or resolve alerts as planned; an episode that opened and cleared
    between two runs is written resolved, with both events."""
    stored = Stored()
    for change in changes:
        if change.alert is None:
            alert = _open(track, change)
            stored.opened.append(alert)
            stored.events.append(
                Entry(
                    "monitoring.alert.opened",
                    actor,
                    alert,
                    changes={"status": [None, AlertStatus.OPEN]},
                    message=alert.message,
                )
            )
            resolved_from = AlertStatus.OPEN
        else:
            alert = cast(Alert, change.alert)
            resolved_from = alert.status
            if _extend(alert, change):
                stored.extended += 1
            else:
                resolved_from = None
        if change.resolved_at is not None and resolved_from is not None:
            stored.resolved += 1
            stored.events.append(
                Entry(
                    "monitoring.alert.resolved",
                    actor,
                    alert,
                    changes={"status": [resolved_from, AlertStatus.RESOLVED]},
                    message=alert.message,
                )
            )
        AlertEvidence.objects.bulk_create(
            [AlertEvidence(alert=alert, reading_id=reading) for reading in sorted(change.evidence)],
            ignore_conflicts=True,
        )
    return stored


def _open(track: Track, change: EpisodeChange) -> Alert:
    alert = Alert(
        point=track.point,
        parameter=track.parameter,
        kind=track.kind,
        status=AlertStatus.OPEN if change.resolved_at is None else AlertStatus.RESOLVED,
        opened_at=change.opened_at,
        last_seen_at=change.last_seen_at,
        resolved_at=change.resolved_at,
        threshold=track.threshold,
        peak=change.peak,
    )
    alert.message = alert_message(alert)
    alert.save()
    return alert


def _extend(alert: Alert, change: EpisodeChange) -> bool:
    """Apply the change to the active alert; False when it changes nothing (a rerun, or
    a user resolved the alert meanwhile)."""
    fields: dict[str, Any] = {"last_seen_at": change.last_seen_at, "peak": change.peak}
    if change.resolved_at is not None:
        fields |= {"status": AlertStatus.RESOLVED, "resolved_at": change.resolved_at}
    if all(getattr(alert, name) == value for name, value in fields.items()):
        return False
    for name, value in fields.items():
        setattr(alert, name, value)
    fields["message"] = alert.message = alert_message(alert)
    return bool(Alert.objects.filter(pk=alert.pk, status__in=ACTIVE_ALERT_STATES).update(**fields))

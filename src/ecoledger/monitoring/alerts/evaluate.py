"""The ``monitoring.evaluate_alerts`` job: judge the readings received since the last run.

Steps: read the readings received since the watermark, less a safety margin for
batches that committed late; find the series (point, parameter, data type) they belong
to; then, a chunk of points at a time, in one transaction with those points locked:
read their alerts, load each series from far enough back to continue its runs, judge
it into tracks, plan and store the episodes. Last, give the alerts that open problems
their problem, each in a transaction of its own.

Repeating a run over the same readings changes nothing: tracks continue from what the
alerts record (``tracks.plan``) and evidence is written once per reading.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from django.db import transaction
from django.db.models import Max, Q

from ecoledger.audit.services import record_many
from ecoledger.lib import clock
from ecoledger.monitoring.air_quality import POLLUTANT_CODES
from ecoledger.monitoring.alerts.air import aqi_tracks
from ecoledger.monitoring.alerts.judges import (
    OXYGEN,
    PointContext,
    judged_limits,
    max_gap,
    series_tracks,
)
from ecoledger.monitoring.alerts.problems import attach_problems, monitoring_user
from ecoledger.monitoring.alerts.rules import Rule, load_rules
from ecoledger.monitoring.alerts.series import SeriesKey, load_series, touched_series
from ecoledger.monitoring.alerts.store import store_changes
from ecoledger.monitoring.alerts.tracks import AlertKey, Track, plan
from ecoledger.monitoring.alerts.watermark import advance_watermark, previous_watermark
from ecoledger.monitoring.choices import (
    ACTIVE_ALERT_STATES,
    AlertKind,
    AlertStatus,
    DataType,
    PointKind,
)
from ecoledger.monitoring.models import (
    Alert,
    MaintenanceWindow,
    MonitoringPoint,
    Parameter,
    PermitLimit,
)
from ecoledger.org.models import User

SAFETY_MARGIN: Final = timedelta(minutes=5)
"""Read again what was received this long before the watermark: a receiver stamps a
batch before it commits, and a clock may run a little behind another host's."""

FIRST_LOOK_BACK: Final = timedelta(days=2)
"""With no watermark (a new installation), judge the readings received this recently."""

POINTS_PER_CHUNK: Final = 100


@dataclass
class Outcome:
    series: int = 0
    opened: int = 0
    extended: int = 0
    resolved: int = 0
    new_alerts: list[int] = field(default_factory=list)


def evaluate_alerts(*, since: datetime | None = None) -> dict[str, Any]:
    """Judge readings received after ``since`` (default: the watermark); the result keeps
    the new watermark and what changed."""
    now = clock.now()
    start = since or (previous_watermark() or now - FIRST_LOOK_BACK) - SAFETY_MARGIN
    limits: dict[int, dict[int, PermitLimit]] = defaultdict(dict)
    for (point_id, parameter_id), limit in judged_limits(PermitLimit.objects.all()).items():
        limits[point_id][parameter_id] = limit
    data_types = {DataType.HOUR} | {
        limit.data_type for by_parameter in limits.values() for limit in by_parameter.values()
    }
    touched = touched_series(start, now, data_types)
    rules = load_rules()
    parameters = {parameter.pk: parameter for parameter in Parameter.objects.all()}
    actor = monitoring_user()
    outcome = Outcome(series=len(touched))
    by_point: dict[int, dict[SeriesKey, datetime]] = defaultdict(dict)
    for key, first in touched.items():
        by_point[key[0]][key] = first
    for chunk in _chunks(sorted(by_point), POINTS_PER_CHUNK):
        with transaction.atomic():
            _evaluate_points(
                {pk: by_point[pk] for pk in chunk}, limits, rules, parameters, actor, outcome
            )
    opening = [kind for kind, rule in rules.items() if rule.opens_problem]
    needing = Alert.objects.filter(
        Q(status__in=ACTIVE_ALERT_STATES) | Q(pk__in=outcome.new_alerts),
        problem__isnull=True,
        kind__in=opening,
    ).order_by("opened_at", "pk")
    attached, refused = attach_problems(list(needing.values_list("pk", flat=True)), actor=actor)
    if since is None:
        advance_watermark(now)
    return {
        "watermark": now.isoformat(),
        "series": outcome.series,
        "opened": outcome.opened,
        "extended": outcome.extended,
        "resolved": outcome.resolved,
        "problems": attached,
        "problems_refused": refused,
    }


@dataclass(frozen=True)
class KeyStates:
    """The alerts of some points: the active one per key, and when the last one ended."""

    active: Mapping[AlertKey, Alert]
    last_end: Mapping[AlertKey, datetime]

    @classmethod
    def of_points(cls, point_ids: list[int]) -> KeyStates:
        active = Alert.objects.filter(point_id__in=point_ids, status__in=ACTIVE_ALERT_STATES)
        ended = (
            Alert.objects.filter(point_id__in=point_ids, status=AlertStatus.RESOLVED)
            .values_list("point_id", "parameter_id", "kind")
            .annotate(end=Max("resolved_at"))
            .order_by()
        )
        return cls(
            {(a.point_id, a.parameter_id, a.kind): a for a in active},
            {(point, parameter, kind): end for point, parameter, kind, end in ended},
        )


def _evaluate_points(
    touched: Mapping[int, Mapping[SeriesKey, datetime]],
    limits: Mapping[int, dict[int, PermitLimit]],
    rules: Mapping[str, Rule],
    parameters: Mapping[int, Parameter],
    actor: User,
    outcome: Outcome,
) -> None:
    """Judge the touched series of these points (in the caller's transaction)."""
    point_ids = sorted(touched)
    points = {
        point.pk: point
        for point in MonitoringPoint.objects.select_for_update(of=("self",))
        .select_related("water_body")
        .filter(pk__in=point_ids)
        .order_by("pk")
    }
    states = KeyStates.of_points(point_ids)
    value_starts = _value_starts(touched, points, states, rules)
    aqi_starts = _aqi_starts(touched, points, states, rules[AlertKind.AQI], parameters)
    windows = _windows(point_ids, since=min([*value_starts.values(), *aqi_starts.values()]))
    loaded = load_series(point_ids, value_starts)
    oxygen_id = next((pk for pk, p in parameters.items() if p.code == OXYGEN), None)
    tracks: list[Track] = []
    for key in (key for series_keys in touched.values() for key in series_keys):
        point_id, parameter_id, data_type = key
        if key not in loaded:
            continue
        context = PointContext(
            points[point_id], limits.get(point_id, {}), windows.get(point_id, [])
        )
        oxygen = loaded.get((point_id, oxygen_id, data_type)) if oxygen_id else None
        tracks += series_tracks(loaded[key], parameters[parameter_id], context, rules, oxygen)
    stations = [points[pk] for pk in sorted(aqi_starts)]
    tracks += aqi_tracks(stations, aqi_starts, rules[AlertKind.AQI], windows)
    events = []
    for track in tracks:
        changes = plan(
            track,
            rules[track.kind],
            active=states.active.get(track.key),
            last_end=states.last_end.get(track.key),
        )
        stored = store_changes(track, changes, actor=actor)
        outcome.opened += len(stored.opened)
        outcome.extended += stored.extended
        outcome.resolved += stored.resolved
        outcome.new_alerts += [alert.pk for alert in stored.opened]
        events += stored.events
    if events:
        record_many(events)


def _value_starts(
    touched: Mapping[int, Mapping[SeriesKey, datetime]],
    points: Mapping[int, MonitoringPoint],
    states: KeyStates,
    rules: Mapping[str, Rule],
) -> dict[str, datetime]:
    """From when to load each data type so that every touched series continues its runs.

    A series is read from its earliest new value, or its open episode's last BEYOND
    value if earlier, less ``consecutive + 1`` of its longest gaps: a run continuing into
    the new values cannot have begun before, since a longer gap breaks it.
    """
    look_back = max(rule.consecutive for rule in rules.values()) + 1
    last_seen: dict[tuple[int, int | None], datetime] = {}
    for (point_id, parameter_id, _), alert in states.active.items():
        earlier = last_seen.get((point_id, parameter_id), alert.last_seen_at)
        last_seen[(point_id, parameter_id)] = min(earlier, alert.last_seen_at)
    starts: dict[str, datetime] = {}
    for point_id, series_keys in touched.items():
        for (_, parameter_id, data_type), first in series_keys.items():
            first = min(first, last_seen.get((point_id, parameter_id), first))
            gap = max_gap(points[point_id], data_type)
            start = first - timedelta(seconds=look_back * gap)
            starts[data_type] = min(starts.get(data_type, start), start)
    return starts


def _aqi_starts(
    touched: Mapping[int, Mapping[SeriesKey, datetime]],
    points: Mapping[int, MonitoringPoint],
    states: KeyStates,
    rule: Rule,
    parameters: Mapping[int, Parameter],
) -> dict[int, datetime]:
    """From when to score each air station that has new hourly values of a pollutant."""
    codes = set(POLLUTANT_CODES.values())
    starts: dict[int, datetime] = {}
    for point_id, series_keys in touched.items():
        if points[point_id].kind != PointKind.AIR_STATION:
            continue
        firsts = [
            first
            for (_, parameter_id, data_type), first in series_keys.items()
            if data_type == DataType.HOUR and parameters[parameter_id].code in codes
        ]
        if not firsts:
            continue
        active = states.active.get((point_id, None, AlertKind.AQI))
        first = min(firsts + ([active.last_seen_at] if active else []))
        gap = max_gap(points[point_id], DataType.HOUR)
        starts[point_id] = first - timedelta(seconds=(rule.consecutive + 1) * gap)
    return starts


def _windows(point_ids: list[int], *, since: datetime) -> dict[int, list[tuple[float, float]]]:
    """Declared maintenance windows of the points that end after ``since``, in seconds."""
    windows: dict[int, list[tuple[float, float]]] = defaultdict(list)
    rows = MaintenanceWindow.objects.filter(point_id__in=point_ids, ends_at__gte=since).values_list(
        "point_id", "starts_at", "ends_at"
    )
    for point_id, starts_at, ends_at in rows:
        windows[point_id].append((starts_at.timestamp(), ends_at.timestamp()))
    return windows


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

"""The ``monitoring.check_missing_data`` job: points that have gone quiet.

A point is missing data when nothing from it has been received for more than twice its
expected interval, unless a declared maintenance or shutdown window covers now. One
alert per point (no parameter), opened at the moment the silence became too long, and
resolved when data arrive again, a declared window explains the silence or the point is
taken out of service. A point that has never sent anything is not alerted: it has not
been commissioned.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max

from ecoledger.audit.services import Entry, record_many
from ecoledger.lib import clock
from ecoledger.monitoring.alerts.problems import attach_problems, monitoring_user
from ecoledger.monitoring.alerts.rules import load_rules
from ecoledger.monitoring.alerts.texts import alert_message
from ecoledger.monitoring.choices import ACTIVE_ALERT_STATES, AlertKind, AlertStatus
from ecoledger.monitoring.models import Alert, MaintenanceWindow, MonitoringPoint, Reading

SILENCE_FACTOR = 2
"""Silent for more than this many expected intervals is missing data."""


def check_missing_data() -> dict[str, Any]:
    """Open a missing-data alert for every silent active point; resolve those heard again.

    Steps: find when each active point was last heard from (through the received-at
    index, over twice its interval; further back only for points that just went
    silent); then, with the points concerned locked, open and resolve alerts; last, open
    problems where the rule says so.
    """
    now = clock.now()
    points = list(MonitoringPoint.objects.filter(active=True).only("pk", "expected_interval"))
    heard = _recently_heard(points, now)
    covered = set(
        MaintenanceWindow.objects.filter(starts_at__lte=now, ends_at__gte=now).values_list(
            "point_id", flat=True
        )
    )
    silent = {p.pk: p for p in points if p.pk not in heard and p.pk not in covered}
    active = {
        alert.point_id: alert
        for alert in Alert.objects.filter(kind=AlertKind.MISSING, status__in=ACTIVE_ALERT_STATES)
    }
    unheard = [pk for pk in silent if pk not in active]
    last = _last_received(unheard, now) if unheard else {}
    actor = monitoring_user()
    with transaction.atomic():
        concerned = sorted({*silent, *active})
        list(MonitoringPoint.objects.select_for_update().filter(pk__in=concerned).order_by("pk"))
        active = {
            alert.point_id: alert
            for alert in Alert.objects.filter(
                kind=AlertKind.MISSING, status__in=ACTIVE_ALERT_STATES, point_id__in=concerned
            )
        }
        opened = [
            _open(point, last[pk], now)
            for pk, point in silent.items()
            if pk not in active and pk in last
        ]
        Alert.objects.filter(pk__in=[a.pk for pk, a in active.items() if pk in silent]).update(
            last_seen_at=now
        )
        back = [alert for pk, alert in active.items() if pk not in silent]
        Alert.objects.filter(pk__in=[alert.pk for alert in back]).update(
            status=AlertStatus.RESOLVED, resolved_at=now
        )
        events = [
            Entry(
                "monitoring.alert.opened",
                actor,
                alert,
                changes={"status": [None, alert.status]},
                message=alert.message,
            )
            for alert in opened
        ] + [
            Entry(
                "monitoring.alert.resolved",
                actor,
                alert,
                changes={"status": [alert.status, AlertStatus.RESOLVED]},
                message=alert.message,
            )
            for alert in back
        ]
        if events:
            record_many(events)
    problems = 0
    if load_rules()[AlertKind.MISSING].opens_problem:
        problems = attach_problems([alert.pk for alert in opened], actor=actor)[0]
    return {"opened": len(opened), "resolved": len(back), "problems": problems}


def _recently_heard(points: list[MonitoringPoint], now: datetime) -> set[int]:
    """The points heard from within their silence limit: one query per distinct interval,
    each over the few hours of readings that interval needs."""
    heard: set[int] = set()
    intervals = sorted({point.expected_interval for point in points})
    for interval in intervals:
        ids = [point.pk for point in points if point.expected_interval == interval]
        since = now - timedelta(seconds=SILENCE_FACTOR * interval)
        heard.update(
            Reading.objects.filter(received_at__gte=since, received_at__lte=now, point_id__in=ids)
            .values_list("point_id", flat=True)
            .distinct()
            .order_by()
        )
    return heard


def _last_received(point_ids: list[int], now: datetime) -> dict[int, datetime]:
    """When each point was last heard from; absent when never."""
    rows = (
        Reading.objects.filter(point_id__in=point_ids, received_at__lte=now)
        .values_list("point_id")
        .annotate(last=Max("received_at"))
        .order_by()
    )
    return dict(rows)


def _open(point: MonitoringPoint, last: datetime, now: datetime) -> Alert:
    silence = timedelta(seconds=SILENCE_FACTOR * point.expected_interval)
    alert = Alert(
        point=point,
        parameter=None,
        kind=AlertKind.MISSING,
        status=AlertStatus.OPEN,
        opened_at=last + silence,
        last_seen_at=now,
    )
    alert.message = alert_message(alert)
    alert.save()
    return alert

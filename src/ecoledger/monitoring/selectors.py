"""Scoped reads of monitoring data shared by pages and API: points with latest values, series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, Max, Min, Prefetch, QuerySet
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.monitoring.choices import DataType
from ecoledger.monitoring.models import LatestReading, MonitoringPoint, Parameter, Reading

MAX_SERIES_POINTS = 20_000
AGGREGATES = ("raw", "hour", "day")


def points_with_latest(user: Any) -> QuerySet[MonitoringPoint]:
    latest = LatestReading.objects.select_related("parameter").order_by("parameter__code")
    return (
        MonitoringPoint.objects.visible_to(user)
        .select_related("region", "source")
        .prefetch_related(Prefetch("latest", queryset=latest))
    )


def is_online(point: MonitoringPoint, now: datetime | None = None) -> bool:
    """Data arrived within twice the expected interval."""
    received = [latest.received_at for latest in point.latest.all()]
    if not received:
        return False
    grace = timedelta(seconds=2 * point.expected_interval)
    return (now or clock.now()) - max(received) <= grace


@dataclass(frozen=True)
class SeriesQuery:
    parameter: Parameter
    data_type: str
    start: datetime
    end: datetime
    aggregate: str


def series_query(params: dict[str, str]) -> SeriesQuery:
    """Validate a time-series request, naming the parameter that is wrong."""
    errors: dict[str, str] = {}
    parameter = Parameter.objects.filter(code=params.get("parameter", "")).first()
    if parameter is None:
        errors["parameter"] = _("Give a parameter code, e.g. a34004.")
    data_type = params.get("data_type", DataType.HOUR)
    if data_type not in DataType.values:
        errors["data_type"] = _("Choose one of: %(values)s.") % {
            "values": ", ".join(DataType.values)}
    aggregate = params.get("aggregate", "raw")
    if aggregate not in AGGREGATES:
        errors["aggregate"] = _("Choose one of: raw, hour, day.")
    end = _time(params.get("to"), "to", errors) or clock.now()
    start = _time(params.get("from"), "from", errors) or end - timedelta(days=7)
    if start >= end:
        errors["from"] = _("The start must be before the end.")
    if errors:
        raise InvalidInput(_("The time-series request is not valid."), fields=errors)
    return SeriesQuery(parameter, data_type, start, end, aggregate)  # type: ignore[arg-type]


def _time(raw: str | None, name: str, errors: dict[str, str]) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Use ISO 8601, e.g. 2026-05-01T08:00+08:00.")
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def series(point: MonitoringPoint, query: SeriesQuery) -> list[dict[str, Any]]:
    """Values of one parameter over time, raw or averaged per hour or day (local time)."""
    readings = Reading.objects.filter(
        point=point, parameter=query.parameter, data_type=query.data_type,
        observed_at__gte=query.start, observed_at__lt=query.end,
    )
    if query.aggregate == "raw":
        rows = readings.order_by("observed_at").values("observed_at", "value", "flag")
        result = [{"time": r["observed_at"], "value": r["value"], "flag": r["flag"]}
                  for r in rows[: MAX_SERIES_POINTS + 1]]
    else:
        bucket = Trunc("observed_at", query.aggregate, tzinfo=timezone.get_current_timezone())
        rows = (
            readings.annotate(bucket=bucket).values("bucket").order_by("bucket")
            .annotate(mean=Avg("value"), low=Min("value"), high=Max("value"), n=Count("pk"))
        )
        result = [{"time": r["bucket"], "value": r["mean"], "min": r["low"], "max": r["high"],
                   "count": r["n"]}
                  for r in rows[: MAX_SERIES_POINTS + 1]]
    if len(result) > MAX_SERIES_POINTS:
        raise InvalidInput.field(
            "from", _("More than %(n)s values: shorten the period or aggregate by hour or day.")
            % {"n": MAX_SERIES_POINTS})
    return result

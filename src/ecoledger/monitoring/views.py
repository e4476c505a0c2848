"""Monitoring pages: points with their latest values, a point's charts and alerts, the alerts,
a live view of the newest readings, and the quarantine.

Reads go through ``visible_to`` of the points (and of the alerts and quarantine, which
follow their point); alerts change only through ``alerts.services``. Charts draw from
two JSON endpoints (a parameter's series with its limit, a station's daily AQI over a
year); the point page also draws each series as a small SVG so that it reads without
JavaScript.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput, StateConflict
from ecoledger.monitoring import selectors
from ecoledger.monitoring.air_quality import daily_aqi, hourly_grid, station_aqi
from ecoledger.monitoring.alerts.services import READ_ONLY_ROLES, acknowledge_alert, resolve_alert
from ecoledger.monitoring.charts import line_chart
from ecoledger.monitoring.choices import ACTIVE_ALERT_STATES, AlertStatus, DataType, PointKind
from ecoledger.monitoring.models import (
    Alert,
    LatestReading,
    MonitoringPoint,
    Parameter,
    PermitLimit,
    Quarantine,
)
from ecoledger.monitoring.standards import AQI_LEVELS
from ecoledger.monitoring.standards.aqi import CHINA_STANDARD_TIME
from ecoledger.org.choices import REGIONAL_ROLES, RegionLevel, Role
from ecoledger.org.models import Region

PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
RESOLUTIONS = ("raw", "hour")
# Finest first: "raw" draws the finest data a point sends for a parameter.
CHART_TYPES = (DataType.REALTIME, DataType.MINUTE, DataType.HOUR, DataType.DAY)
ALERT_FILTERS = ("active", *AlertStatus.values, "all")
CALENDAR_DAYS = 365
LIVE_ROWS = 30
LIVE_SECONDS = 5


def _nav(current: str) -> dict[str, str]:
    return {"nav": "monitoring", "monitoring_tab": current}


def _scope_regions(request: HttpRequest) -> QuerySet[Region]:
    regions = Region.objects.filter(level__in=[RegionLevel.DISTRICT, RegionLevel.TOWN])
    user = request.user
    if user.role in REGIONAL_ROLES:  # type: ignore[union-attr]
        regions = regions.filter(path__startswith=user.region.path)  # type: ignore[union-attr]
    return regions.order_by("path")


def _latest_per_parameter(point: MonitoringPoint) -> list[LatestReading]:
    """The newest value of each parameter, whichever data type carried it."""
    newest: dict[int, LatestReading] = {}
    for latest in point.latest.all():
        kept = newest.get(latest.parameter_id)
        if kept is None or latest.observed_at > kept.observed_at:
            newest[latest.parameter_id] = latest
    return sorted(newest.values(), key=lambda latest: latest.parameter.code)


def _aqi_of(points: list[MonitoringPoint]) -> dict[int, dict[str, Any]]:
    stations = [p.pk for p in points if p.kind == PointKind.AIR_STATION]
    if not stations:
        return {}
    chinese = (get_language() or "").startswith("zh")
    result = {}
    for row in station_aqi(MonitoringPoint.objects.filter(pk__in=stations)):
        snapshot = row["real_time"]
        if snapshot:
            result[row["point_id"]] = {
                "value": snapshot["aqi"], "colour": snapshot["colour"],
                "category": snapshot["category"] if chinese else snapshot["category_en"],
                "dark": snapshot["level_number"] >= 4, "time": snapshot["time"],
            }
    return result


@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    points = selectors.points_with_latest(request.user).order_by("name", "pk")
    kind = request.GET.get("kind", "")
    if kind in PointKind.values:
        points = points.filter(kind=kind)
    else:
        kind = ""
    regions = _scope_regions(request)
    chosen = request.GET.get("region", "")
    region = regions.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if region is not None:
        points = points.filter(region__path__startswith=region.path)
    page = Paginator(points, 50).get_page(request.GET.get("page"))
    now = clock.now()
    listed = list(page)
    aqi = _aqi_of(listed)
    rows = [(point, selectors.is_online(point, now), aqi.get(point.pk),
             _latest_per_parameter(point)[:6]) for point in listed]
    query = urlencode({"kind": kind, "region": region.pk if region else ""})
    return render(request, "monitoring/point_list.html", {
        **_nav("points"), "page": page, "rows": rows, "kind": kind, "region": region,
        "kinds": PointKind.choices, "regions": regions, "query": query,
    })


def _period(params: Any) -> tuple[str, str]:
    period = params.get("period", "7d")
    resolution = params.get("resolution", "hour")
    return (period if period in PERIODS else "7d",
            resolution if resolution in RESOLUTIONS else "hour")


def _series_source(resolution: str, types: set[str]) -> tuple[str, str]:
    """(data type, aggregate) for a chart: hourly data where sent, else the finest averaged."""
    finest = next((t for t in CHART_TYPES if t in types), DataType.HOUR)
    if resolution == "raw":
        return finest, "raw"
    if DataType.HOUR in types:
        return DataType.HOUR, "raw"
    return finest, "hour" if finest in (DataType.REALTIME, DataType.MINUTE) else "raw"


def _limit(point: MonitoringPoint, parameter: Parameter, data_type: str) -> PermitLimit | None:
    limits = list(PermitLimit.objects.filter(point=point, parameter=parameter))
    by_type = {limit.data_type: limit for limit in limits}
    return by_type.get(data_type) or by_type.get(DataType.HOUR) or (limits[0] if limits else None)


def _exceeds(value: float, limit: PermitLimit | None) -> bool:
    if limit is None:
        return False
    return value > limit.limit or (limit.lower_limit is not None and value < limit.lower_limit)


@login_required
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_object_or_404(selectors.points_with_latest(request.user), pk=pk)
    period, resolution = _period(request.GET)
    end = clock.now()
    types: dict[int, set[str]] = {}
    for latest in point.latest.all():
        types.setdefault(latest.parameter_id, set()).add(latest.data_type)
    parameters = []
    for latest in _latest_per_parameter(point):
        data_type, aggregate = _series_source(resolution, types[latest.parameter_id])
        limit = _limit(point, latest.parameter, data_type)
        query = selectors.SeriesQuery(latest.parameter, data_type, end - PERIODS[period], end,
                                      "hour" if aggregate == "raw" and data_type in (
                                          DataType.REALTIME, DataType.MINUTE) else aggregate)
        values = [(row["time"], row["value"]) for row in selectors.series(point, query)]
        parameters.append({
            "latest": latest, "limit": limit, "over": _exceeds(latest.value, limit),
            "chart": line_chart(values, limit=limit.limit if limit else None),
        })
    alerts = (Alert.objects.filter(point=point)
              .select_related("parameter", "problem", "acknowledged_by").order_by("-opened_at"))
    air = point.kind == PointKind.AIR_STATION
    labels = {
        "limit": _("Limit"), "lowerLimit": _("Lower limit"), "loading": _("Loading…"),
        "noData": _("No data in this period."), "failed": _("The data could not be loaded."),
        "summary": _("%(n)s values, from %(low)s to %(high)s; %(over)s beyond the limit."),
        "noAqi": _("Days without a daily AQI"), "lang": "ZH" if (get_language() or "").startswith(
            "zh") else "EN",
    }
    return render(request, "monitoring/point_detail.html", {
        **_nav("points"), "point": point, "parameters": parameters,
        "online": selectors.is_online(point, end), "aqi": _aqi_of([point]).get(point.pk),
        "air": air, "period": period, "resolution": resolution,
        "periods": [("24h", _("24 hours")), ("7d", _("7 days")), ("30d", _("30 days"))],
        "resolutions": [("hour", _("Hourly")), ("raw", _("Raw"))],
        "alerts": alerts[:20], "labels": labels, **_alert_rights(request),
        "quarantined": Quarantine.objects.filter(point=point).order_by("-received_at")[:20],
    })


@login_required
@require_GET
def point_series(request: HttpRequest, pk: int) -> JsonResponse:
    """One parameter of a point over 24 h, 7 d or 30 d, raw or hourly, with its limit."""
    point = get_object_or_404(MonitoringPoint.objects.visible_to(request.user), pk=pk)
    parameter = Parameter.objects.filter(code=request.GET.get("parameter", "")).first()
    if parameter is None:
        return JsonResponse({"detail": _("Give a parameter code, e.g. a34004."),
                             "fields": {"parameter": [_("Unknown parameter.")]}}, status=400)
    period, resolution = _period(request.GET)
    types = set(LatestReading.objects.filter(point=point, parameter=parameter)
                .values_list("data_type", flat=True))
    data_type, aggregate = _series_source(resolution, types)
    end = clock.now()
    query = selectors.SeriesQuery(parameter, data_type, end - PERIODS[period], end, aggregate)
    try:
        values = selectors.series(point, query)
    except InvalidInput as error:
        return JsonResponse({"detail": error.message, "fields": error.fields}, status=400)
    limit = _limit(point, parameter, data_type)
    return JsonResponse({
        "point": point.pk, "parameter": parameter.code, "name": str(parameter),
        "unit": parameter.unit, "data_type": data_type, "aggregate": aggregate,
        "period": period, "from": query.start.isoformat(), "to": query.end.isoformat(),
        "limit": limit.limit if limit else None,
        "lower_limit": limit.lower_limit if limit else None,
        "limit_basis": limit.basis if limit else "",
        "exceedances": sum(_exceeds(row["value"], limit) for row in values),
        "values": [[row["time"].isoformat(), row["value"]] for row in values],
    })


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=CHINA_STANDARD_TIME)


def daily_aqi_calendar(point: MonitoringPoint, last: date) -> list[tuple[date, int, int]]:
    """(day, AQI, level) for every day of the year up to ``last`` that has a daily AQI.

    One query for the year's hourly readings; each day is then scored by ``daily_aqi``
    under the rule set of its date (HJ 633-2012 or -2026).
    """
    first = last - timedelta(days=CALENDAR_DAYS - 1)
    grid = hourly_grid([point.pk], _day_start(first - timedelta(days=1)),
                       _day_start(last + timedelta(days=1)))
    days = []
    for offset in range(CALENDAR_DAYS):
        day = first + timedelta(days=offset)
        snapshot = daily_aqi(grid, day).snapshot(0, 0)
        if snapshot is not None:
            days.append((day, snapshot["aqi"], snapshot["level_number"]))
    return days


@login_required
@require_GET
def point_aqi_calendar(request: HttpRequest, pk: int) -> JsonResponse:
    """The daily AQI of an air station over the last year, for a calendar heat map."""
    stations = MonitoringPoint.objects.visible_to(request.user).filter(
        kind=PointKind.AIR_STATION)
    point = get_object_or_404(stations, pk=pk)
    last = clock.now().astimezone(CHINA_STANDARD_TIME).date() - timedelta(days=1)
    days = daily_aqi_calendar(point, last)
    counts = Counter(level for _, _, level in days)
    chinese = (get_language() or "").startswith("zh")
    return JsonResponse({
        "point": point.pk, "from": (last - timedelta(days=CALENDAR_DAYS - 1)).isoformat(),
        "to": last.isoformat(),
        "days": [[day.isoformat(), aqi, level] for day, aqi, level in days],
        "levels": [{"number": level.number, "upper": level.upper, "colour": level.hex,
                    "category": level.category if chinese else level.category_en}
                   for level in AQI_LEVELS],
        "counts": [counts.get(level.number, 0) for level in AQI_LEVELS],
        "missing": CALENDAR_DAYS - len(days),
    })


# Alerts --------------------------------------------------------------------------------------


def _alert_rights(request: HttpRequest) -> dict[str, bool]:
    role = getattr(request.user, "role", "")
    return {"can_acknowledge": bool(role) and role not in READ_ONLY_ROLES,
            "can_resolve": role == Role.SUPERVISOR}


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "active")
    if status not in ALERT_FILTERS:
        status = "active"
    alerts = (Alert.objects.visible_to(request.user)
              .select_related("point", "parameter", "problem", "acknowledged_by")
              .order_by("-opened_at", "-pk"))
    if status == "active":
        alerts = alerts.filter(status__in=sorted(ACTIVE_ALERT_STATES))
    elif status != "all":
        alerts = alerts.filter(status=status)
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    filters = [("active", _("Open or acknowledged")), *AlertStatus.choices, ("all", _("All"))]
    return render(request, "monitoring/alert_list.html", {
        **_nav("alerts"), "page": page, "status": status, "filters": filters,
        **_alert_rights(request),
    })


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("monitoring:alert-list")
    return HttpResponseRedirect(target, status=303)


def _alert_action(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    alert = get_object_or_404(Alert.objects.visible_to(request.user), pk=pk)
    try:
        service(alert, acting_user=request.user, comment=request.POST.get("comment", ""))
    except ActionRefused as error:
        raise PermissionDenied(error.message) from None
    except (InvalidInput, StateConflict) as error:
        messages.error(request, str(error))
        return _back(request)
    messages.success(request, done)
    return _back(request)


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _alert_action(request, pk, acknowledge_alert, _("Alert acknowledged."))


@login_required
@require_POST
def alert_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    return _alert_action(request, pk, resolve_alert, _("Alert resolved."))


# Live view -----------------------------------------------------------------------------------


def _live_context(request: HttpRequest) -> dict[str, Any]:
    """The newest readings across the user's points, those since the last poll marked new."""
    since = None
    raw = request.GET.get("since", "")
    if raw:
        try:
            since = datetime.fromisoformat(raw)
        except ValueError:
            since = None
        if since is not None and timezone.is_naive(since):
            since = timezone.make_aware(since)
    visible = MonitoringPoint.objects.visible_to(request.user).values("pk")
    rows = list(
        LatestReading.objects.filter(point__in=visible)
        .select_related("point", "parameter").order_by("-received_at", "-pk")[:LIVE_ROWS]
    )
    return {
        "rows": [(row, since is not None and row.received_at > since) for row in rows],
        "now": clock.now(), "seconds": LIVE_SECONDS,
    }


@login_required
def live(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/live.html", {**_nav("live"), **_live_context(request)})


@login_required
@require_GET
def live_readings(request: HttpRequest) -> HttpResponse:
    """The partial that the live page polls (htmx) and swaps in place."""
    return render(request, "monitoring/live_rows.html", _live_context(request))


@login_required
def quarantine_list(request: HttpRequest) -> HttpResponse:
    rows = Quarantine.objects.visible_to(request.user).order_by("-received_at")
    reason = request.GET.get("reason", "")
    if reason:
        rows = rows.filter(reason=reason)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "monitoring/quarantine_list.html",
                  {**_nav("quarantine"), "page": page, "reason": reason})

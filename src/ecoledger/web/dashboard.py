"""The dashboard: the landing page after login, and the data its charts and map draw.

The page itself holds only what the maintained tallies give at once
(``ledger.selectors.dashboard``); the heavier data come from JSON endpoints
that the page fetches, so its HTML stays small:

- ``regions``: district and town boundaries (GeoJSON) with the overdue rate of each district;
- ``problems``: open problems with a location, most urgent first, capped at ``MARKER_CAP``,
  and those closed within ``CLOSED_DAYS``;
- ``points``: monitoring points with their real-time AQI or compliance state;
- ``flow``: new vs closed problems per week and districts ranked by on-time closure.

Every figure is of the user's scope: problems through ``Problem.objects.visible_to``,
points through ``MonitoringPoint.objects.visible_to``, and the regions drawn are those
of the user's region for regional roles.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, Max, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ecoledger.ledger import selectors
from ecoledger.ledger.choices import (
    CLOCK_STATES,
    OPEN_STATES,
    Domain,
    Origin,
    Status,
    TrafficLight,
)
from ecoledger.ledger.models import Problem
from ecoledger.ledger.models.problem import light_condition
from ecoledger.lib import clock
from ecoledger.monitoring.air_quality import station_aqi
from ecoledger.monitoring.choices import (
    ACTIVE_ALERT_STATES,
    DATA_QUALITY_KINDS,
    PointKind,
)
from ecoledger.monitoring.models import Alert, LatestReading, MonitoringPoint
from ecoledger.org.choices import REGIONAL_ROLES, RegionLevel, Role
from ecoledger.org.models import Region, User

MARKER_CAP = 2000
WEEKS = 12
COORDINATE_DECIMALS = 4  # about 10 m: enough to draw a district, a third of the bytes


def ledger_url(**filters: Any) -> str:
    """The ledger list filtered as given: where every figure of the dashboard drills down."""
    query = urlencode({k: v for k, v in filters.items() if v is not None}, doseq=True)
    return reverse("web:problem-list") + (f"?{query}" if query else "")


def _json(data: dict[str, Any]) -> JsonResponse:
    """UTF-8 as it is: Chinese names escaped as \\uXXXX would take twice the bytes."""
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


def _bars(counts: dict[str, int], choices: Any, filter_name: str) -> list[dict[str, Any]]:
    """Rows of a bar list: label, count, share of the largest, drill-down link."""
    rows = [(value, label, counts.get(value, 0)) for value, label in choices]
    largest = max((n for _, _, n in rows), default=0) or 1
    return [
        {"label": label, "count": n, "share": round(100 * n / largest),
         "url": ledger_url(**{filter_name: value})}
        for value, label, n in rows if n or filter_name == "status"
    ]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = clock.today()
    figures = selectors.dashboard(user, today)
    open_total = sum(figures["by_status"].get(status, 0) for status in OPEN_STATES)
    running = sum(figures["by_status"].get(status, 0) for status in CLOCK_STATES)
    districts = [
        {**row, "url": ledger_url(region=row["district"]) if row["district"] else None,
         "running": sum(row["by_status"].get(s, 0) for s in CLOCK_STATES)}
        for row in figures["by_district"]
    ]
    tiles = [
        (_("Problems"), figures["total"], ledger_url(), ""),
        (_("Open"), open_total, ledger_url(status=sorted(OPEN_STATES)), ""),
        (_("Overdue"), figures["lights"][TrafficLight.RED], ledger_url(light="red"), "red"),
        (_("Warning"), figures["lights"][TrafficLight.YELLOW], ledger_url(light="yellow"),
         "yellow"),
        (_("On track"), figures["lights"][TrafficLight.GREEN], ledger_url(light="green"),
         "green"),
        (_("Rebounded"), figures["rebounded"], ledger_url(rebounded="true"), ""),
    ]
    labels = {
        "new": _("New"), "closed": _("Closed"), "week": _("Week of"),
        "onTime": _("on time"), "noClosures": _("No closures in the period."),
        "loading": _("Loading…"), "failed": _("The data could not be loaded."),
        "shown": _("Showing the %(shown)s most urgent of %(open)s open problems; "
                   "the ledger lists them all."),
        "allShown": _("Showing all %(shown)s open problems with a location."),
        "overdueRate": _("Overdue rate"), "running": _("deadline running"),
        "overdue": pgettext("a count of problems on the map", "overdue"),
        "openList": _("Problems here"),
        "closedLayer": _("Closed in the last %(days)s days") % {"days": CLOSED_DAYS},
        "closedOn": _("closed on"),
        "overdueList": _("Overdue here"), "problems": _("Problems"),
        "points": _("Monitoring points"), "districts": _("Districts"),
        "openPoint": _("Open the point"), "openProblem": _("Open the problem"),
        "lights": {light.value: str(light.label) for light in TrafficLight},
        "none": _("No deadline running"), "alerts": _("active alerts"),
        "states": {"exceeding": _("limit exceeded"), "fault": _("data fault"),
                   "offline": _("offline"), "normal": _("normal")},
    }
    return render(request, "web/home.html", {
        "nav": "home",
        "figures": figures,
        "today": today,
        "scope": user.unit_label or _("Whole city"),
        "tiles": tiles,
        "running": running,
        "open_total": open_total,
        "statuses": _bars(figures["by_status"], Status.choices, "status"),
        "domains": _bars(figures["by_domain"], Domain.choices, "domain"),
        "origins": _bars(figures["by_origin"], Origin.choices, "origin"),
        "districts": districts,
        "labels": labels,
        "tile_url": getattr(settings, "MAP_TILE_URL", ""),
        "marker_cap": MARKER_CAP,
        "weeks": WEEKS,
    })


# Regions -------------------------------------------------------------------------------------


def map_regions(user: User) -> QuerySet[Region]:
    """The districts and towns the user's map draws: their own region's, or the whole city."""
    regions = Region.objects.filter(level__in=[RegionLevel.DISTRICT, RegionLevel.TOWN])
    if user.role in REGIONAL_ROLES and user.region.level != RegionLevel.CITY:
        return regions.filter(path__startswith=user.region.path)
    return regions


def _rounded(geometry: dict[str, Any] | None) -> dict[str, Any] | None:
    def walk(value: Any) -> Any:
        if isinstance(value, float):
            return round(value, COORDINATE_DECIMALS)
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    if not geometry:
        return None
    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def overdue_by_district(user: User, today: date, districts: set[int | None]) -> dict[Any, int]:
    """Overdue problems per district of the user's scope.

    Where the scope is a region (or the city), one count per district through the covering
    (district, status, deadline) index: a few milliseconds at a million problems, where a
    GROUP BY over the overdue would visit every one of them. A department's or an
    enterprise's scope is a set of problems, counted in one grouped query.
    """
    overdue = Problem.objects.visible_to(user).overdue(today).order_by()
    if user.role in (Role.DEPARTMENT_OFFICER, Role.ENTERPRISE):
        return dict(overdue.values("district_id").annotate(n=Count("pk"))
                    .values_list("district_id", "n"))
    return {d: overdue.filter(district_id=d).count() for d in districts if d is not None}


@login_required
@require_GET
def regions_data(request: HttpRequest) -> JsonResponse:
    """District and town polygons; districts carry the overdue rate of the user's problems."""
    user: User = request.user  # type: ignore[assignment]
    today = clock.today()
    running: dict[int | None, int] = defaultdict(int)
    for row in selectors.counts_by_district(user):
        running[row["district"]] += sum(row["by_status"].get(s, 0) for s in CLOCK_STATES)
    regions = list(map_regions(user).order_by("level", "code"))
    overdue = overdue_by_district(user, today, {r.district_id for r in regions})
    own_town = user.role in REGIONAL_ROLES and user.region.level == RegionLevel.TOWN
    features = []
    for region in regions:
        properties: dict[str, Any] = {
            "id": region.pk, "name": region.name, "level": region.level,
            "url": ledger_url(region=region.pk),
        }
        if region.level == RegionLevel.DISTRICT or own_town:
            late, clocked = overdue.get(region.district_id, 0), running[region.district_id]
            properties.update(
                overdue=late, running=clocked,
                rate=round(late / clocked, 4) if clocked else None,
                overdue_url=ledger_url(region=region.pk, overdue="true"),
            )
        features.append({"type": "Feature", "id": region.pk,
                         "geometry": _rounded(region.boundary), "properties": properties})
    return _json({"type": "FeatureCollection", "features": features})


# Problems ------------------------------------------------------------------------------------

_LIGHT_CODES = {TrafficLight.RED: "r", TrafficLight.YELLOW: "y", TrafficLight.GREEN: "g"}
MARKER_FIELDS = ("code", "lat", "lon", "light", "title", "deadline")
"""The columns of each marker row (rows are arrays: 2,000 of them, keys would double the size).

``light`` is r, y, g (red, yellow, green) or n (no deadline running)."""
CLOSED_FIELDS = ("code", "lat", "lon", "title", "closed_on")
"""The columns of each row of the layer of problems closed lately."""
CLOSED_DAYS = 90
CLOSED_MARKER_CAP = 500


def problem_markers(user: User, today: date,
                    cap: int | None = None) -> tuple[list[list[Any]], bool]:
    """Open problems with a location, the most urgent first, at most ``cap``; and whether
    there were more.

    Each status is read through its (…, status, deadline) index in deadline order and
    cut at ``cap``, so the cost does not grow with the ledger: running deadlines first
    (earliest first, the overdue among them), then problems awaiting acceptance, then
    those awaiting verification. The light is the model's rule as a query
    (``light_condition``), evaluated by the database.
    """
    light = Case(
        *(When(light_condition(value, today), then=Value(code))
          for value, code in _LIGHT_CODES.items()),
        default=Value("n"),
    )
    located = Problem.objects.visible_to(user).filter(
        latitude__isnull=False, longitude__isnull=False).annotate(light=light)

    def first(statuses: list[str], limit: int) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for status in statuses:
            # The deadline condition (always true of the status) makes SQLite walk the
            # (…, status, deadline) index in order instead of sorting the whole status.
            dated = located.filter(status=status, deadline__isnull=status == Status.REPORTED)
            rows += dated.order_by("deadline", "pk").values_list(
                "code", "latitude", "longitude", "light", "title", "deadline", "pk")[:limit]
        rows.sort(key=lambda row: (row[5] or date.max, row[6]))
        return rows[:limit]

    cap = MARKER_CAP if cap is None else cap
    wanted = cap + 1  # one more than shown tells whether the cap cut anything
    rows = first(sorted(CLOCK_STATES), wanted)
    for status in (Status.PENDING_ACCEPTANCE, Status.REPORTED):
        if len(rows) < wanted:
            rows += first([status], wanted - len(rows))
    markers = [
        [code, round(latitude, 5), round(longitude, 5), light_code, title[:40],
         deadline.isoformat() if deadline else ""]
        for code, latitude, longitude, light_code, title, deadline, _pk in rows[:cap]
    ]
    return markers, len(rows) > cap


def closed_markers(user: User, today: date,
                   cap: int | None = None) -> list[list[Any]]:
    """Problems closed within ``CLOSED_DAYS`` with a location, the latest first, at most ``cap``.

    What was put right is shown beside what is still open, so that a leader sees both
    on the one map; read through the (…, status, closed_at) indexes, newest first, so
    the cost is the cap, not the archive.
    """
    since = timezone.make_aware(datetime.combine(today - timedelta(days=CLOSED_DAYS), time.min))
    rows = (
        Problem.objects.visible_to(user)
        .filter(status=Status.CLOSED, closed_at__gte=since,
                latitude__isnull=False, longitude__isnull=False)
        .order_by("-closed_at", "-pk")
        .values_list("code", "latitude", "longitude", "title", "closed_at")
        [: CLOSED_MARKER_CAP if cap is None else cap]
    )
    return [
        [code, round(latitude, 5), round(longitude, 5), title[:40],
         timezone.localdate(closed_at).isoformat()]
        for code, latitude, longitude, title, closed_at in rows
    ]


@login_required
@require_GET
def problems_data(request: HttpRequest) -> JsonResponse:
    user: User = request.user  # type: ignore[assignment]
    today = clock.today()
    markers, capped = problem_markers(user, today)
    return _json({
        "cap": MARKER_CAP, "capped": capped, "count": len(markers),
        "detail_url": reverse("web:problem-detail", args=["CODE"]),
        "fields": MARKER_FIELDS, "markers": markers,
        "closed_fields": CLOSED_FIELDS, "closed": closed_markers(user, today),
    })


# Monitoring points ---------------------------------------------------------------------------


def point_states(user: User) -> list[dict[str, Any]]:
    """Active points in scope with what the map colours them by.

    Air stations: their latest real-time AQI (colour of HJ 633). Other points: ``exceeding``
    while a limit or water-class alert is active, ``fault`` for a data-quality alert,
    ``offline`` when nothing arrived within twice the expected interval, else ``normal``.
    """
    points = MonitoringPoint.objects.visible_to(user).filter(active=True)
    now = clock.now()
    last = dict(
        LatestReading.objects.filter(point__in=points.values("pk")).order_by()
        .values("point_id").annotate(last=Max("received_at")).values_list("point_id", "last")
    )
    alerts: dict[int, set[str]] = defaultdict(set)
    active = Alert.objects.filter(point__in=points.values("pk"), status__in=ACTIVE_ALERT_STATES)
    for point_id, kind in active.values_list("point_id", "kind"):
        alerts[point_id].add(kind)
    aqi = {row["point_id"]: row["real_time"] for row in station_aqi(points)}
    chinese = (get_language() or "").startswith("zh")
    result = []
    rows = points.order_by("name").values(
        "pk", "name", "mn", "kind", "latitude", "longitude", "expected_interval")
    for row in rows:
        seen = last.get(row["pk"])
        online = seen is not None and now - seen <= timedelta(seconds=2 * row["expected_interval"])
        kinds = alerts.get(row["pk"], set())
        if not online:
            state = "offline"
        elif kinds - DATA_QUALITY_KINDS:
            state = "exceeding"
        elif kinds:
            state = "fault"
        else:
            state = "normal"
        entry: dict[str, Any] = {
            "id": row["pk"], "name": row["name"], "mn": row["mn"], "kind": row["kind"],
            "kind_label": str(PointKind(row["kind"]).label), "lat": row["latitude"],
            "lon": row["longitude"], "state": state, "online": online,
            "alerts": len(kinds),
        }
        snapshot = aqi.get(row["pk"])
        if snapshot:
            entry["aqi"] = {"value": snapshot["aqi"], "colour": snapshot["colour"],
                            "category": snapshot["category"] if chinese
                            else snapshot["category_en"]}
        result.append(entry)
    return result


@login_required
@require_GET
def points_data(request: HttpRequest) -> JsonResponse:
    user: User = request.user  # type: ignore[assignment]
    return _json({
        "detail_url": reverse("monitoring:point-detail", args=[0]),
        "points": point_states(user),
    })


# Weekly flow and on-time ranking -------------------------------------------------------------


def week_starts(today: date, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the last ``weeks`` weeks, this week's last."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def flow(user: User, today: date) -> dict[str, Any]:
    """New and closed problems per week, and districts ranked by the share closed on time.

    Read from the weekly tallies the ledger keeps (``selectors.weekly_flow``), so the
    cost does not grow with the ledger.
    """
    mondays = week_starts(today)
    per_week, per_district = selectors.weekly_flow(user, mondays)
    weeks = []
    for monday in mondays:
        sunday = monday + timedelta(days=6)
        figures = per_week[monday]
        weeks.append({
            "start": monday.isoformat(),
            "new": figures["reported"],
            "closed": figures["closed"],
            "new_url": ledger_url(reported_from=monday.isoformat(),
                                  reported_to=min(sunday, today).isoformat()),
            "closed_url": ledger_url(status="closed", closed_from=monday.isoformat(),
                                     closed_to=min(sunday, today).isoformat()),
        })
    ranking = []
    # Each rate counts the closings of the weeks shown: its link lists just those.
    window = {"closed_from": mondays[0].isoformat(), "closed_to": today.isoformat()}
    # A town officer's scope is one town: its row stands where its district's would.
    units = map_regions(user).filter(level=RegionLevel.DISTRICT).order_by("code")
    if user.role in REGIONAL_ROLES and user.region.level == RegionLevel.TOWN:
        units = Region.objects.filter(pk=user.region.pk)
    for unit in units:
        row = per_district.get(unit.district_id, {"closed": 0, "closed_on_time": 0})
        ranking.append({
            "region": unit.pk, "name": unit.name, "closed": row["closed"],
            "on_time": row["closed_on_time"],
            "rate": round(row["closed_on_time"] / row["closed"], 4) if row["closed"] else None,
            "url": ledger_url(region=unit.pk, status="closed", **window),
        })
    if user.role == Role.ENTERPRISE:
        # An enterprise answers for its own problems: a district it closed none in says nothing.
        ranking = [row for row in ranking if row["closed"]]
    ranking.sort(key=lambda r: (r["rate"] is None, -(r["rate"] or 0), r["name"]))
    return {"from": mondays[0].isoformat(), "to": today.isoformat(), "weeks": weeks,
            "ranking": ranking}


@login_required
@require_GET
def flow_data(request: HttpRequest) -> JsonResponse:
    user: User = request.user  # type: ignore[assignment]
    return _json(flow(user, clock.today()))

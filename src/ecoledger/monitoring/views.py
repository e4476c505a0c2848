"""Monitoring pages: points with their latest values, a point's series, quarantine."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ecoledger.lib import clock
from ecoledger.monitoring import selectors
from ecoledger.monitoring.charts import line_chart
from ecoledger.monitoring.choices import DataType
from ecoledger.monitoring.models import PermitLimit, Quarantine


@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    points = selectors.points_with_latest(request.user).order_by("name")
    kind = request.GET.get("kind", "")
    if kind:
        points = points.filter(kind=kind)
    page = Paginator(points, 50).get_page(request.GET.get("page"))
    now = clock.now()
    rows = [(point, selectors.is_online(point, now)) for point in page]
    return render(request, "monitoring/point_list.html",
                  {"page": page, "rows": rows, "kind": kind})


@login_required
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_object_or_404(selectors.points_with_latest(request.user), pk=pk)
    end = clock.now()
    limits = {limit.parameter_id: limit.limit for limit in PermitLimit.objects.filter(point=point)}
    charts = []
    for latest in point.latest.all():
        if latest.data_type not in (DataType.HOUR, DataType.MINUTE, DataType.REALTIME):
            continue
        query = selectors.SeriesQuery(latest.parameter, latest.data_type,
                                      end - timedelta(days=7), end, "hour")
        values = [(row["time"], row["value"]) for row in selectors.series(point, query)]
        charts.append((latest, line_chart(values, limit=limits.get(latest.parameter_id)),
                       limits.get(latest.parameter_id)))
    return render(request, "monitoring/point_detail.html", {
        "point": point, "charts": charts,
        "online": selectors.is_online(point, end),
        "quarantined": Quarantine.objects.filter(point=point)[:20],
    })


@login_required
def quarantine_list(request: HttpRequest) -> HttpResponse:
    rows = Quarantine.objects.visible_to(request.user).order_by("-received_at")
    reason = request.GET.get("reason", "")
    if reason:
        rows = rows.filter(reason=reason)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "monitoring/quarantine_list.html", {"page": page, "reason": reason})

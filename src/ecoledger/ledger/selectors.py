"""Scoped reads that pages and the API share: dashboard figures."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet, Sum

from ecoledger.ledger import tallies
from ecoledger.ledger.choices import CLOCK_STATES, Status, TrafficLight
from ecoledger.ledger.models import Problem, ProblemTally
from ecoledger.org.choices import CITYWIDE_ROLES, REGIONAL_ROLES, Role
from ecoledger.org.models import Region, User


def _tally_rows(user: User) -> QuerySet[ProblemTally] | None:
    """The tallies that make up the user's scope; None where counting directly is right."""
    if user.role in CITYWIDE_ROLES:
        return ProblemTally.objects.filter(scope_kind=tallies.REGION)
    if user.role in REGIONAL_ROLES:
        subtree = Region.objects.subtree(user.region).values("pk")
        return ProblemTally.objects.filter(scope_kind=tallies.REGION, scope_id__in=subtree)
    if user.role == Role.DEPARTMENT_OFFICER:
        return ProblemTally.objects.filter(
            scope_kind=tallies.DEPARTMENT, scope_id=user.department_id
        )
    return None


def _grouped(user: User, visible: QuerySet[Problem], field: str) -> dict[Any, int]:
    rows = _tally_rows(user)
    if rows is None:
        counted = visible.order_by().values(field).annotate(n=Count("pk"))
        return {row[field]: row["n"] for row in counted}
    summed = rows.exclude(count=0).values(field)
    return {row[field]: row["n"] for row in summed.annotate(n=Sum("count")).order_by()}


def _rebounded(user: User, visible: QuerySet[Problem]) -> int:
    rows = _tally_rows(user)
    if rows is None:
        return visible.filter(rebound_count__gt=0).count()
    return rows.filter(rebounded=True).aggregate(n=Sum("count"))["n"] or 0


def counts_by_district(user: User) -> list[dict[str, Any]]:
    """Problems per district and status (a department sees its own problems per district)."""
    rows = _tally_rows(user)
    if rows is None or user.role == Role.DEPARTMENT_OFFICER:
        visible = Problem.objects.visible_to(user).order_by()
        pairs = visible.values("district_id", "status").annotate(n=Count("pk"))
        per_district = {(row["district_id"], row["status"]): row["n"] for row in pairs}
    else:
        region_district = dict(Region.objects.values_list("pk", "district_id"))
        per_district = defaultdict(int)
        for row in rows.exclude(count=0).values("scope_id", "status").annotate(n=Sum("count")):
            per_district[(region_district.get(row["scope_id"]), row["status"])] += row["n"]
    names = dict(Region.objects.districts().values_list("pk", "name"))
    table: dict[Any, dict[str, int]] = defaultdict(dict)
    for (district_id, status), n in per_district.items():
        table[district_id][status] = table[district_id].get(status, 0) + n
    return [
        {
            "district": district_id,
            "name": names.get(district_id, "—"),
            "by_status": by_status,
            "total": sum(by_status.values()),
        }
        for district_id, by_status in sorted(table.items(), key=lambda kv: str(names.get(kv[0])))
    ]


def traffic_lights(visible: QuerySet[Problem], running: int, today: date) -> dict[str, int]:
    """Red and yellow are counted through indexed ranges; green is what remains running."""
    clock_states = sorted(CLOCK_STATES)
    warning_until = today + timedelta(days=settings.WARNING_DAYS)
    in_clock = visible.filter(status__in=clock_states)
    red = in_clock.filter(deadline__lt=today).count()
    near = in_clock.filter(deadline__gte=today, deadline__lte=warning_until).count()
    behind = in_clock.filter(deadline__gt=warning_until, schedule_due_on__lt=today).count()
    return {
        TrafficLight.GREEN: max(0, running - red - near - behind),
        TrafficLight.YELLOW: near + behind,
        TrafficLight.RED: red,
    }


def dashboard(user: User, today: date) -> dict[str, Any]:
    visible = Problem.objects.visible_to(user)
    by_status = _grouped(user, visible, "status")
    running = sum(n for status, n in by_status.items() if status in CLOCK_STATES)
    lights = traffic_lights(visible, running, today)
    return {
        "date": today,
        "total": sum(by_status.values()),
        "by_status": {status: by_status.get(status, 0) for status in Status.values},
        "by_domain": _grouped(user, visible, "domain"),
        "by_origin": _grouped(user, visible, "origin"),
        "lights": lights,
        "overdue": lights[TrafficLight.RED],
        "rebounded": _rebounded(user, visible),
        "by_district": counts_by_district(user),
    }

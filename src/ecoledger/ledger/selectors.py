"""Scoped reads that pages and the API share: dashboard figures."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Sum

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


def _breakdown(user: User, visible: QuerySet[Problem]) -> dict[str, Counter[Any]]:
    """Counts by status, domain and origin, and rebounds, in one pass over the scope's tallies."""
    fields = ["status", "domain", "origin", "rebounded"]
    rows = _tally_rows(user)
    if rows is None:
        grouped = visible.order_by().values("status", "domain", "origin").annotate(
            rebounded=ExpressionWrapper(Q(rebound_count__gt=0), output_field=BooleanField()),
            n=Count("pk"),
        )
    else:
        grouped = rows.order_by().values(*fields).annotate(n=Sum("count"))
    figures: dict[str, Counter[Any]] = {name: Counter() for name in fields}
    for row in grouped:
        for name in fields:
            figures[name][row[name]] += row["n"]
    return figures


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
        for row in rows.order_by().values("scope_id", "status").annotate(n=Sum("count")):
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
    figures = _breakdown(user, visible)
    by_status = figures["status"]
    running = sum(n for status, n in by_status.items() if status in CLOCK_STATES)
    lights = traffic_lights(visible, running, today)
    return {
        "date": today,
        "total": sum(by_status.values()),
        "by_status": {status: by_status.get(status, 0) for status in Status.values},
        "by_domain": {key: n for key, n in figures["domain"].items() if n},
        "by_origin": {key: n for key, n in figures["origin"].items() if n},
        "lights": lights,
        "overdue": lights[TrafficLight.RED],
        "rebounded": figures["rebounded"][True],
        "by_district": counts_by_district(user),
    }

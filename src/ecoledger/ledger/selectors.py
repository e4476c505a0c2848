"""Scoped reads that pages and the API share: dashboard figures."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Sum
from django.utils import timezone

from ecoledger.ledger import tallies
from ecoledger.ledger.choices import CLOCK_STATES, Status, TrafficLight
from ecoledger.ledger.models import FollowUp, Problem, ProblemTally, ProblemWeekTally
from ecoledger.ledger.weekly import week_of
from ecoledger.org.choices import CITYWIDE_ROLES, REGIONAL_ROLES, Role
from ecoledger.org.models import Region, User


def _cross_checking(user: User) -> bool:
    """An inspector sent on follow-ups elsewhere sees more than their region's tallies hold."""
    return user.role == Role.INSPECTOR and FollowUp.objects.filter(inspector=user).exists()


def _tally_rows(user: User) -> QuerySet[ProblemTally] | None:
    """The tallies that make up the user's scope; None where counting directly is right."""
    if _cross_checking(user):
        return None
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


def _week_rows(user: User) -> QuerySet[ProblemWeekTally] | None:
    if _cross_checking(user):
        return None
    if user.role in CITYWIDE_ROLES:
        return ProblemWeekTally.objects.filter(scope_kind=tallies.REGION)
    if user.role in REGIONAL_ROLES:
        subtree = Region.objects.subtree(user.region).values("pk")
        return ProblemWeekTally.objects.filter(scope_kind=tallies.REGION, scope_id__in=subtree)
    return None


def weekly_flow(user: User, mondays: list[date]) -> tuple[dict[date, dict[str, int]],
                                                           dict[Any, dict[str, int]]]:
    """Reported and closed per week, and closed / closed on time per district, in the scope.

    City-wide and regional scopes read the weekly tallies; departments and
    enterprises, whose sets are a slice of the ledger, are counted directly.
    """
    empty = {"reported": 0, "closed": 0, "closed_on_time": 0}
    weeks: dict[date, dict[str, int]] = {monday: dict(empty) for monday in mondays}
    districts: dict[Any, dict[str, int]] = defaultdict(lambda: dict(empty))
    rows = _week_rows(user)
    if rows is None:
        for problem in _direct_flow(user, mondays):
            _count(problem, weeks, districts)
        return weeks, dict(districts)
    region_district = dict(Region.objects.values_list("pk", "district_id"))
    grouped = (rows.filter(week__gte=mondays[0], week__lte=mondays[-1]).order_by()
               .values("week", "scope_id")
               .annotate(r=Sum("reported"), c=Sum("closed"), o=Sum("closed_on_time")))
    for row in grouped:
        figures = weeks[row["week"]]
        figures["reported"] += row["r"]
        figures["closed"] += row["c"]
        figures["closed_on_time"] += row["o"]
        district = districts[region_district.get(row["scope_id"])]
        district["closed"] += row["c"]
        district["closed_on_time"] += row["o"]
    return weeks, dict(districts)


def _direct_flow(user: User, mondays: list[date]) -> Any:
    zone = timezone.get_current_timezone()
    start = datetime.combine(mondays[0], time.min, zone)
    visible = Problem.objects.visible_to(user).order_by()
    return (visible.filter(Q(reported_at__gte=start) | Q(closed_at__gte=start))
            .values("reported_at", "closed_at", "deadline", "district_id"))


def _count(problem: dict[str, Any], weeks: dict[date, dict[str, int]],
           districts: dict[Any, dict[str, int]]) -> None:
    reported = week_of(problem["reported_at"])
    if reported in weeks:
        weeks[reported]["reported"] += 1
    if problem["closed_at"] is not None:
        closed = week_of(problem["closed_at"])
        if closed in weeks:
            on_time = int(problem["deadline"] is not None
                          and timezone.localdate(problem["closed_at"]) <= problem["deadline"])
            weeks[closed]["closed"] += 1
            weeks[closed]["closed_on_time"] += on_time
            districts[problem["district_id"]]["closed"] += 1
            districts[problem["district_id"]]["closed_on_time"] += on_time

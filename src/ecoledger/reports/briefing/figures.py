"""The figures of a weekly or monthly briefing, for the city or one district.

Read through the dashboard's own selectors, as the scope's reader sees them
on the dashboard: the city's figures as a city leader's, a district's as its
district officer's (``Scope.reader``, an account that is never stored). So the
briefing of a week says what the dashboard says of that week:

- the state of the ledger (open, overdue, pending acceptance, rebounded, per
  district) is ``selectors.dashboard`` on the day the briefing is made
  (``as_of``): the dashboard's tiles and its table by district;
- a week's new, closed and closed-on-time problems are the weekly tallies
  (``selectors.weekly_flow``), the dashboard's "new and closed per week";
- months do not fall on weeks, so a month's flow is counted from the problems'
  dates with the same rule the dashboard uses for scopes without tallies (a
  problem reopened as a rebound and closed again counts once, by its last
  closing, where the weekly tallies count both closings).

Figures that belong to a period sit under ``periods`` (see ``reports.archive``)
so that a later briefing that counts an earlier period differently says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import CharField, Count, F, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoledger.audit.models import Event
from ecoledger.ledger import selectors
from ecoledger.ledger.choices import CLOCK_STATES, OPEN_STATES, Origin, Status, UnitRole
from ecoledger.ledger.models import Problem, ProblemUnit
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.choices import RegionLevel, Role
from ecoledger.org.models import Department, Region, User
from ecoledger.reports.archive import month_key, week_key
from ecoledger.reports.briefing import environment
from ecoledger.reports.models import ReportKind

SERIES_LENGTH = 12
"""Periods in the charts' series (the dashboard shows 12 weeks)."""
OVERDUE_ROWS = 100
"""Overdue problems listed by name; the count covers them all."""
VERSION = 1
"""Bumped when the figures' layout changes, so hashes of different layouts never match."""


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    @classmethod
    def of(cls, kind: str, day: date) -> Period:
        """The week (Monday to Sunday) or calendar month that holds ``day``."""
        if kind == ReportKind.WEEKLY_BRIEFING:
            monday = day - timedelta(days=day.weekday())
            return cls(kind, monday, monday + timedelta(days=6))
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return cls(kind, first, following - timedelta(days=1))

    @property
    def key(self) -> str:
        return week_key(self.start) if self.kind == ReportKind.WEEKLY_BRIEFING else month_key(
            self.start)

    @property
    def number(self) -> int:
        """The week of the year (ISO) or the month."""
        return self.start.isocalendar()[1] if self.kind == ReportKind.WEEKLY_BRIEFING else (
            self.start.month)

    @property
    def year(self) -> int:
        return self.start.isocalendar()[0] if self.kind == ReportKind.WEEKLY_BRIEFING else (
            self.start.year)

    def previous(self) -> Period:
        return Period.of(self.kind, self.start - timedelta(days=1))

    def series(self, length: int = SERIES_LENGTH) -> list[Period]:
        """The ``length`` periods that end with this one, oldest first."""
        periods = [self]
        while len(periods) < length:
            periods.append(periods[-1].previous())
        return periods[::-1]

    def moments(self) -> tuple[datetime, datetime]:
        """Its first instant and the first instant after it, in the platform's time zone."""
        return (timezone.make_aware(datetime.combine(self.start, time.min)),
                timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min)))


@dataclass(frozen=True)
class Scope:
    """The city, or one district: whose figures a briefing gives."""

    region: Region

    @classmethod
    def city(cls) -> Scope:
        """The root of the region tree: the city the platform serves."""
        city = Region.objects.filter(level=RegionLevel.CITY, parent__isnull=True).order_by(
            "pk").first()
        if city is None:
            raise InvalidInput(_("The city is not set up yet: there is no region of level "
                                 "city to brief on."))
        return cls(city)

    @classmethod
    def of(cls, region: Region | None) -> Scope:
        return cls.city() if region is None or region.level == RegionLevel.CITY else cls(region)

    @property
    def is_city(self) -> bool:
        return self.region.level == RegionLevel.CITY

    @property
    def key(self) -> str:
        return "city" if self.is_city else f"region:{self.region.code}"

    @property
    def name(self) -> str:
        return self.region.name

    def reader(self) -> User:
        """Whose view of the ledger the figures are: a city leader, or the district's officer."""
        if self.is_city:
            return User(username="briefing", role=Role.LEADER)
        return User(username="briefing", role=Role.REGION_OFFICER, region=self.region)


def _flow_counts(problems: QuerySet[Problem], period: Period) -> dict[str, int]:
    """New, closed and closed-on-time problems of a period, from the problems' dates."""
    start, end = period.moments()
    closed = problems.filter(closed_at__gte=start, closed_at__lt=end).aggregate(
        n=Count("pk"), on_time=Count("pk", filter=Q(closed_at__date__lte=F("deadline"))))
    return {"new": problems.filter(reported_at__gte=start, reported_at__lt=end).count(),
            "closed": closed["n"], "closed_on_time": closed["on_time"]}


def series(reader: User, period: Period) -> dict[str, dict[str, int]]:
    """New, closed and closed on time in each period of the series, by period key."""
    periods = period.series()
    if period.kind == ReportKind.WEEKLY_BRIEFING:
        weeks, _districts = selectors.weekly_flow(reader, [p.start for p in periods])
        return {p.key: {"new": weeks[p.start]["reported"], "closed": weeks[p.start]["closed"],
                        "closed_on_time": weeks[p.start]["closed_on_time"]} for p in periods}
    visible = Problem.objects.visible_to(reader).order_by()
    return {p.key: _flow_counts(visible, p) for p in periods}


def _districts(scope: Scope) -> list[Region]:
    if scope.is_city:
        return list(Region.objects.districts().order_by("code"))
    return [scope.region]


def district_table(reader: User, scope: Scope, period: Period, today: date,
                   dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """Per district: the dashboard's counts by status, its overdue, and the period's flow."""
    visible = Problem.objects.visible_to(reader).order_by()
    start, end = period.moments()
    overdue = dict(visible.overdue(today).values("district_id").annotate(n=Count("pk"))
                   .values_list("district_id", "n"))
    new = dict(visible.filter(reported_at__gte=start, reported_at__lt=end)
               .values("district_id").annotate(n=Count("pk")).values_list("district_id", "n"))
    if period.kind == ReportKind.WEEKLY_BRIEFING:
        _weeks, closed = selectors.weekly_flow(reader, [period.start])
    else:
        closed = {
            row["district_id"]: row for row in
            visible.filter(closed_at__gte=start, closed_at__lt=end).values("district_id")
            .annotate(closed=Count("pk"),
                      closed_on_time=Count("pk", filter=Q(closed_at__date__lte=F("deadline"))))
        }
    by_status = {row["district"]: row["by_status"] for row in dashboard["by_district"]}
    rows = []
    for district in _districts(scope):
        statuses = by_status.get(district.pk, {})
        flow = closed.get(district.pk, {})
        rows.append({
            "name": district.name,
            "total": sum(statuses.values()),
            "open": sum(statuses.get(status, 0) for status in OPEN_STATES),
            "running": sum(statuses.get(status, 0) for status in CLOCK_STATES),
            "overdue": overdue.get(district.pk, 0),
            "pending_acceptance": statuses.get(Status.PENDING_ACCEPTANCE, 0),
            "new": new.get(district.pk, 0),
            "closed": flow.get("closed", 0),
            "closed_on_time": flow.get("closed_on_time", 0),
        })
    return rows


def department_table(reader: User, period: Period, today: date) -> list[dict[str, Any]]:
    """Per department among the problems' units (lead, responsible or cooperating)."""
    start, end = period.moments()
    units = ProblemUnit.objects.filter(
        department__isnull=False,
        problem__in=Problem.objects.visible_to(reader).order_by().values("pk"))

    def count(condition: Q) -> Count:
        return Count("problem", distinct=True, filter=condition)

    closed = Q(problem__closed_at__gte=start, problem__closed_at__lt=end)
    grouped = units.order_by().values("department_id").annotate(
        open=count(Q(problem__status__in=sorted(OPEN_STATES))),
        overdue=count(Q(problem__status__in=sorted(CLOCK_STATES),
                        problem__deadline__lt=today)),
        pending_acceptance=count(Q(problem__status=Status.PENDING_ACCEPTANCE)),
        new=count(Q(problem__reported_at__gte=start, problem__reported_at__lt=end)),
        closed=count(closed),
        closed_on_time=count(closed & Q(problem__closed_at__date__lte=F("problem__deadline"))),
    )
    names = dict(Department.objects.values_list("pk", "name"))
    rows = [{"name": names[row.pop("department_id")], **row} for row in grouped]
    return sorted(rows, key=lambda row: (-row["open"], row["name"]))


def _lead_units(problems: Iterable[Problem]) -> dict[int, str]:
    leads = ProblemUnit.objects.filter(problem__in=[p.pk for p in problems], role=UnitRole.LEAD)
    return {unit.problem_id: str(unit.unit)
            for unit in leads.select_related("region", "department")}


def overdue_list(reader: User, today: date) -> list[dict[str, Any]]:
    """The overdue problems, the longest overdue first, at most ``OVERDUE_ROWS``."""
    problems = list(Problem.objects.visible_to(reader).overdue(today).select_related("district")
                    .order_by("deadline", "code")[:OVERDUE_ROWS])
    leads = _lead_units(problems)
    return [{"code": p.code, "title": p.title,
             "district": p.district.name if p.district else "",
             "unit": leads.get(p.pk, ""), "deadline": p.deadline.isoformat(),
             "days": (today - p.deadline).days} for p in problems if p.deadline]


def rebounds(reader: User, period: Period) -> list[dict[str, Any]]:
    """Problems reopened as rebounds within the period, in the order they were reopened."""
    start, end = period.moments()
    visible = Problem.objects.visible_to(reader).annotate(
        key=Cast("pk", output_field=CharField())).values("key")
    events = list(Event.objects.filter(
        action="ledger.problem.rebounded", subject_type=Problem._meta.label_lower,
        subject_id__in=visible, occurred_at__gte=start, occurred_at__lt=end,
    ).order_by("seq").values_list("subject_id", "occurred_at", "message"))
    problems = Problem.objects.select_related("district").in_bulk(
        [int(subject) for subject, _at, _message in events])
    rows = []
    for subject, moment, message in events:
        problem = problems[int(subject)]
        rows.append({"code": problem.code, "title": problem.title,
                     "district": problem.district.name if problem.district else "",
                     "date": timezone.localdate(moment).isoformat(), "reason": message,
                     "rebounds": problem.rebound_count})
    return rows


def new_by_origin(reader: User, period: Period) -> list[dict[str, Any]]:
    start, end = period.moments()
    counts = dict(Problem.objects.visible_to(reader).order_by()
                  .filter(reported_at__gte=start, reported_at__lt=end)
                  .values("origin").annotate(n=Count("pk")).values_list("origin", "n"))
    return [{"origin": origin, "count": counts[origin]} for origin in Origin.values
            if counts.get(origin)]


def briefing_figures(kind: str, day: date, scope: Scope) -> dict[str, Any]:
    """Every figure the briefing of the period holding ``day`` shows, as plain JSON."""
    period = Period.of(kind, day)
    reader = scope.reader()
    today = clock.today()
    dashboard = selectors.dashboard(reader, today)
    flows = series(reader, period)
    districts = district_table(reader, scope, period, today, dashboard)
    reopened = rebounds(reader, period)
    air = environment.air_quality(scope.region, period.start, min(period.end, today))
    by_status = dashboard["by_status"]
    current = {
        **flows[period.key],
        "rebounds": len(reopened),
        "districts": {row["name"]: {"new": row["new"], "closed": row["closed"],
                                    "closed_on_time": row["closed_on_time"]}
                      for row in districts},
        "air": {row["name"]: {"valid_days": row["valid_days"], "good_days": row["good_days"]}
                for row in [*air["areas"], *([air["total"]] if air["total"] else [])]},
    }
    return {
        "version": VERSION,
        "kind": kind,
        "scope": {"key": scope.key, "name": scope.name, "city": scope.is_city},
        "period": {"key": period.key, "start": period.start.isoformat(),
                   "end": period.end.isoformat(), "year": period.year, "number": period.number},
        "as_of": today.isoformat(),
        "headline": {
            **flows[period.key],
            "rebounds": len(reopened),
            "total": dashboard["total"],
            "open": sum(by_status.get(status, 0) for status in OPEN_STATES),
            "running": sum(by_status.get(status, 0) for status in CLOCK_STATES),
            "overdue": dashboard["overdue"],
            "pending_acceptance": by_status.get(Status.PENDING_ACCEPTANCE, 0),
            "rebounded": dashboard["rebounded"],
        },
        "by_status": by_status,
        "lights": {str(light): n for light, n in dashboard["lights"].items()},
        "periods": {key: flows[key] for key in flows} | {period.key: current},
        "districts": districts,
        "departments": department_table(reader, period, today),
        "overdue": overdue_list(reader, today),
        "rebounds": reopened,
        "origins": new_by_origin(reader, period),
        "air": air,
        "water": environment.water_quality(scope.region, period.start, min(period.end, today)),
    }

"""The problem: one environmental problem, from report to verified closure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.choices import (
    CLOCK_STATES,
    Domain,
    Origin,
    Severity,
    Status,
    TrafficLight,
)
from ecoledger.org.choices import CITYWIDE_ROLES, REGIONAL_ROLES, RegionLevel, Role
from ecoledger.org.models import Enterprise, PollutionSource, Region, WaterBody

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ecoledger.org.models import User


class ProblemQuerySet(models.QuerySet["Problem"]):
    def visible_to(self, user: User | AnonymousUser) -> ProblemQuerySet:
        """The one place that decides which problems a user may see (DESIGN: users)."""
        if not user.is_authenticated or not user.is_active or not user.role:
            return self.none()
        if user.role in CITYWIDE_ROLES:
            return self.all()
        if user.role == Role.INSPECTOR and user.region.level != RegionLevel.CITY:
            return self.filter(_in_region(user.region) | Q(pk__in=_checked_by(user)))
        if user.role in REGIONAL_ROLES:
            return self.in_region(user.region)
        if user.role == Role.DEPARTMENT_OFFICER:
            from ecoledger.ledger.models.relations import ProblemUnit

            handled = ProblemUnit.objects.filter(department_id=user.department_id)
            return self.filter(pk__in=handled.values("problem_id"))
        return self.filter(enterprise_id=user.enterprise_id)

    def allows(self, user: User | AnonymousUser, problem: Problem) -> bool:
        """``visible_to`` for one problem already in hand, without a query where none is needed.

        The same rule as ``visible_to`` (a test holds them equal for every role).
        """
        if not user.is_authenticated or not user.is_active or not user.role:
            return False
        if user.role in CITYWIDE_ROLES:
            return True
        if user.role in REGIONAL_ROLES:
            if _region_holds(user.region, problem):
                return True
            checked = _checked_by(user).filter(problem_id=problem.pk)
            return user.role == Role.INSPECTOR and checked.exists()
        if user.role == Role.DEPARTMENT_OFFICER:
            return problem.units.filter(department_id=user.department_id).exists()
        return problem.enterprise_id is not None and problem.enterprise_id == user.enterprise_id

    def in_region(self, region: Region) -> ProblemQuerySet:
        """Problems located in a region's subtree, through the column that has an index.

        The tree has three fixed levels, so a district subtree is one value of
        the denormalised ``district`` and a town is a leaf: each filter is an
        equality that the (…, status, deadline) indexes serve in order.
        """
        return self.filter(_in_region(region))

    def overdue(self, today: date) -> ProblemQuerySet:
        return self.filter(status__in=sorted(CLOCK_STATES), deadline__lt=today)

    def with_light(self, light: TrafficLight | str, today: date) -> ProblemQuerySet:
        return self.filter(light_condition(TrafficLight(light), today))


def _in_region(region: Region) -> Q:
    if region.level == RegionLevel.CITY:
        return Q()
    if region.level == RegionLevel.DISTRICT:
        return Q(district_id=region.pk)
    return Q(region_id=region.pk)


def _region_holds(region: Region, problem: Problem) -> bool:
    if region.level == RegionLevel.CITY:
        return True
    if region.level == RegionLevel.DISTRICT:
        return problem.district_id == region.pk
    return problem.region_id == region.pk


def _checked_by(user: User) -> models.QuerySet:
    """Problems an inspector was sent to follow up: cross-checks lead outside their region."""
    from ecoledger.ledger.models.followup import FollowUp

    return FollowUp.objects.filter(inspector_id=user.pk).values("problem_id")


def light_condition(light: TrafficLight, today: date) -> Q:
    """The traffic light as a query; ``Problem.traffic_light`` is the same rule in Python."""
    running = Q(status__in=sorted(CLOCK_STATES), deadline__isnull=False)
    red = Q(deadline__lt=today)
    warning_until = today + timedelta(days=settings.WARNING_DAYS)
    yellow = Q(deadline__lte=warning_until) | Q(schedule_due_on__lt=today)
    if light is TrafficLight.RED:
        return running & red
    if light is TrafficLight.YELLOW:
        return running & ~red & yellow
    return running & ~red & ~yellow


class Problem(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    category = models.ForeignKey(
        "ledger.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )
    latitude = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    longitude = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="problems"
    )
    district = models.ForeignKey(
        Region,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    water_body = models.ForeignKey(
        WaterBody,
        verbose_name=_("water body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    source = models.ForeignKey(
        PollutionSource,
        verbose_name=_("pollution source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    responsible_person = models.CharField(_("responsible person"), max_length=60, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REPORTED,
        editable=False,
    )
    confidential = models.BooleanField(
        _("confidential"), default=False, help_text=_("Never shown in public disclosure.")
    )
    reported_at = models.DateTimeField(_("reported at"), editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True, editable=False)
    started_on = models.DateField(_("clock started on"), null=True, blank=True, editable=False)
    contested_at = models.DateTimeField(_("contested at"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    rebound_count = models.PositiveIntegerField(_("rebounds"), default=0, editable=False)
    measures_total = models.PositiveIntegerField(_("measures"), default=0, editable=False)
    measures_done = models.PositiveIntegerField(_("measures done"), default=0, editable=False)
    schedule_due_on = models.DateField(
        _("behind schedule after"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The day after which completed measures lag the share of time elapsed."),
    )
    updated_at = models.DateTimeField(_("updated at"), editable=False)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="problem_status_deadline"),
            models.Index(
                fields=["district", "status", "deadline"], name="problem_district_deadline"
            ),
            models.Index(fields=["region", "status", "deadline"], name="problem_region_deadline"),
            # Covering indexes: the dashboard counts problems behind schedule (序时进度)
            # from the index alone, city-wide and per district.
            models.Index(
                fields=["status", "schedule_due_on", "deadline"], name="problem_status_schedule"
            ),
            models.Index(
                fields=["district", "status", "schedule_due_on", "deadline"],
                name="problem_district_schedule",
            ),
            models.Index(fields=["enterprise", "status"], name="problem_enterprise_status"),
            models.Index(fields=["reported_at"], name="problem_reported_at"),
            # The map's layer of problems closed lately, newest first, city-wide and per district.
            models.Index(fields=["status", "closed_at"], name="problem_status_closed"),
            models.Index(
                fields=["district", "status", "closed_at"], name="problem_district_closed"
            ),
            models.Index(fields=["source", "status"], name="problem_source_status"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def traffic_light(self, today: date) -> TrafficLight | None:
        """Green, yellow or red while the deadline runs; None otherwise (the rule of DESIGN)."""
        if self.status not in CLOCK_STATES or self.deadline is None:
            return None
        if self.deadline < today:
            return TrafficLight.RED
        warning_until = today + timedelta(days=settings.WARNING_DAYS)
        behind = self.schedule_due_on is not None and self.schedule_due_on < today
        if self.deadline <= warning_until or behind:
            return TrafficLight.YELLOW
        return TrafficLight.GREEN

    def overdue_days(self, today: date) -> int:
        if self.status not in CLOCK_STATES or self.deadline is None:
            return 0
        return max(0, (today - self.deadline).days)

    @property
    def contest_window_ends_on(self) -> date | None:
        if self.assigned_at is None:
            return None
        return timezone.localdate(self.assigned_at) + timedelta(days=settings.CONTEST_WINDOW_DAYS)

    @property
    def arbitration_due_on(self) -> date | None:
        if self.status != Status.CONTESTED or self.contested_at is None:
            return None
        return timezone.localdate(self.contested_at) + timedelta(days=settings.ARBITRATION_DAYS)

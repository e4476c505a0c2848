"""Filters of the ledger list, shared by the API, the pages and the export."""

from __future__ import annotations

import django_filters
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger.choices import Domain, Origin, Severity, Status, TrafficLight
from ecoledger.ledger.models import Category, Problem, ProblemUnit
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.org.models import Department, Enterprise, PollutionSource, Region, WaterBody


class ProblemFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), method="filter_region", label=_("region (with its subtree)")
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), method="filter_department", label=_("department")
    )
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("status"))
    domain = django_filters.MultipleChoiceFilter(choices=Domain.choices, label=_("domain"))
    origin = django_filters.MultipleChoiceFilter(choices=Origin.choices, label=_("origin"))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, label=_("severity"))
    category = django_filters.ModelChoiceFilter(queryset=Category.objects.all())
    source = django_filters.ModelChoiceFilter(queryset=PollutionSource.objects.all())
    enterprise = django_filters.ModelChoiceFilter(queryset=Enterprise.objects.all())
    water_body = django_filters.ModelChoiceFilter(queryset=WaterBody.objects.all())
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    light = django_filters.ChoiceFilter(
        choices=TrafficLight.choices, method="filter_light", label=_("traffic light")
    )
    rebounded = django_filters.BooleanFilter(method="filter_rebounded", label=_("rebounded"))
    deadline_from = django_filters.DateFilter(field_name="deadline", lookup_expr="gte")
    deadline_to = django_filters.DateFilter(field_name="deadline", lookup_expr="lte")
    reported_from = django_filters.DateFilter(field_name="reported_at", lookup_expr="date__gte")
    reported_to = django_filters.DateFilter(field_name="reported_at", lookup_expr="date__lte")
    closed_from = django_filters.DateFilter(field_name="closed_at", lookup_expr="date__gte")
    closed_to = django_filters.DateFilter(field_name="closed_at", lookup_expr="date__lte")
    q = django_filters.CharFilter(method="filter_text", label=_("text"))

    class Meta:
        model = Problem
        fields: list[str] = []

    def filter_region(self, queryset: QuerySet[Problem], name: str, value: Region) -> QuerySet:
        return queryset.in_region(value) if value else queryset  # type: ignore[attr-defined]

    def filter_department(self, queryset: QuerySet[Problem], name: str, value: Department):
        if not value:
            return queryset
        units = ProblemUnit.objects.filter(department=value)
        return queryset.filter(pk__in=units.values("problem_id"))

    def filter_overdue(self, queryset: QuerySet[Problem], name: str, value: bool | None):
        if value is None:
            return queryset
        overdue = Q(pk__in=Problem.objects.overdue(clock.today()).values("pk"))
        return queryset.overdue(clock.today()) if value else queryset.exclude(overdue)  # type: ignore[attr-defined]

    def filter_light(self, queryset: QuerySet[Problem], name: str, value: str):
        return queryset.with_light(value, clock.today()) if value else queryset  # type: ignore[attr-defined]

    def filter_rebounded(self, queryset: QuerySet[Problem], name: str, value: bool | None):
        if value is None:
            return queryset
        return queryset.filter(rebound_count__gt=0) if value else queryset.filter(rebound_count=0)

    def filter_text(self, queryset: QuerySet[Problem], name: str, value: str):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(code__iexact=text) | Q(title__icontains=text) | Q(description__icontains=text)
            | Q(address__icontains=text)
        )


def chosen_status(value: str | None, choices: type[models.TextChoices]) -> str | None:
    """The ``status`` a list of follow-ups or suspicions was asked for (None: all of them).

    An unknown value is an error that names the known ones, not a silent "all".
    """
    if value in (None, ""):
        return None
    if value not in choices.values:
        raise InvalidInput.field("status", gettext("Choose one of: %(values)s.") % {
            "values": ", ".join(choices.values)})
    return value

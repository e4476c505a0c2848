"""Briefings in the shared templates: ``user|reads_briefings`` decides the navigation link,
``{% latest_briefings as rows %}`` gives the dashboard's newest briefings (with their PDF)."""

from __future__ import annotations

from typing import Any

from django import template

from ecoledger.reports.briefing.access import latest_briefings as newest
from ecoledger.reports.briefing.access import may_read_briefings
from ecoledger.reports.models import Report

register = template.Library()


@register.simple_tag(takes_context=True)
def latest_briefings(context: Any) -> list[tuple[Report, Report | None]]:
    return newest(context["request"].user)


@register.filter
def reads_briefings(user: Any) -> bool:
    return may_read_briefings(user)

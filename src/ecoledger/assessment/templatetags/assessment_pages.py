"""Filters that decide which assessment links the navigation and the dashboard offer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from ecoledger.assessment.access import may_read_all, may_read_ranking
from ecoledger.assessment.catalogue import CATALOGUE

register = template.Library()


@register.filter
def reads_assessment(user: Any) -> bool:
    """The ranking: supervisors, leaders, district and department officers."""
    return may_read_ranking(user)


@register.filter
def reads_all_assessments(user: Any) -> bool:
    """Schemes, previews, exemptions and appeals: supervisors and leaders."""
    return may_read_all(user)


@register.filter
def signed(value: Decimal | None) -> str:
    """A change with its sign (+1.50, −2.00); a dash when there is nothing to compare."""
    if value is None:
        return "—"
    return f"{value:+.2f}".replace("-", "−")


@register.filter
def change_class(value: Decimal | None) -> str:
    if not value:
        return ""
    return "up" if value > 0 else "down"


@register.filter
def points(value: Decimal | None) -> str:
    """A score or total with two decimals, as published (a preview may hold 0 for 0.00)."""
    return "—" if value is None else f"{value:.2f}"


@register.filter
def indicator_name(code: str) -> str:
    """An indicator by its catalogue name, in the reader's language (a retired code as is)."""
    entry = CATALOGUE.get(code)
    return str(entry.name) if entry is not None else code

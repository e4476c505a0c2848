"""Template tags of the workspace: the counts of My work shown in the navigation bar."""

from __future__ import annotations

from typing import Any

from django import template

from ecoledger.web.work import work_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def workspace_counts(context: dict[str, Any]) -> dict[str, int]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"total": 0}
    cached = getattr(request, "_work_counts", None)
    if cached is None:
        cached = request._work_counts = work_counts(request.user)
    return cached

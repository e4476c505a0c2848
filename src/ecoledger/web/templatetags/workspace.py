"""Template tags of the workspace: the counts of My work shown in the navigation bar.

Counting every queue on every page would grow with the ledger, so the counts
are kept for a minute per user; a user's own write (any POST) clears them,
and the My work page always counts afresh.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.cache import cache

from ecoledger.web.work import work_counts

register = template.Library()
SECONDS = 60


def cache_key(user_id: int) -> str:
    return f"ecoledger:work-counts:{user_id}"


def forget_counts(user_id: int) -> None:
    cache.delete(cache_key(user_id))


@register.simple_tag(takes_context=True)
def workspace_counts(context: dict[str, Any]) -> dict[str, int]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"total": 0}
    key = cache_key(request.user.pk)
    counts = cache.get(key)
    if counts is None:
        counts = work_counts(request.user)
        cache.set(key, counts, SECONDS)
    return counts

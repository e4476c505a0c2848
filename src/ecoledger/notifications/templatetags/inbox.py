"""The unread count in the navigation bar (kept a minute per user; see ``selectors``)."""

from __future__ import annotations

from typing import Any

from django import template

from ecoledger.notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    request = context.get("request")
    return unread_count(request.user) if request is not None else 0

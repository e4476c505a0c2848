"""Reads of a user's own notifications, with the unread count the navigation bar shows.

The count is kept a minute per user, like the My work counts; every write
that changes it (a new notification, marking read) forgets it once committed.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from ecoledger.notifications.models import Notification, NotificationQuerySet

SECONDS = 60


def unread_cache_key(user_id: int) -> str:
    return f"ecoledger:unread-notifications:{user_id}"


def forget_unread(user_ids: list[int]) -> None:
    cache.delete_many([unread_cache_key(pk) for pk in user_ids])


def notifications_of(user: Any) -> NotificationQuerySet:
    return Notification.objects.visible_to(user).select_related("message", "message__problem")


def unread_count(user: Any) -> int:
    if not user.is_authenticated:
        return 0
    key = unread_cache_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.visible_to(user).unread().count()
        cache.set(key, count, SECONDS)
    return count

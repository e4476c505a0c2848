"""Small factories for notification tests: endpoints and unit preferences."""

from __future__ import annotations

from typing import Any

from ecoledger.notifications.models import UnitPreference, UserPreference, WebhookEndpoint


def make_endpoint(unit: Any, url: str, **kwargs: Any) -> WebhookEndpoint:
    field = type(unit).__name__.lower()
    return WebhookEndpoint.objects.create(
        name=kwargs.pop("name", "bot"), url=url, secret=kwargs.pop("secret", "s3cret"),
        **{field: unit}, **kwargs)


def unit_channels(unit: Any, **kwargs: Any) -> UnitPreference:
    field = type(unit).__name__.lower()
    return UnitPreference.objects.create(**{field: unit}, **kwargs)


def email_on(user: Any, address: str) -> UserPreference:
    user.email = address
    user.save(update_fields=["email"])
    return UserPreference.objects.create(user=user, email=True)

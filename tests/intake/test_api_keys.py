"""Open311 API keys in the admin: shown once when issued, stored only as a hash."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ecoledger.intake.models import ApiKey
from ecoledger.intake.open311.keys import active_key, hash_key
from ecoledger.org.models import User

pytestmark = pytest.mark.django_db


def _admin() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser(username="root", password="pw-x-123456"))
    return client


def test_adding_a_key_shows_it_once_and_keeps_only_its_hash():
    client = _admin()

    response = client.post(reverse("admin:intake_apikey_add"), {"name": "12345 app",
                                                                 "is_active": "on"}, follow=True)

    key = re.search(r"el311_[A-Za-z0-9_-]{32}", response.content.decode()).group(0)
    stored = ApiKey.objects.get()
    assert stored.key_hash == hash_key(key) and key not in str(vars(stored))
    assert stored.prefix == key[:8]
    assert active_key(key) == stored
    listing = client.get(reverse("admin:intake_apikey_changelist")).content.decode()
    assert key not in listing


def test_reissuing_stops_the_old_key_and_a_disabled_key_is_refused():
    client = _admin()
    client.post(reverse("admin:intake_apikey_add"), {"name": "app", "is_active": "on"},
                follow=True)
    stored = ApiKey.objects.get()
    old_hash = stored.key_hash

    response = client.post(reverse("admin:intake_apikey_changelist"), {
        "action": "reissue", "_selected_action": [stored.pk]}, follow=True)

    new_key = re.search(r"el311_[A-Za-z0-9_-]{32}", response.content.decode()).group(0)
    stored.refresh_from_db()
    assert stored.key_hash != old_hash and active_key(new_key) == stored
    stored.is_active = False
    stored.save()
    assert active_key(new_key) is None

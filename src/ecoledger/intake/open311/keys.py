"""Open311 API keys: issued once in clear, stored as their SHA-256, checked on every POST.

A key is 192 random bits, so a fast hash is enough: there is nothing to guess
by brute force as there is with a password.
"""

from __future__ import annotations

import hashlib
import secrets

from ecoledger.intake.models import ApiKey
from ecoledger.lib import clock

PREFIX = "el311_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(api_key: ApiKey) -> str:
    """Give the (unsaved or saved) key row a new secret; returns the secret, shown only now."""
    key = PREFIX + secrets.token_urlsafe(24)
    api_key.prefix, api_key.key_hash = key[:8], hash_key(key)
    return key


def active_key(key: str) -> ApiKey | None:
    found = ApiKey.objects.filter(key_hash=hash_key(key), is_active=True).first() if key else None
    if found is not None:
        ApiKey.objects.filter(pk=found.pk).update(last_used_at=clock.now())
    return found

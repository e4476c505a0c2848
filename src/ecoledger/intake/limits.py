"""Abuse limits on public filing: per sender IP address and per phone, counted in the database.

Counting the complaints already stored (rather than a cache) keeps the limits
exact across processes and restarts; the indexes on (submitter_key, created_at)
and (phone, created_at) keep the counts cheap.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from ecoledger.intake.models import Complaint
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused


def submitter_key(address: str) -> str:
    """A keyed hash of the sender's address: enough to count by, useless to find anyone."""
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, f"intake:{address}".encode(), hashlib.sha256).hexdigest()


def check_limits(key: str, phone: str) -> None:
    """Refuse a complaint beyond the configured limits, saying which limit and when to retry."""
    now = clock.now()
    recent = Complaint.objects.filter(submitter_key=key)
    if recent.filter(created_at__gte=now - timedelta(hours=1)).count() >= \
            settings.INTAKE_PER_IP_HOUR:
        raise ActionRefused(
            _("At most %(n)s complaints an hour may be sent from one network (IP address). "
              "Please try again in an hour.") % {"n": settings.INTAKE_PER_IP_HOUR},
            code="limit_ip_hour")
    if recent.filter(created_at__gte=now - timedelta(days=1)).count() >= \
            settings.INTAKE_PER_IP_DAY:
        raise ActionRefused(
            _("At most %(n)s complaints a day may be sent from one network (IP address). "
              "Please try again tomorrow.") % {"n": settings.INTAKE_PER_IP_DAY},
            code="limit_ip_day")
    by_phone = Complaint.objects.filter(phone=phone, created_at__gte=now - timedelta(days=1))
    if phone and by_phone.count() >= settings.INTAKE_PER_PHONE_DAY:
        raise ActionRefused(
            _("At most %(n)s complaints a day may be filed with one phone number. "
              "Please try again tomorrow.") % {"n": settings.INTAKE_PER_PHONE_DAY},
            code="limit_phone_day")

"""Complaints made through the real filing service, from a given address."""

from __future__ import annotations

import itertools
from typing import Any

from ecoledger.intake import services
from ecoledger.intake.choices import Channel
from ecoledger.intake.models import Complaint
from tests.factories import category

_addresses = itertools.count(1)

# The city of tests/factories.py has its sources at about this point (Nanjing).
LAT, LON = 32.05, 118.78


def make_complaint(**kwargs: Any) -> Complaint:
    """A complaint from a fresh address (so abuse limits stay out of the way unless asked)."""
    address = kwargs.pop("address_ip", f"10.0.{next(_addresses) % 250}.{next(_addresses) % 250}")
    channel = kwargs.pop("channel", Channel.WEB)
    defaults: dict[str, Any] = {
        "description": "工地扬尘很大，没有覆盖防尘网，晚上还在施工",
        "category": category("air"),
        "latitude": LAT,
        "longitude": LON,
    }
    return services.file_complaint(sender=services.Sender(address, channel),
                                   **(defaults | kwargs))

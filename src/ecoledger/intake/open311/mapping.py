"""How the ledger reads in GeoReport's words; no personal data ever leaves through here."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.utils import timezone

from ecoledger.intake import tracking
from ecoledger.intake.models import Complaint
from ecoledger.intake.open311.formats import w3c
from ecoledger.ledger.choices import Domain, UnitRole
from ecoledger.ledger.models import Category


def service_of(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code, "service_name": category.name,
        "description": f"{Domain(category.domain).label} · {category.name}",
        "metadata": False, "type": "realtime", "keywords": [category.domain],
        "group": str(Domain(category.domain).label),
    }


def _agency(complaint: Complaint) -> str:
    problem = complaint.problem
    if problem is None or problem.confidential:
        return ""
    lead = next((unit for unit in problem.units.all() if unit.role == UnitRole.LEAD), None)
    return str(lead.unit) if lead else ""


def _expected(complaint: Complaint) -> datetime | None:
    due = tracking.expected_answer_on(complaint)
    if due is None:
        return None
    return timezone.make_aware(datetime.combine(due, time(23, 59, 59)))


def request_of(complaint: Complaint) -> dict[str, Any]:
    """One service request: the complaint's place, words and progress, without who sent it."""
    return {
        "service_request_id": complaint.tracking_code,
        "status": "closed" if tracking.is_closed(complaint) else "open",
        "status_notes": tracking.status_note(complaint),
        "service_name": complaint.category.name,
        "service_code": complaint.category.code,
        "description": complaint.description,
        "agency_responsible": _agency(complaint),
        "service_notice": "",
        "requested_datetime": w3c(complaint.created_at),
        "updated_datetime": w3c(complaint.updated_at),
        "expected_datetime": w3c(_expected(complaint)),
        "address": complaint.address,
        "address_id": "",
        "zipcode": "",
        "lat": complaint.latitude,
        "long": complaint.longitude,
        "media_url": complaint.media_url,
    }

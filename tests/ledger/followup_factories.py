"""Test data for follow-ups and rebounds: closed problems, inspectors, photos, moments."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from django.utils import timezone

from ecoledger.ledger.choices import Status
from ecoledger.ledger.models import FollowUp, Problem
from ecoledger.org.choices import Role
from ecoledger.org.models import Region, User
from tests.factories import City, jpeg_bytes, make_problem, make_user

# Roughly 50 m and 500 m north of a point, in degrees of latitude.
METRES_50 = 50 / 111_195
METRES_500 = 500 / 111_195


def make_inspector(region: Region, **kwargs: object) -> User:
    return make_user(Role.INSPECTOR, region=region, **kwargs)


def closed_problem(city: City, *, domain: str = "water", **facts: object) -> Problem:
    """A problem in district 1 (its lead unit), at a known place, accepted and closed."""
    facts.setdefault("latitude", 32.05)
    facts.setdefault("longitude", 118.78)
    return make_problem(city, status=Status.CLOSED, domain=domain, **facts)


def days_after_closing(problem: Problem, days: int) -> datetime:
    return problem.closed_at + timedelta(days=days)


def photo(seed: int, name: str = "check.jpg") -> tuple[io.BytesIO, str]:
    return io.BytesIO(jpeg_bytes(seed=seed)), name


def first_check(problem: Problem) -> FollowUp:
    return problem.followups.order_by("due_on").first()


def local_day(moment: datetime) -> object:
    return timezone.localdate(moment)

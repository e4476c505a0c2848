"""Likely duplicates of a complaint: problems and other complaints near it in place, time and text.

Two passes feed the ranking. Near the point (a bounding box the indexes serve,
then the exact distance) everything within the radius counts, whatever its
words. Without a point, or beyond the radius, only text of the same domain
that is similar enough counts. Each candidate carries its reasons (distance,
days apart, similarity) so the supervisor sees why it was offered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet

from ecoledger.intake.models import Complaint
from ecoledger.intake.similarity import jaccard, shingles
from ecoledger.ledger.choices import OPEN_STATES, Status
from ecoledger.ledger.models import Problem
from ecoledger.lib.geo import distance_m

if TYPE_CHECKING:
    from ecoledger.org.models import User

TEXT_THRESHOLD = 0.25  # below this, unrelated complaints about the same district share too much
TEXT_POOL = 300  # rows read for text-only matching; recent ones first
SHOWN = 8
_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Candidate:
    problem: Problem | None
    complaint: Complaint | None
    distance_m: float | None
    days_apart: int
    similarity: float
    score: float

    @property
    def similarity_percent(self) -> int:
        return round(self.similarity * 100)

    @property
    def merge_target(self) -> Problem | None:
        """The problem to merge into: this one, or the one the other complaint joined."""
        if self.problem is not None:
            return self.problem
        return self.complaint.problem if self.complaint is not None else None


def candidates_for(complaint: Complaint, user: User) -> list[Candidate]:
    """The likely duplicates a supervisor should consider, best first."""
    words = shingles(complaint.description)
    since = complaint.created_at - timedelta(days=settings.INTAKE_DUPLICATE_DAYS)
    problems = Problem.objects.visible_to(user).filter(
        Q(status__in=sorted(OPEN_STATES)) | Q(status=Status.CLOSED, closed_at__gte=since)
    ).select_related("category", "region")
    others = Complaint.objects.visible_to(user).exclude(pk=complaint.pk).filter(
        created_at__gte=since,
        created_at__lte=complaint.created_at + timedelta(days=settings.INTAKE_DUPLICATE_DAYS),
    ).select_related("category", "problem")
    found = [
        *_ranked(complaint, words, problems, "reported_at", problem=True),
        *_ranked(complaint, words, others, "created_at", problem=False),
    ]
    found.sort(key=lambda c: c.score, reverse=True)
    return found[:SHOWN]


def _ranked(complaint: Complaint, words: frozenset[str], pool: QuerySet, time_field: str,
            *, problem: bool) -> list[Candidate]:
    rows: dict[int, Problem | Complaint] = {}
    if complaint.latitude is not None and complaint.longitude is not None:
        rows.update((row.pk, row) for row in _near(pool, complaint))
    domain = complaint.category.domain
    same_domain = pool.filter(domain=domain) if problem else pool.filter(category__domain=domain)
    rows.update((row.pk, row) for row in same_domain.order_by(f"-{time_field}")[:TEXT_POOL])
    ranked = []
    for row in rows.values():
        candidate = _score(complaint, words, row, getattr(row, time_field))
        if candidate is not None:
            ranked.append(candidate)
    return ranked


def _near(pool: QuerySet, complaint: Complaint) -> QuerySet:
    radius = settings.INTAKE_DUPLICATE_RADIUS_M
    lat, lon = complaint.latitude, complaint.longitude
    d_lat = radius / _METRES_PER_DEGREE
    d_lon = radius / (_METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return pool.filter(latitude__range=(lat - d_lat, lat + d_lat),
                       longitude__range=(lon - d_lon, lon + d_lon))


def _score(complaint: Complaint, words: frozenset[str], row: Problem | Complaint,
           when: datetime) -> Candidate | None:
    radius = settings.INTAKE_DUPLICATE_RADIUS_M
    distance = None
    if None not in (row.latitude, row.longitude, complaint.latitude, complaint.longitude):
        distance = distance_m(complaint.longitude, complaint.latitude, row.longitude,
                              row.latitude)
    text = jaccard(words, shingles(row.description))
    near = distance is not None and distance <= radius
    if not near and text < TEXT_THRESHOLD:
        return None
    days = abs((complaint.created_at - when).days)
    closeness = 1 - distance / radius if near else 0.0
    recency = max(0.0, 1 - days / settings.INTAKE_DUPLICATE_DAYS)
    score = 0.5 * closeness + 0.4 * text + 0.1 * recency
    return Candidate(
        problem=row if isinstance(row, Problem) else None,
        complaint=row if isinstance(row, Complaint) else None,
        distance_m=distance, days_apart=days, similarity=text, score=score,
    )

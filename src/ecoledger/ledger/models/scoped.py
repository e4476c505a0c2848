"""Scope for the objects that hang off a problem or a source: through their parent's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ecoledger.org.models import User


class ThroughProblemQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> ThroughProblemQuerySet:
        from ecoledger.ledger.models.problem import Problem

        return self.filter(problem__in=Problem.objects.visible_to(user).values("pk"))


class MeasureQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> MeasureQuerySet:
        from ecoledger.ledger.models.problem import Problem
        from ecoledger.org.models import PollutionSource

        return self.filter(
            Q(plan__problem__in=Problem.objects.visible_to(user).values("pk"))
            | Q(plan__source__in=PollutionSource.objects.visible_to(user).values("pk"))
        )

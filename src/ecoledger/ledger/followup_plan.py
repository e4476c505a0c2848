"""Which closed problems get follow-ups, when, and by whom: the rules, kept apart from the writes.

Risk adds up from the domain (some pollution comes back out of sight: water,
soil, waste), the severity and every earlier rebound. Problems with no risk
at all are sampled, and the draw is a hash of the problem's code, so running
the scheduling again for the same closing draws the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from ecoledger.ledger.choices import DUTY_ROLES, FollowUpStatus, Severity
from ecoledger.ledger.models import Problem
from ecoledger.org.choices import Role
from ecoledger.org.models import Region, User

SEVERITY_RISK = {Severity.GENERAL: 0, Severity.SERIOUS: 1, Severity.MAJOR: 2}


@dataclass(frozen=True)
class Risk:
    score: int
    reasons: list[str] = field(default_factory=list)

    @property
    def low(self) -> bool:
        return self.score == 0


def risk_of(problem: Problem) -> Risk:
    score, reasons = 0, []
    if problem.domain in settings.FOLLOWUP_RISKY_DOMAINS:
        score += 1
        reasons.append(_("domain %(domain)s") % {"domain": problem.get_domain_display()})
    severity = SEVERITY_RISK.get(Severity(problem.severity), 0)
    if severity:
        score += severity
        reasons.append(_("severity %(severity)s") % {"severity": problem.get_severity_display()})
    if problem.rebound_count:
        score += problem.rebound_count
        reasons.append(_("%(n)s earlier rebound(s)") % {"n": problem.rebound_count})
    return Risk(score, reasons)


def drawn_in_sample(code: str, percent: int) -> bool:
    """Whether a problem falls in a ``percent`` sample: the same answer for the same code."""
    bucket = int.from_bytes(hashlib.sha256(code.encode()).digest()[:8], "big") % 100
    return bucket < percent


def offsets_for(domain: str) -> list[int]:
    """Days after closing at which checks fall due, for the problem's domain."""
    return settings.FOLLOWUP_DAYS_BY_DOMAIN.get(domain, settings.FOLLOWUP_DAYS)


def _inspectors() -> QuerySet[User]:
    return User.objects.filter(role=Role.INSPECTOR, is_active=True, region__isnull=False)


def eligible_inspectors(problem: Problem) -> QuerySet[User]:
    """Active inspectors who do not work for a unit that rectified the problem.

    An inspector belongs to the region they are posted to; one posted inside a
    lead or responsible region (the district, or one of its towns) would be
    checking their own unit's work.
    """
    inspectors = _inspectors()
    duty = problem.units.filter(role__in=sorted(DUTY_ROLES), region__isnull=False)
    for unit in duty.select_related("region"):
        inspectors = inspectors.exclude(region__path__startswith=unit.region.path)
    return inspectors


def _pending() -> Count:
    return Count("followups", filter=Q(followups__status=FollowUpStatus.PENDING))


def choose_inspector(problem: Problem) -> User | None:
    """The eligible inspector with the fewest pending checks (ties: the earliest account)."""
    return eligible_inspectors(problem).annotate(load=_pending()).order_by("load", "pk").first()


class InspectorPool:
    """``choose_inspector`` for many closings at once: inspectors and loads read once.

    Each choice counts as one more pending check of the chosen inspector, as
    the follow-up that ``choose_inspector``'s caller creates would, so a batch
    of closings spreads its checks exactly as the same closings one by one.
    """

    def __init__(self) -> None:
        self.inspectors = list(_inspectors().select_related("region").annotate(load=_pending())
                               .order_by("load", "pk"))

    def choose(self, duty_regions: Iterable[Region]) -> User | None:
        """The eligible inspector with the fewest pending checks, given the duty regions."""
        paths = tuple(region.path for region in duty_regions)
        eligible = (user for user in self.inspectors if not user.region.path.startswith(paths))
        chosen = min(eligible, key=lambda user: (user.load, user.pk), default=None)
        if chosen is not None:
            chosen.load += 1
        return chosen

"""Who reads and who makes briefings.

City briefings are the city office's and the leadership's: supervisors and
leaders read every briefing, and supervisors (or the platform's own schedule)
make them. A district's officer reads the briefings of their district; a
town's officers, departments, enterprises and inspectors have scopes that a
district's or the city's figures would overstep, so they read none.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ecoledger.org.choices import CITYWIDE_ROLES, RegionLevel, Role
from ecoledger.reports.models import Report, ReportKind

BRIEFING_KINDS = (ReportKind.WEEKLY_BRIEFING, ReportKind.MONTHLY_BRIEFING)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def district_scope_key(user: Any) -> str | None:
    """The scope key of the district a district officer reads; None for anyone else."""
    if (user.is_authenticated and user.is_active and user.role == Role.REGION_OFFICER
            and user.region is not None and user.region.level == RegionLevel.DISTRICT):
        return f"region:{user.region.code}"
    return None


def may_read_briefings(user: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role in CITYWIDE_ROLES or district_scope_key(user) is not None


def may_generate_briefings(user: Any) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.SUPERVISOR


def briefings_visible_to(user: Any) -> QuerySet[Report]:
    """The stored briefing files (.docx and .pdf) the user may open."""
    briefings = Report.objects.filter(kind__in=BRIEFING_KINDS)
    if not may_read_briefings(user):
        return briefings.none()
    if user.role in CITYWIDE_ROLES:
        return briefings
    return briefings.filter(scope_key=district_scope_key(user))


def with_pdfs(documents: list[Report]) -> list[tuple[Report, Report | None]]:
    """Each stored document with the PDF stored from the same figures, where there is one."""
    pdfs = {
        (r.kind, r.scope_key, r.period_start, r.figures_sha256): r
        for r in Report.objects.filter(
            content_type=PDF, figures_sha256__in=[d.figures_sha256 for d in documents])
        .order_by("generated_at", "pk")
    }
    return [(d, pdfs.get((d.kind, d.scope_key, d.period_start, d.figures_sha256)))
            for d in documents]


def latest_briefings(user: Any, count: int = 3) -> list[tuple[Report, Report | None]]:
    """The newest briefings the user may read, for the dashboard."""
    documents = briefings_visible_to(user).filter(content_type=DOCX).order_by(
        "-generated_at", "-pk")[:count]
    return with_pdfs(list(documents))

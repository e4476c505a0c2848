"""Making a briefing: its figures, its document and PDF, stored frozen in the archive."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput
from ecoledger.org.choices import RegionLevel
from ecoledger.org.models import Region, User
from ecoledger.reports import archive
from ecoledger.reports.briefing import pdf, words
from ecoledger.reports.briefing.access import BRIEFING_KINDS, DOCX, PDF, may_generate_briefings
from ecoledger.reports.briefing.charts import render_charts
from ecoledger.reports.briefing.docx import build_docx
from ecoledger.reports.briefing.figures import Period, Scope, briefing_figures
from ecoledger.reports.briefing.fonts import cjk_font
from ecoledger.reports.models import Report

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Briefing:
    """A briefing's stored document, its PDF (None where LibreOffice is absent), and whether
    this call made them (False: the latest briefing of the period already said the same)."""

    document: Report
    pdf: Report | None
    created: bool


def briefing_title(kind: str, period: Period, scope: Scope) -> str:
    return (f"{scope.name}生态环境问题整改工作{words.KINDS[kind]}"
            f"（{period.year}年第{period.number}期）")


def check_request(kind: str, day: date, acting_user: User | None, region: Region | None) -> None:
    """Refuse what ``generate_briefing`` would refuse, before a job is queued for it."""
    if acting_user is not None and not may_generate_briefings(acting_user):
        raise ActionRefused(_("Only supervisors may generate briefings."), code="refused_role")
    if kind not in BRIEFING_KINDS:
        raise InvalidInput.field("kind", _("Choose a weekly or a monthly briefing."))
    if Period.of(kind, day).start > clock.today():
        raise InvalidInput.field("date", _("The period has not begun yet."))
    if region is not None and region.level not in (RegionLevel.CITY, RegionLevel.DISTRICT):
        raise InvalidInput.field("district", _("Briefings are made for the city or a district."))


def _stored(kind: str, scope: Scope, period: Period, content_type: str) -> Report | None:
    return (Report.objects.filter(kind=kind, scope_key=scope.key, period_start=period.start,
                                  period_end=period.end, content_type=content_type)
            .order_by("-generated_at", "-pk").first())


def generate_briefing(kind: str, day: date, *, acting_user: User | None,
                      region: Region | None = None) -> Briefing:
    """Make the briefing of the week or month that holds ``day``, for the city or a district.

    Steps: check the actor (a supervisor, or None for the platform's schedule and
    command line) and the input; compute the figures and their hash; if the
    latest briefing of the period has the same figures, return it; else find
    what the figures correct in earlier briefings, draw the charts, write the
    .docx, convert it to PDF where LibreOffice is present, and store both.
    The drawing and converting run outside any transaction: they take seconds
    and must not hold the database's write lock.
    """
    check_request(kind, day, acting_user, region)
    scope, period = Scope.of(region), Period.of(kind, day)
    figures = briefing_figures(kind, day, scope)
    digest = archive.figures_digest(figures)
    latest = _stored(kind, scope, period, DOCX)
    if latest is not None and latest.figures_sha256 == digest:
        companion = _stored(kind, scope, period, PDF)
        same = companion if companion and companion.figures_sha256 == digest else None
        return Briefing(latest, same, created=False)
    differences = archive.differences(kind, scope.key, figures)
    font = cjk_font()
    content = build_docx(figures, digest=digest, differences=differences,
                         charts=render_charts(figures), generated_at=clock.now(),
                         family=font.family if font else None)
    converted = pdf.docx_to_pdf(content)
    title = briefing_title(kind, period, scope)
    name = f"briefing-{kind}-{period.key}-{scope.key.replace(':', '-')}"

    def store(content: bytes, extension: str, content_type: str) -> Report:
        return archive.store_report(
            kind, acting_user=acting_user, title=title, scope_key=scope.key,
            period_start=period.start, period_end=period.end, figures=figures,
            content=content, file_name=f"{name}.{extension}", content_type=content_type)

    with transaction.atomic():
        document = store(content, "docx", DOCX)
        made = store(converted, "pdf", PDF) if converted is not None else None
    log.info("briefing %s stored (figures %s)", title, digest)
    return Briefing(document, made, created=True)

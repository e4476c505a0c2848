"""Briefing pages: the list of stored briefings, the form that asks for one, the downloads.

Generating takes seconds (charts, the document, LibreOffice), so the form
queues a job for the worker and the list shows it as pending until it is done.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ecoledger.jobs.models import Job, JobStatus
from ecoledger.lib.errors import ActionRefused, InvalidInput
from ecoledger.org.choices import CITYWIDE_ROLES
from ecoledger.org.models import Region
from ecoledger.reports import tasks
from ecoledger.reports.briefing import pdf
from ecoledger.reports.briefing.access import (
    DOCX,
    briefings_visible_to,
    may_generate_briefings,
    may_read_briefings,
    with_pdfs,
)
from ecoledger.reports.briefing.figures import Period
from ecoledger.reports.briefing.forms import BriefingForm
from ecoledger.reports.briefing.services import check_request
from ecoledger.reports.models import ReportKind
from ecoledger.web.views.common import refused

PAGE_SIZE = 30


def _not_for_you() -> ActionRefused:
    return ActionRefused(_("Briefings are read by the city office, the city's leaders and "
                           "district officers (their own district's)."), code="refused_role")


def _pending() -> list[dict[str, Any]]:
    """Briefings queued or being made, as the city office and leaders see them."""
    jobs = Job.objects.filter(name=tasks.GENERATE_JOB,
                              status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    regions = dict(Region.objects.districts().values_list("pk", "name"))
    return [{"kind": ReportKind(job.payload.get("kind")).label, "day": job.payload.get("day"),
             "area": regions.get(job.payload.get("region")) or _("Whole city"),
             "status": job.get_status_display()}
            for job in jobs.order_by("created_at")]


def _list(request: HttpRequest, form: BriefingForm | None, *, status: int = 200) -> HttpResponse:
    user = request.user
    documents = briefings_visible_to(user).filter(content_type=DOCX).order_by(
        "-period_start", "kind", "scope_key", "-generated_at", "-pk")
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    may_generate = may_generate_briefings(user)
    return render(request, "reports/briefing_list.html", {
        "nav": "briefings", "page": page, "rows": with_pdfs(list(page)),
        "form": form or (BriefingForm() if may_generate else None),
        "pending": _pending() if user.role in CITYWIDE_ROLES else [],
        "pdf_available": pdf.available(),
    }, status=status)


@login_required
@require_GET
def briefing_list(request: HttpRequest) -> HttpResponse:
    if not may_read_briefings(request.user):
        return refused(request, _not_for_you())
    return _list(request, None)


@login_required
@require_POST
def briefing_generate(request: HttpRequest) -> HttpResponse:
    """Queue a briefing for the worker (supervisors); the list shows it once made."""
    if not may_generate_briefings(request.user):
        return refused(request, ActionRefused(_("Only supervisors may generate briefings."),
                                              code="refused_role"))
    form = BriefingForm(request.POST)
    if not form.is_valid():
        return _list(request, form, status=400)
    kind, day, district = (form.cleaned_data[name] for name in ("kind", "day", "district"))
    try:
        check_request(kind, day, request.user, district)
    except InvalidInput as error:
        for field, reasons in error.fields.items():
            form.add_error(field if field in form.fields else None, reasons)
        return _list(request, form, status=400)
    tasks.queue_briefing(Period.of(kind, day), district, user=request.user, unique=False)
    messages.success(request, _("The briefing is being generated; it appears below when ready."))
    return redirect("reports:briefing-list")


@login_required
@require_GET
def briefing_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A stored briefing file, as it was generated (its SHA-256 is in the archive)."""
    if not may_read_briefings(request.user):
        return refused(request, _not_for_you())
    report = get_object_or_404(briefings_visible_to(request.user), pk=pk)
    response = FileResponse(report.file.open("rb"), as_attachment=True,
                            filename=report.file_name, content_type=report.content_type)
    response["X-Content-SHA256"] = report.file_sha256
    return response

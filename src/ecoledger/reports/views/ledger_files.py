"""Pages of the ledger import: upload, map headers, the dry run's report, import, history.

Only supervisors and region officers reach them; an import's pages show only
to its uploader and to supervisors (``LedgerImport.visible_to``), and only
its uploader carries it on. The pages call the import's services and show
what they return; nothing here reads or writes rows on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoledger.ledger.choices import Status
from ecoledger.lib.errors import ActionRefused, DomainError, InvalidInput
from ecoledger.lib.pagination import CappedPaginator
from ecoledger.reports.ledger_columns import BY_KEY
from ecoledger.reports.ledger_import import service
from ecoledger.reports.ledger_import.headers import unmapped
from ecoledger.reports.models import ImportStatus, LedgerImport
from ecoledger.reports.views.ledger_forms import HeaderMappingForm, LedgerUploadForm
from ecoledger.web.views.common import refused

SHOWN_ERRORS = 1000
View = Callable[..., HttpResponse]


def importers_only(view: View) -> View:
    """Signed in, and a role that imports ledgers; everyone else is refused (403)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not service.may_import(request.user):
            return refused(request, ActionRefused(
                _("Only supervisors and region officers import ledgers.")))
        return view(request, *args, **kwargs)

    return wrapper


def _visible(request: HttpRequest, pk: int) -> LedgerImport:
    return get_object_or_404(LedgerImport.objects.visible_to(request.user), pk=pk)


@importers_only
def import_list(request: HttpRequest) -> HttpResponse:
    """The upload form and the history of imports; a new file is checked at once."""
    form = LedgerUploadForm()
    if request.method == "POST":
        form = LedgerUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                ledger_import = service.upload_ledger(acting_user=request.user, upload=upload,
                                                      name=upload.name)
            except InvalidInput as error:
                form.add_error("file", " ".join(error.fields.get("file", [error.message])))
            else:
                return _next_step(request, ledger_import)
    imports = LedgerImport.objects.visible_to(request.user).select_related("uploaded_by")
    page = CappedPaginator(imports, 20).get_page(request.GET.get("page"))
    return render(request, "reports/ledger_import_list.html", {
        "form": form, "page": page, "nav": "ledger",
    }, status=400 if form.errors else 200)


def _next_step(request: HttpRequest, ledger_import: LedgerImport) -> HttpResponse:
    """Ask for the headers nobody recognised; with none left, run the dry run."""
    try:
        headers = service.headers_of(ledger_import)
    except InvalidInput:
        headers = []  # the check keeps the reason and the report page shows it
    if unmapped(headers):
        return redirect("reports:ledger-import-mapping", pk=ledger_import.pk)
    service.check_ledger(ledger_import, acting_user=request.user)
    return redirect("reports:ledger-import-detail", pk=ledger_import.pk)


@importers_only
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    ledger_import = _visible(request, pk)
    if ledger_import.uploaded_by_id != request.user.pk:
        return refused(request, ActionRefused(
            _("Only the person who uploaded a ledger carries its import on.")))
    try:
        mapped = service.headers_of(ledger_import)
    except InvalidInput:
        return redirect("reports:ledger-import-detail", pk=pk)
    form = HeaderMappingForm(request.POST or None, mapped=mapped)
    if request.method == "POST" and form.is_valid():
        try:
            service.save_mapping(ledger_import, acting_user=request.user, choices=form.choices())
            service.check_ledger(ledger_import, acting_user=request.user)
        except InvalidInput as error:
            form.add_error(None, error.message)
            for name, text in form.headers.items():
                for message in error.fields.get(text, []):
                    form.add_error(name, message)
        except DomainError as error:
            return refused(request, error)
        else:
            return redirect("reports:ledger-import-detail", pk=pk)
    return render(request, "reports/ledger_import_mapping.html", {
        "ledger_import": ledger_import, "form": form, "nav": "ledger",
        "unrecognised": len(unmapped(mapped)),
    }, status=400 if form.errors else 200)


@importers_only
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The check's (or the import's) report: counts, columns, every refused row."""
    ledger_import = _visible(request, pk)
    summary = ledger_import.summary
    errors = ledger_import.row_errors
    return render(request, "reports/ledger_import_detail.html", {
        "ledger_import": ledger_import,
        "errors": errors[:SHOWN_ERRORS],
        "more_errors": max(0, len(errors) - SHOWN_ERRORS),
        "by_status": [(Status(value).label, count)
                      for value, count in summary.get("by_status", {}).items()],
        "by_district": sorted(summary.get("by_district", {}).items()),
        "columns": [(item["header"], BY_KEY[item["column"]] if item["column"] else None,
                     item["imported"]) for item in summary.get("columns", [])],
        "may_import": (ledger_import.uploaded_by_id == request.user.pk
                       and ledger_import.status in (ImportStatus.CHECKED, ImportStatus.FAILED)
                       and ledger_import.rows_valid > ledger_import.rows_existing),
        "running": ledger_import.status == ImportStatus.QUEUED,
        "nav": "ledger",
    })


@importers_only
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the checked ledger to the worker; the report page follows its progress."""
    ledger_import = _visible(request, pk)
    try:
        service.queue_import(ledger_import, acting_user=request.user)
    except DomainError as error:
        return refused(request, error)
    messages.success(request, _("The import has started; this page shows its progress."))
    return redirect("reports:ledger-import-detail", pk=pk)

"""The supervisor's triage: new complaints with their likely duplicates, and one-click decisions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoledger.intake import services
from ecoledger.intake.choices import ComplaintStatus
from ecoledger.intake.duplicates import candidates_for
from ecoledger.intake.forms import MergeForm, OpenProblemForm, RejectComplaintForm
from ecoledger.intake.models import Complaint, ComplaintPhoto, may_triage
from ecoledger.intake.places import region_at
from ecoledger.intake.privacy import contact_shown_to
from ecoledger.ledger.models import Problem
from ecoledger.lib.errors import ActionRefused, DomainError, InvalidInput
from ecoledger.web.forms.fields import AccessibleForm
from ecoledger.web.views.common import refused

QUEUE_PAGE = 20
PREVIEWED = 3


def _complaints(request: HttpRequest) -> Any:
    return Complaint.objects.visible_to(request.user).select_related(
        "category", "problem", "ticket")


@login_required
def triage_list(request: HttpRequest) -> HttpResponse:
    """New complaints, oldest first, each with its best duplicate candidates."""
    if not may_triage(request.user):
        return refused(request, ActionRefused(_("Only supervisors triage complaints."),
                                              code="refused_role"))
    queue = _complaints(request).filter(status=ComplaintStatus.RECEIVED).order_by("created_at")
    page = Paginator(queue, QUEUE_PAGE).get_page(request.GET.get("page"))
    rows = [{"complaint": c, "contact": contact_shown_to(request.user, c),
             "candidates": candidates_for(c, request.user)[:PREVIEWED]} for c in page]
    return render(request, "intake/triage_list.html",
                  {"page": page, "rows": rows, "nav": "triage"})


def _detail_context(request: HttpRequest, complaint: Complaint,
                    forms: dict[str, AccessibleForm] | None = None) -> dict[str, Any]:
    candidates = candidates_for(complaint, request.user)
    title = f"{complaint.category.name}: {complaint.address or complaint.description[:30]}"
    defaults = {
        "merge": MergeForm(prefix="merge"),
        "open": OpenProblemForm(prefix="open", initial={
            "title": title[:200], "region": region_at(complaint.latitude, complaint.longitude)}),
        "reject": RejectComplaintForm(prefix="reject"),
    }
    return {"complaint": complaint, "contact": contact_shown_to(request.user, complaint),
            "candidates": candidates, "photos": complaint.photos.all(), "nav": "triage",
            "forms": defaults | (forms or {}),
            "undecided": complaint.status == ComplaintStatus.RECEIVED}


@login_required
def triage_detail(request: HttpRequest, code: str) -> HttpResponse:
    complaint = get_object_or_404(_complaints(request), tracking_code=code)
    return render(request, "intake/triage_detail.html", _detail_context(request, complaint))


@dataclass(frozen=True)
class Decision:
    form: type[AccessibleForm]
    run: Callable[[Complaint, Any, dict[str, Any]], str]


def _merge(complaint: Complaint, user: Any, data: dict[str, Any]) -> str:
    problem = Problem.objects.visible_to(user).filter(code=data["problem"].strip()).first()
    if problem is None:
        raise InvalidInput.field("problem", _("No problem has this code."))
    services.merge_complaint(complaint, acting_user=user, problem=problem)
    return _("The complaint was merged into %(code)s.") % {"code": problem.code}


def _open(complaint: Complaint, user: Any, data: dict[str, Any]) -> str:
    problem = services.open_problem_for(complaint, acting_user=user, region=data["region"],
                                        title=data["title"], severity=data["severity"])
    return _("Problem %(code)s was opened for the complaint.") % {"code": problem.code}


def _reject(complaint: Complaint, user: Any, data: dict[str, Any]) -> str:
    services.reject_complaint(complaint, acting_user=user, reason=data["reason"])
    return _("The complaint was not accepted; the complainant sees the reason.")


DECISIONS = {
    "merge": Decision(MergeForm, _merge),
    "open": Decision(OpenProblemForm, _open),
    "reject": Decision(RejectComplaintForm, _reject),
}


@login_required
@require_POST
def triage_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Merge, open or reject through the services; errors are shown on the complaint's page."""
    complaint = get_object_or_404(_complaints(request), tracking_code=code)
    decision = DECISIONS.get(action)
    if decision is None:
        return refused(request, InvalidInput(_("Unknown decision %(action)s.") % {
            "action": action}))
    form = decision.form(request.POST, prefix=action)
    status = 400
    if form.is_valid():
        try:
            message = decision.run(complaint, request.user, form.cleaned_data)
        except InvalidInput as error:
            form.apply(error)
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status_code
        else:
            messages.success(request, message)
            return redirect("intake:triage")
    return render(request, "intake/triage_detail.html",
                  _detail_context(request, complaint, {action: form}), status=status)


@login_required
def complaint_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A complaint's photo, for the supervisor deciding on it (it may show people and plates)."""
    photo = get_object_or_404(
        ComplaintPhoto.objects.filter(complaint__in=_complaints(request).values("pk")), pk=pk)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)

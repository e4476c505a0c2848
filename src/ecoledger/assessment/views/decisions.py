"""Exemptions and appeals: the office records and decides them; leaders read them.

A decision changes a score only from the next computation: the page says so,
and the office publishes again to apply it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ecoledger.assessment import services
from ecoledger.assessment.access import may_manage, may_read_all
from ecoledger.assessment.choices import AppealStatus, DecisionStatus
from ecoledger.assessment.forms import (
    AppealDecisionForm,
    AppealForm,
    ExemptionDecisionForm,
    ExemptionForm,
)
from ecoledger.assessment.models import Appeal, Exemption
from ecoledger.assessment.services.checks import check_may_manage
from ecoledger.assessment.views.common import error_text
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput, StateConflict
from ecoledger.web.views.common import refused


def _page(request: HttpRequest, *, exemption_form: ExemptionForm | None = None,
          appeal_form: AppealForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    manages = may_manage(user)
    exemptions = Exemption.objects.visible_to(user).select_related(
        "district", "department", "problem", "complaint", "recorded_by", "decided_by")
    appeals = Appeal.objects.visible_to(user).select_related(
        "district", "department", "publication", "version", "filed_by", "decided_by")
    return render(request, "assessment/decisions.html", {
        "nav": "assessment-decisions", "manages": manages,
        "exemptions": [(item, ExemptionDecisionForm(auto_id=f"id_exemption{item.pk}_%s")
                        if manages and item.status == DecisionStatus.PENDING else None)
                       for item in exemptions],
        "appeals": [(item, AppealDecisionForm(auto_id=f"id_appeal{item.pk}_%s")
                     if manages and item.status == AppealStatus.PENDING else None)
                    for item in appeals],
        "exemption_form": exemption_form or (
            ExemptionForm(prefix="exemption", initial={"year": clock.today().year - 1})
            if manages else None),
        "appeal_form": appeal_form or (AppealForm(prefix="appeal") if manages else None),
    }, status=status)


@login_required
@require_GET
def decision_list(request: HttpRequest) -> HttpResponse:
    """Every exemption and appeal with its decision; the office's forms to add and decide."""
    if not may_read_all(request.user):
        return refused(request, ActionRefused(_("Exemptions and appeals are kept by the "
                                                "rectification office and read by the city's "
                                                "leaders."), code="refused_role"))
    return _page(request)


def _refusal(request: HttpRequest) -> HttpResponse | None:
    try:
        check_may_manage(request.user)
    except ActionRefused as error:
        return refused(request, error)
    return None


@login_required
@require_POST
def exemption_create(request: HttpRequest) -> HttpResponse:
    """Record a request to take a problem or complaint out of a unit's assessment."""
    if (refusal := _refusal(request)) is not None:
        return refusal
    form = ExemptionForm(request.POST, prefix="exemption")
    if form.is_valid():
        try:
            exemption = services.record_exemption(acting_user=request.user, **form.cleaned_data)
        except InvalidInput as error:
            form.apply(error)
        else:
            messages.success(request, _("Exemption no. %(number)s is recorded, pending a "
                                        "decision.") % {"number": exemption.pk})
            return redirect("assessment:decisions")
    return _page(request, exemption_form=form, status=400)


@login_required
@require_POST
def exemption_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve (the item leaves the indicator from the next computation) or refuse, once."""
    if (refusal := _refusal(request)) is not None:
        return refusal
    exemption = get_object_or_404(Exemption.objects.visible_to(request.user), pk=pk)
    form = ExemptionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or refuse."))
        return redirect("assessment:decisions")
    try:
        services.decide_exemption(exemption, acting_user=request.user, **form.cleaned_data)
    except (InvalidInput, StateConflict) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Exemption no. %(number)s: %(decision)s. It counts from the "
                                    "next publication.") % {
            "number": exemption.pk, "decision": exemption.get_status_display()})
    return redirect("assessment:decisions")


@login_required
@require_POST
def appeal_create(request: HttpRequest) -> HttpResponse:
    """Record a unit's appeal against its score on one indicator."""
    if (refusal := _refusal(request)) is not None:
        return refusal
    form = AppealForm(request.POST, prefix="appeal")
    if form.is_valid():
        data = form.cleaned_data
        try:
            appeal = services.file_appeal(
                acting_user=request.user, unit=data["unit"],
                indicator_code=data["indicator_code"], reason=data["reason"], **data["against"])
        except InvalidInput as error:
            form.apply(error, aliases={"publication": "against"})
        else:
            messages.success(request, _("Appeal no. %(number)s is recorded, pending a "
                                        "decision.") % {"number": appeal.pk})
            return redirect("assessment:decisions")
    return _page(request, appeal_form=form, status=400)


@login_required
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Uphold with the points to add or take, or dismiss, once."""
    if (refusal := _refusal(request)) is not None:
        return refusal
    appeal = get_object_or_404(Appeal.objects.visible_to(request.user), pk=pk)
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values()
                                         for e in errors))
        return redirect("assessment:decisions")
    try:
        services.decide_appeal(appeal, acting_user=request.user, **form.cleaned_data)
    except (InvalidInput, StateConflict) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Appeal no. %(number)s: %(decision)s. It counts from the "
                                    "next publication.") % {
            "number": appeal.pk, "decision": appeal.get_status_display()})
    return redirect("assessment:decisions")

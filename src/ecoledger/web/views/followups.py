"""Pages of follow-ups (回头看) and of suspected rebounds: scoped lists and thin writes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoledger.ledger import services
from ecoledger.ledger.choices import FollowUpStatus, SuspicionStatus
from ecoledger.ledger.filters import chosen_status
from ecoledger.ledger.followup_plan import eligible_inspectors
from ecoledger.ledger.models import FollowUp, SuspectedRebound
from ecoledger.ledger.services.followups import check_may_assign, check_may_record
from ecoledger.ledger.services.rebounds import check_may_decide, describe
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, DomainError, InvalidInput, StateConflict
from ecoledger.org.choices import Role
from ecoledger.org.models import User
from ecoledger.web.forms import (
    AssignFollowUpForm,
    ConfirmSuspicionForm,
    DismissSuspicionForm,
    FollowUpForm,
)
from ecoledger.web.views.common import refused, scoped_problems
from ecoledger.web.views.problem import render_detail
from ecoledger.web.views.problem_extras import FOLLOWUP_PREFIX

PAGE_SIZE = 50


@login_required
def followup_list(request: HttpRequest) -> HttpResponse:
    """The checks the user may see: an inspector their own; ``?status=`` and ``?due=1``."""
    today = clock.today()
    try:
        status = chosen_status(request.GET.get("status", FollowUpStatus.PENDING),
                               FollowUpStatus)
    except InvalidInput as error:
        return refused(request, error)
    checks = (FollowUp.objects.visible_to(request.user)
              .select_related("problem", "problem__region", "inspector"))
    if status:
        checks = checks.filter(status=status)
    if request.GET.get("due") == "1":
        checks = checks.due(today)
    page = Paginator(checks.order_by("due_on", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    assigning = request.user.role == Role.SUPERVISOR
    rows = [(check, check.is_due(today),
             _choices(check) if assigning and check.inspector_id is None
             and check.status == FollowUpStatus.PENDING else None) for check in page]
    return render(request, "web/followups/list.html", {
        "page": page, "rows": rows, "status": status, "due": request.GET.get("due") == "1",
        "statuses": FollowUpStatus.choices, "nav": "followups"})


def _choices(check: FollowUp) -> list[User]:
    return list(eligible_inspectors(check.problem).select_related("region").order_by("pk"))


@login_required
@require_POST
def followup_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The assigned inspector's finding, from the form on the problem page."""
    check = get_object_or_404(FollowUp.objects.visible_to(request.user)
                              .select_related("problem"), pk=pk)
    try:
        # Refuse before reading the input, so a refusal never depends on what was sent.
        check_may_record(check, request.user)
    except (ActionRefused, StateConflict) as error:
        return refused(request, error)
    form = FollowUpForm(request.POST, request.FILES, prefix=FOLLOWUP_PREFIX)
    if form.is_valid():
        try:
            services.record_followup(check, acting_user=request.user,
                                     finding=form.cleaned_data["finding"],
                                     note=form.cleaned_data["note"], photos=form.photos())
        except InvalidInput as error:
            form.apply(error)
        except (ActionRefused, StateConflict) as error:
            return refused(request, error)
        else:
            messages.success(request, _("The follow-up was recorded: %(finding)s.") % {
                "finding": FollowUpStatus(check.status).label})
            return redirect("web:problem-detail", code=check.problem.code)
    problem = scoped_problems(request.user).get(pk=check.problem_id)
    return render_detail(request, problem, followup_form=form, status=400)


@login_required
@require_POST
def followup_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisor gives a check to an inspector; back to the list with what happened."""
    check = get_object_or_404(FollowUp.objects.visible_to(request.user)
                              .select_related("problem"), pk=pk)
    try:
        check_may_assign(request.user)
    except ActionRefused as error:
        return refused(request, error)
    form = AssignFollowUpForm(request.POST)
    inspector = None
    if form.is_valid():
        inspector = User.objects.filter(pk=form.cleaned_data["inspector"]).first()
    if inspector is None:
        messages.error(request, _("Choose an inspector."))
        return redirect("web:followup-list")
    try:
        services.assign_followup(check, acting_user=request.user, inspector=inspector)
    except (InvalidInput, StateConflict) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("%(code)s: the follow-up due on %(date)s goes to "
                                    "%(name)s.") % {"code": check.problem.code,
                                                    "date": check.due_on, "name": inspector})
    return redirect("web:followup-list")


def _message(error: DomainError) -> str:
    details = [reason for reasons in error.fields.values() for reason in reasons]
    return " ".join(details) or error.message


@login_required
def suspicion_list(request: HttpRequest) -> HttpResponse:
    """The review queue of suspected rebounds (the city office); ``?status=`` for decided ones."""
    try:
        status = chosen_status(request.GET.get("status", SuspicionStatus.OPEN),
                               SuspicionStatus)
    except InvalidInput as error:
        return refused(request, error)
    suspicions = SuspectedRebound.objects.visible_to(request.user).select_related(
        "problem", "problem__region", "decided_by")
    if status:
        suspicions = suspicions.filter(status=status)
    page = Paginator(suspicions, PAGE_SIZE).get_page(request.GET.get("page"))
    deciding = request.user.role == Role.SUPERVISOR
    rows = [(item, describe(item), *(_decision_forms(item) if deciding
                                      and item.status == SuspicionStatus.OPEN else (None, None)))
            for item in page]
    return render(request, "web/followups/suspicions.html", {
        "page": page, "rows": rows, "status": status, "statuses": SuspicionStatus.choices,
        "nav": "rebounds"})


def _decision_forms(item: SuspectedRebound) -> tuple[ConfirmSuspicionForm, DismissSuspicionForm]:
    """The two forms of one suspicion, with ids of their own (several sit on one page)."""
    return (ConfirmSuspicionForm(auto_id=f"id_confirm{item.pk}_%s"),
            DismissSuspicionForm(auto_id=f"id_dismiss{item.pk}_%s"))


DECISIONS = {"confirm": ConfirmSuspicionForm, "dismiss": DismissSuspicionForm}


@login_required
@require_POST
def suspicion_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Confirm (the problem reopens as a rebound) or dismiss, with the reason."""
    if decision not in DECISIONS:
        raise Http404(decision)
    suspicion = get_object_or_404(SuspectedRebound.objects.visible_to(request.user)
                                  .select_related("problem"), pk=pk)
    try:
        check_may_decide(request.user)
    except ActionRefused as error:
        return refused(request, error)
    form = DECISIONS[decision](request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values()
                                         for e in errors))
        return redirect("web:suspicion-list")
    try:
        if decision == "confirm":
            services.confirm_suspicion(suspicion, acting_user=request.user,
                                       **form.cleaned_data)
        else:
            services.dismiss_suspicion(suspicion, acting_user=request.user,
                                       **form.cleaned_data)
    except (InvalidInput, StateConflict, ActionRefused) as error:
        messages.error(request, _message(error))
        return redirect("web:suspicion-list")
    code = suspicion.problem.code
    messages.success(request, _("%(code)s is back in rectification as a rebound.") % {
        "code": code} if decision == "confirm" else _("Dismissed: %(code)s.") % {"code": code})
    return redirect("web:suspicion-list")

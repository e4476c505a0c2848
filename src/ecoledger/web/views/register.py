"""Registering a problem (with its evidence) and editing its facts, with a map picker."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ecoledger.ledger import services, workflow
from ecoledger.ledger.choices import Action
from ecoledger.ledger.models import Problem
from ecoledger.lib.errors import ActionRefused, InvalidInput, StateConflict
from ecoledger.org.choices import RegionLevel
from ecoledger.web.forms import TICKET_ALIASES, ProblemEditForm, ProblemForm
from ecoledger.web.views.common import error_json, refused, scoped_problems, wants_json

EVIDENCE_PREFIX = "add_evidence"


# Above this many regions the picker draws only city and district outlines: every town's
# polygon would make the page heavy, and towns are picked from the select anyway.
PICKER_TOWN_OUTLINES = 30


def _picker(form: ProblemForm) -> dict[str, Any]:
    """What the map picker draws: the offered regions' centres and boundaries."""
    offered = list(form.fields["region"].queryset)
    towns_too = len(offered) <= PICKER_TOWN_OUTLINES
    regions = [
        {"id": region.pk, "name": region.name, "lat": region.latitude, "lon": region.longitude,
         "boundary": region.boundary if towns_too or region.level != RegionLevel.TOWN else None}
        for region in offered
        if region.latitude is not None or region.boundary
    ]
    return {"regions": regions, "tiles": getattr(settings, "MAP_TILE_URL", ""),
            "datum": getattr(settings, "MAP_DATUM", "gcj02")}


def _page(request: HttpRequest, form: ProblemForm, *, problem: Problem | None = None,
          status: int = 200) -> HttpResponse:
    if wants_json(request) and request.method == "POST":
        return error_json(_("Please correct the marked fields."), fields=form.error_map(),
                          status=status)
    return render(request, "web/ledger/problem_form.html", {
        "form": form, "problem": problem, "picker": _picker(form), "nav": "ledger",
        "evidence_prefix": EVIDENCE_PREFIX,
    }, status=status)


@login_required
def problem_create(request: HttpRequest) -> HttpResponse:
    """Register a problem; its files go with it (or, from the script, one by one after it)."""
    if request.user.role not in workflow.REGISTER_ROLES:
        return refused(request, ActionRefused(_("Your role may not register problems."),
                                              code="refused_role"))
    if request.method != "POST":
        return _page(request, ProblemForm(user=request.user))
    form = ProblemForm(request.POST, request.FILES, user=request.user)
    status = 400
    if form.is_valid():
        try:
            with transaction.atomic():  # the problem and its files, or nothing
                problem = services.register_problem(acting_user=request.user,
                                                    **form.service_kwargs())
                for upload in form.cleaned_data["files"]:
                    services.add_evidence(problem, acting_user=request.user, upload=upload,
                                          name=upload.name, stage=form.cleaned_data["stage"])
        except InvalidInput as error:
            form.apply(error, TICKET_ALIASES)
        except (ActionRefused, StateConflict) as error:
            form.add_error(None, error.message)
            status = error.status_code
        else:
            detail = reverse("web:problem-detail", args=[problem.code])
            messages.success(request, _("Problem %(code)s was registered.") % {
                "code": problem.code})
            if wants_json(request):
                return JsonResponse({
                    "code": problem.code, "url": detail,
                    "evidence_url": reverse("web:problem-action",
                                            args=[problem.code, EVIDENCE_PREFIX]),
                }, status=201)
            return redirect(detail)
    return _page(request, form, status=status)


@login_required
def problem_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit the facts: the reporter before verification, supervisors while it is open."""
    problem = get_object_or_404(scoped_problems(request.user), code=code)
    try:
        workflow.ensure_allowed(problem, Action.EDIT, request.user)
    except (ActionRefused, StateConflict) as error:
        return refused(request, error)
    if request.method != "POST":
        return _page(request, ProblemEditForm(user=request.user, problem=problem),
                     problem=problem)
    form = ProblemEditForm(request.POST, user=request.user, problem=problem)
    status = 400
    if form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, _("Nothing was changed."))
            return redirect("web:problem-detail", code=problem.code)
        try:
            services.update_problem(problem, acting_user=request.user, **changes)
        except InvalidInput as error:
            form.apply(error)
        except (ActionRefused, StateConflict) as error:
            form.add_error(None, error.message)
            status = error.status_code
        else:
            messages.success(request, _("The facts were saved."))
            return redirect("web:problem-detail", code=problem.code)
    return _page(request, form, problem=problem, status=status)

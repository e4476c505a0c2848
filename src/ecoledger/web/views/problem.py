"""The problem page: every fact, the record of the work, and one form per action allowed now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoledger.audit.services import timeline
from ecoledger.ledger import services, workflow
from ecoledger.ledger.choices import Action, ExtensionStatus, UnitRole
from ecoledger.ledger.models import Measure, Problem, RectificationPlan
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, DomainError, InvalidInput, StateConflict
from ecoledger.lib.geo import distance_m
from ecoledger.web.forms import ActionForm, FollowUpForm
from ecoledger.web.views.actions import ACTIONS, ActionSpec
from ecoledger.web.views.common import error_json, scoped_problems, wants_json
from ecoledger.web.views.problem_extras import flag_photos, followup_panel
from ecoledger.web.views.timeline import describe


@dataclass
class Panel:
    """One action the user may take now, with its form (none for edit: it has its own page)."""

    action: Action
    label: str
    url: str
    spec: ActionSpec | None = None
    form: ActionForm | None = None
    open: bool = False


def _panels(request: HttpRequest, problem: Problem, bound: Panel | None) -> list[Panel]:
    panels = []
    for action in workflow.available_actions(problem, request.user):
        label = str(Action(action).label)
        if action == Action.EDIT:
            panels.append(Panel(action, label, reverse("web:problem-edit", args=[problem.code])))
            continue
        spec = ACTIONS.get(action.value)
        if spec is None:
            continue
        if bound is not None and bound.action == action:
            panels.append(bound)
            continue
        form = spec.form(problem=problem, user=request.user, prefix=action.value)
        url = reverse("web:problem-action", args=[problem.code, action.value])
        panels.append(Panel(action, label, url, spec, form))
    return panels


def _map(problem: Problem, gallery: list[tuple[Any, float | None]]) -> dict[str, Any] | None:
    regions = {region.pk: region for region in (problem.district, problem.region) if region}
    boundaries = [region.boundary for region in regions.values() if region.boundary]
    point = [problem.latitude, problem.longitude] if problem.latitude is not None else None
    if point is None and not boundaries:
        return None
    photos = [
        {"lat": item.photo_latitude, "lon": item.photo_longitude, "name": item.original_name}
        for item, _distance in gallery if item.photo_latitude is not None
    ]
    return {"point": point, "boundaries": boundaries, "photos": photos, "label": problem.code,
            "tiles": getattr(settings, "MAP_TILE_URL", ""),
            "datum": getattr(settings, "MAP_DATUM", "gcj02")}


def detail_context(request: HttpRequest, problem: Problem, bound: Panel | None = None,
                   followup_form: FollowUpForm | None = None) -> dict[str, Any]:
    user = request.user
    today = clock.today()
    plan = (RectificationPlan.objects.filter(problem=problem)
            .prefetch_related(Prefetch("measures", Measure.objects.select_related("done_by")))
            .first())
    gallery = []
    evidence = list(problem.evidence.select_related("uploaded_by", "progress_report"))
    flagged = flag_photos(user, problem, evidence)
    for item in evidence:
        distance = None
        if item.photo_latitude is not None and problem.latitude is not None:
            distance = distance_m(item.photo_longitude, item.photo_latitude,
                                  problem.longitude, problem.latitude)
        gallery.append((item, distance))
    pairs = services.related_problems(problem)
    others = {other.pk: other for other in Problem.objects.visible_to(user)
              .filter(pk__in=[pk for _link, pk in pairs]).select_related("region")}
    units = list(problem.units.all())
    panels = _panels(request, problem, bound)
    return {
        "problem": problem,
        "today": today,
        "light": problem.traffic_light(today),
        "overdue_days": problem.overdue_days(today),
        "units": [(label, [unit for unit in units if unit.role == role])
                  for role, label in UnitRole.choices],
        "tickets": problem.tickets.all(),
        "plan": plan,
        "reports": problem.progress_reports.select_related("author").prefetch_related("evidence"),
        "gallery": gallery,
        "acceptances": problem.acceptances.select_related("submitted_by", "reviewer"),
        "contests": problem.contests.select_related("contested_by", "decided_by"),
        "extensions": problem.extensions.select_related("requested_by", "decided_by"),
        "pending_extension": problem.extensions.filter(status=ExtensionStatus.PENDING).first(),
        "related": [(link, others[pk]) for link, pk in pairs if pk in others],
        "entries": describe(timeline(problem), user),
        "panels": panels,
        "can_mark_measures": any(p.action == Action.EDIT_PLAN for p in panels),
        "map": _map(problem, gallery),
        "flagged_photos": flagged,
        **followup_panel(user, problem, followup_form),
        "nav": "ledger",
    }


def render_detail(request: HttpRequest, problem: Problem, *, bound: Panel | None = None,
                  followup_form: FollowUpForm | None = None, status: int = 200) -> HttpResponse:
    context = detail_context(request, problem, bound, followup_form)
    return render(request, "web/problem_detail.html", context, status=status)


@login_required
def problem_detail(request: HttpRequest, code: str) -> HttpResponse:
    problem = get_object_or_404(scoped_problems(request.user), code=code)
    return render_detail(request, problem)


def _refused(request: HttpRequest, problem: Problem, error: DomainError) -> HttpResponse:
    """Say why at the top of the page; nothing was changed."""
    if wants_json(request):
        return error_json(error.message, code=error.code, fields=error.fields,
                          status=error.status_code)
    messages.error(request, error.message)
    fresh = scoped_problems(request.user).get(pk=problem.pk)
    return render_detail(request, fresh, status=error.status_code)


@login_required
@require_POST
def problem_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Take one workflow action through its service; back to the problem page on success (PRG)."""
    problem = get_object_or_404(scoped_problems(request.user), code=code)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404(action)
    try:
        # Refuse before reading the input, so a refusal never depends on what was sent.
        workflow.ensure_allowed(problem, spec.action, request.user)
    except (ActionRefused, StateConflict) as error:
        return _refused(request, problem, error)
    form = spec.form(request.POST, request.FILES, problem=problem, user=request.user,
                     prefix=action)
    if form.is_valid():
        try:
            outcome = spec.perform(problem, request.user, form)
        except InvalidInput as error:
            form.apply(error, spec.aliases)
        except (ActionRefused, StateConflict) as error:
            return _refused(request, problem, error)
        else:
            # Also on the JSON path: the uploader goes on to the problem page, which shows it.
            messages.success(request, outcome.message)
            if wants_json(request):
                return JsonResponse({"message": outcome.message, **outcome.data}, status=201)
            return redirect("web:problem-detail", code=problem.code)
    if wants_json(request):
        return error_json(_("Please correct the marked fields."), fields=form.error_map())
    fresh = scoped_problems(request.user).get(pk=problem.pk)
    url = reverse("web:problem-action", args=[problem.code, action])
    bound = Panel(spec.action, str(Action(spec.action).label), url, spec, form, open=True)
    return render_detail(request, fresh, bound=bound, status=400)


@login_required
@require_POST
def measure_done(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Mark one measure of the plan done (or not done again), in place."""
    problem = get_object_or_404(scoped_problems(request.user), code=code)
    measure = get_object_or_404(
        Measure.objects.filter(plan__problem=problem).select_related("plan__problem"), pk=pk)
    done = request.POST.get("done", "1") != "0"
    try:
        workflow.ensure_allowed(problem, Action.EDIT_PLAN, request.user)
        services.set_measure_done(measure, acting_user=request.user, done=done)
    except (ActionRefused, StateConflict, InvalidInput) as error:
        return _refused(request, problem, error)
    messages.success(request, _("Marked done: %(measure)s") % {"measure": measure} if done
                     else _("Marked not done: %(measure)s") % {"measure": measure})
    return redirect("web:problem-detail", code=problem.code)

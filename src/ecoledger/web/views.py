"""Pages of the workspace. Reads go through the same scoped querysets and selectors as the API."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ecoledger.audit.services import timeline
from ecoledger.ledger import workflow
from ecoledger.ledger.filters import ProblemFilter
from ecoledger.ledger.models import Evidence, Problem, ProblemUnit, RectificationPlan
from ecoledger.ledger.services import related_problems
from ecoledger.lib import clock
from ecoledger.lib.pagination import CappedPaginator
from ecoledger.web.work import work_queues


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _visible(request: HttpRequest):  # type: ignore[no-untyped-def]
    units = ProblemUnit.objects.select_related("region", "department")
    return (
        Problem.objects.visible_to(request.user)
        .select_related("region", "district", "category")
        .prefetch_related(Prefetch("units", queryset=units))
    )


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """Every queue of work that needs the user, each with its first problems."""
    queues = [
        (queue, selected.select_related("region").order_by("deadline", "reported_at")[:20],
         selected.count())
        for queue, selected in work_queues(request.user)
    ]
    return render(request, "web/my_work.html",
                  {"queues": queues, "today": clock.today(), "nav": "my-work"})


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    ordering = request.GET.get("ordering", "-reported_at")
    if ordering.lstrip("-") not in {"deadline", "reported_at", "code", "updated_at"}:
        ordering = "-reported_at"
    filterset = ProblemFilter(request.GET, queryset=_visible(request))
    queryset = filterset.qs.order_by(ordering, "pk") if filterset.is_valid() else _visible(
        request
    ).none()
    paginator = CappedPaginator(queryset, 25)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/problem_list.html",
        {
            "filterset": filterset,
            "page": page,
            "today": clock.today(),
            "query": query.urlencode(),
            "ordering": ordering,
        },
    )


@login_required
def problem_detail(request: HttpRequest, code: str) -> HttpResponse:
    problem = get_object_or_404(_visible(request), code=code)
    visible_ids = Problem.objects.visible_to(request.user)
    pairs = related_problems(problem)
    related = visible_ids.filter(pk__in=[pk for _, pk in pairs])
    return render(
        request,
        "web/problem_detail.html",
        {
            "problem": problem,
            "today": clock.today(),
            "light": problem.traffic_light(clock.today()),
            "plan": RectificationPlan.objects.filter(problem=problem)
            .prefetch_related("measures")
            .first(),
            "events": timeline(problem),
            "actions": workflow.available_actions(problem, request.user),
            "related": related,
        },
    )


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=not evidence.is_image,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )

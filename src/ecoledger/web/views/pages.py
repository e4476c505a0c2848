"""Small pages: health, My work (待办) and evidence files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ecoledger.ledger import workflow
from ecoledger.ledger.models import Evidence
from ecoledger.lib import clock
from ecoledger.web.templatetags.workspace import forget_counts
from ecoledger.web.work import work_queues

# Where each queue continues in the ledger list (the nearest filter that contains it).
QUEUE_FILTERS = {
    "to_verify": "status=reported", "to_arbitrate": "status=contested",
    "to_accept": "status=pending_acceptance", "to_start": "status=assigned",
    "overdue": "light=red", "rectifying": "status=rectifying",
    "reported_by_me": "status=reported",
}


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """Every queue of work that needs the user, each with its first problems."""
    forget_counts(request.user.pk)  # the navigation counts afresh on this page
    today = clock.today()
    queues = []
    for queue, selected in work_queues(request.user):
        first = list(selected.select_related("region").order_by("deadline", "reported_at")[:20])
        rows = [(problem, problem.traffic_light(today), problem.overdue_days(today))
                for problem in first]
        queues.append((queue, rows, selected.count(), QUEUE_FILTERS.get(queue.key, "")))
    return render(request, "web/my_work.html",
                  {"queues": queues, "today": today, "nav": "my-work",
                   "can_register": request.user.role in workflow.REGISTER_ROLES})


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=not evidence.is_image,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )

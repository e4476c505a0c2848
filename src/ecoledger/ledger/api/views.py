"""Views of the ledger API. Thin: validate the input, call the service, shape the output."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from ecoledger.audit.services import timeline
from ecoledger.ledger import selectors, services, workflow
from ecoledger.ledger.api import serializers as s
from ecoledger.ledger.choices import Action
from ecoledger.ledger.filters import ProblemFilter
from ecoledger.ledger.models import Evidence, Measure, Problem, ProblemUnit
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.reports.ledger_export import export_ledger

Service = Callable[[Problem, Any, Serializer], Any]


def _run_action(
    view: ProblemViewSet,
    request: Request,
    serializer_class: type[Serializer],
    call: Service,
    action_name: Action,
) -> Response:
    problem = view.get_object()
    # Refuse what the user may not do before looking at the input, so a refusal
    # never depends on what was sent.
    workflow.ensure_allowed(problem, action_name, request.user)
    serializer = serializer_class(data=request.data, context=view.get_serializer_context())
    serializer.is_valid(raise_exception=True)
    call(problem, request.user, serializer)
    fresh = view.get_queryset().get(pk=problem.pk)
    return Response(s.ProblemDetailSerializer(fresh, context=view.get_serializer_context()).data)


def workflow_action(
    url_path: str,
    action_name: Action,
    serializer_class: type[Serializer],
    call: Service,
    summary: str,
) -> Callable[..., Response]:
    """One POST endpoint per workflow action, all shaped the same way."""

    @extend_schema(
        request=serializer_class, responses=s.ProblemDetailSerializer, summary=summary
    )
    def endpoint(self: ProblemViewSet, request: Request, code: str | None = None) -> Response:
        return _run_action(self, request, serializer_class, call, action_name)

    endpoint.__name__ = url_path.replace("-", "_")
    return action(detail=True, methods=["post"], url_path=url_path)(endpoint)


def _units_or_none(data: Serializer) -> Any:
    return data.units()  # type: ignore[attr-defined]


class ProblemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The ledger: every problem the user may see, and one endpoint per workflow action."""

    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9-]+"
    filterset_class = ProblemFilter
    ordering_fields = ["deadline", "reported_at", "code", "updated_at", "severity", "status"]
    ordering = ["-reported_at"]

    def get_queryset(self) -> QuerySet[Problem]:
        units = ProblemUnit.objects.select_related("region", "department")
        queryset = (
            Problem.objects.visible_to(self.request.user)
            .select_related("region", "district", "category")
            .prefetch_related(Prefetch("units", queryset=units))
        )
        if self.action == "retrieve" or self.action in WORKFLOW_ACTIONS:
            queryset = queryset.prefetch_related(
                "tickets", "progress_reports__author", "evidence__uploaded_by",
                "acceptances__submitted_by", "acceptances__reviewer", "contests__contested_by",
                "contests__decided_by", "extensions__requested_by", "extensions__decided_by",
            )
        return queryset

    def get_serializer_class(self) -> type[Serializer]:
        if self.action == "retrieve":
            return s.ProblemDetailSerializer
        if self.action == "create":
            return s.ProblemCreateSerializer
        if self.action == "partial_update":
            return s.ProblemUpdateSerializer
        return s.ProblemListSerializer

    @extend_schema(request=s.ProblemCreateSerializer, responses={201: s.ProblemDetailSerializer})
    def create(self, request: Request) -> Response:
        """Register a problem (status: reported)."""
        serializer = s.ProblemCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        problem = services.register_problem(acting_user=request.user, **serializer.service_kwargs())
        self.kwargs["code"] = problem.code
        fresh = self.get_queryset().get(pk=problem.pk)
        return Response(
            s.ProblemDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.ProblemUpdateSerializer, responses=s.ProblemDetailSerializer)
    def partial_update(self, request: Request, code: str | None = None) -> Response:
        """Edit facts (supervisors; the reporter while the problem is still reported)."""
        return _run_action(
            self, request, s.ProblemUpdateSerializer,
            lambda p, u, d: services.update_problem(p, acting_user=u, **d.validated_data),
            Action.EDIT,
        )

    verify = workflow_action(
        "verify", Action.VERIFY, s.VerifyInputSerializer,
        lambda p, u, d: services.verify_problem(
            p, acting_user=u, units=_units_or_none(d), deadline=d.validated_data.get("deadline"),
            severity=d.validated_data.get("severity"), category=d.validated_data.get("category"),
            responsible_person=d.validated_data.get("responsible_person"),
            note=d.validated_data.get("note", ""),
        ),
        "Verify a reported problem and assign it",
    )
    dismiss = workflow_action(
        "dismiss", Action.DISMISS, s.ReasonInputSerializer,
        lambda p, u, d: services.dismiss_problem(p, acting_user=u, **d.validated_data),
        "Dismiss a reported problem",
    )
    contest = workflow_action(
        "contest", Action.CONTEST, s.ReasonInputSerializer,
        lambda p, u, d: services.contest_problem(p, acting_user=u, **d.validated_data),
        "Contest an assignment (退单)",
    )
    arbitrate = workflow_action(
        "arbitrate", Action.ARBITRATE, s.ArbitrateInputSerializer,
        lambda p, u, d: services.arbitrate_contest(
            p, acting_user=u, decision=d.validated_data["decision"],
            reason=d.validated_data["reason"], units=_units_or_none(d),
            deadline=d.validated_data.get("deadline"),
        ),
        "Arbitrate a contest: uphold or reassign",
    )
    start = workflow_action(
        "start", Action.START, s.EmptyInputSerializer,
        lambda p, u, d: services.start_rectification(p, acting_user=u),
        "Start rectification",
    )
    plan = workflow_action(
        "plan", Action.EDIT_PLAN, s.PlanInputSerializer,
        lambda p, u, d: services.save_plan(
            p, acting_user=u, goal=d.validated_data["goal"],
            summary=d.validated_data["summary"], measures=d.measure_inputs(),
        ),
        "Write the rectification plan and its measures",
    )
    progress = workflow_action(
        "progress", Action.REPORT_PROGRESS, s.ProgressInputSerializer,
        lambda p, u, d: services.report_progress(p, acting_user=u, **d.validated_data),
        "Report progress",
    )
    submit = workflow_action(
        "submit", Action.SUBMIT, s.SubmitInputSerializer,
        lambda p, u, d: services.submit_for_acceptance(p, acting_user=u, **d.validated_data),
        "Submit for acceptance",
    )
    reject = workflow_action(
        "reject", Action.REJECT, s.RejectInputSerializer,
        lambda p, u, d: services.reject_problem(p, acting_user=u, **d.validated_data),
        "Reject the submission",
    )
    accept = workflow_action(
        "accept", Action.ACCEPT, s.AcceptInputSerializer,
        lambda p, u, d: services.accept_problem(p, acting_user=u, **d.validated_data),
        "Accept and close (not by the submitter)",
    )
    rebound = workflow_action(
        "rebound", Action.REBOUND, s.ReasonDeadlineInputSerializer,
        lambda p, u, d: services.rebound_problem(p, acting_user=u, **d.validated_data),
        "Reopen a closed problem that came back",
    )
    request_extension = workflow_action(
        "request-extension", Action.REQUEST_EXTENSION, s.ReasonDeadlineInputSerializer,
        lambda p, u, d: services.request_extension(p, acting_user=u, **d.validated_data),
        "Request a deadline extension",
    )
    decide_extension = workflow_action(
        "decide-extension", Action.DECIDE_EXTENSION, s.DecideExtensionInputSerializer,
        lambda p, u, d: services.decide_extension(p, acting_user=u, **d.validated_data),
        "Approve or refuse the pending extension",
    )
    extend_deadline = workflow_action(
        "extend-deadline", Action.EXTEND_DEADLINE, s.ReasonDeadlineInputSerializer,
        lambda p, u, d: services.extend_deadline(p, acting_user=u, **d.validated_data),
        "Extend the deadline directly",
    )
    tickets = workflow_action(
        "tickets", Action.ADD_TICKET, s.TicketInputSerializer,
        lambda p, u, d: services.add_ticket(p, acting_user=u, ticket=d.to_ticket()),
        "Add a source ticket",
    )
    links = workflow_action(
        "links", Action.LINK, s.LinkInputSerializer,
        lambda p, u, d: services.link_problems(
            p, _related(u, d.validated_data["other"]), acting_user=u,
            kind=d.validated_data["kind"], note=d.validated_data["note"],
        ),
        "Link a related problem",
    )

    @extend_schema(request=s.EvidenceInputSerializer, responses={201: s.EvidenceSerializer})
    @action(detail=True, methods=["post"], url_path="evidence")
    def evidence(self, request: Request, code: str | None = None) -> Response:
        """Upload an evidence file (multipart)."""
        problem = self.get_object()
        workflow.ensure_allowed(problem, Action.ADD_EVIDENCE, request.user)
        data = s.EvidenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        report = None
        if data.validated_data.get("progress_report"):
            report = problem.progress_reports.filter(
                pk=data.validated_data["progress_report"]
            ).first()
            if report is None:
                raise InvalidInput.field("progress_report", _("No such report on this problem."))
        created = services.add_evidence(
            problem, acting_user=request.user, upload=upload, name=upload.name,
            stage=data.validated_data["stage"],
            description=data.validated_data.get("description", ""), progress_report=report,
        )
        return Response(s.EvidenceSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, code: str | None = None) -> Response:
        """The problem's history from the audit chain."""
        problem = self.get_object()
        events = s.EventSerializer(timeline(problem), many=True).data
        return Response(_without_hidden_links(events, request.user))

    @extend_schema(responses={200: OpenApiResponse(description="CSV file")})
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> StreamingHttpResponse:
        """Exactly the filtered list the user may see, as CSV (UTF-8 with BOM for Excel)."""
        queryset = self.filter_queryset(self.get_queryset())
        response = StreamingHttpResponse(_csv_rows(queryset), content_type="text/csv")
        stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="ledger-{stamp}.csv"'
        return response

    @extend_schema(
        operation_id="v1_problems_export_xlsx",
        parameters=[OpenApiParameter("sheets", str, enum=["district"],
                                     description="One sheet per district.")],
        responses={200: OpenApiResponse(description="Excel workbook (整改台账)")},
    )
    @action(detail=False, methods=["get"], url_path="export.xlsx", url_name="export-xlsx")
    def export_xlsx(self, request: Request) -> FileResponse:
        """Exactly the filtered list the user may see, as the Excel ledger (kept as a report)."""
        queryset = self.filter_queryset(self.get_queryset())
        report = export_ledger(
            queryset, acting_user=request.user, query=request.GET.urlencode(),
            by_district=request.GET.get("sheets") == "district",
        )
        return FileResponse(report.file.open("rb"), as_attachment=True,
                            filename=report.file_name, content_type=report.content_type)


def _without_hidden_links(events: list[dict[str, Any]], user: Any) -> list[dict[str, Any]]:
    """A link names the other problem: hide its code from a reader who may not see it."""
    linked = [e for e in events if e["action"] == "ledger.problem.linked"]
    codes = {str(e["changes"].get("linked", [None, ""])[1]).split(" ")[0] for e in linked}
    visible = set(Problem.objects.visible_to(user).filter(code__in=codes).values_list(
        "code", flat=True))
    for event in linked:
        named = str(event["changes"].get("linked", [None, ""])[1])
        if named.split(" ")[0] not in visible:
            event["changes"] = {"linked": [None, "—"]}
            event["target_repr"] = "—"
    return events


WORKFLOW_ACTIONS = {
    "verify", "dismiss", "contest", "arbitrate", "start", "plan", "progress", "submit",
    "reject", "accept", "rebound", "request_extension", "decide_extension", "extend_deadline",
    "tickets", "links", "partial_update", "evidence", "timeline",
}


def _related(user: Any, code: str) -> Problem:
    found = Problem.objects.visible_to(user).filter(code=code).first()
    if found is None:
        raise InvalidInput.field("other", _("No problem %(code)s in your scope.") % {"code": code})
    return found


class _Echo:
    def write(self, value: str) -> str:
        return value


EXPORT_COLUMNS: list[tuple[str, Callable[[Problem], Any]]] = [
    ("code", lambda p: p.code),
    ("title", lambda p: p.title),
    ("domain", lambda p: p.get_domain_display()),
    ("category", lambda p: p.category.name if p.category else ""),
    ("origin", lambda p: p.get_origin_display()),
    ("severity", lambda p: p.get_severity_display()),
    ("district", lambda p: p.district.name if p.district else ""),
    ("region", lambda p: p.region.name),
    ("status", lambda p: p.get_status_display()),
    ("lead_unit", lambda p: next((str(u.unit) for u in p.units.all() if u.role == "lead"), "")),
    ("deadline", lambda p: p.deadline or ""),
    ("traffic_light", lambda p: p.traffic_light(clock.today()) or ""),
    ("reported_at", lambda p: p.reported_at.isoformat()),
    ("closed_at", lambda p: p.closed_at.isoformat() if p.closed_at else ""),
    ("rebound_count", lambda p: p.rebound_count),
]


def _csv_rows(queryset: QuerySet[Problem]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([name for name, _ in EXPORT_COLUMNS])
    for problem in queryset.iterator(chunk_size=1000):
        yield writer.writerow([value(problem) for _, value in EXPORT_COLUMNS])


class EvidenceViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Evidence metadata and download, through the scope of its problem."""

    serializer_class = s.EvidenceSerializer

    def get_queryset(self) -> QuerySet[Evidence]:
        return Evidence.objects.visible_to(self.request.user).select_related("uploaded_by")

    @extend_schema(responses={200: OpenApiResponse(description="the file")})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        evidence = self.get_object()
        return FileResponse(
            evidence.file.open("rb"),
            as_attachment=not evidence.is_image,
            filename=evidence.original_name,
            content_type=evidence.content_type,
        )


class MeasureViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.MeasureSerializer

    def get_queryset(self) -> QuerySet[Measure]:
        return Measure.objects.visible_to(self.request.user).select_related(
            "plan__problem", "plan__source"
        )

    @extend_schema(request=s.MeasureDoneInputSerializer, responses=s.MeasureSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str | None = None) -> Response:
        """Mark a measure done (or not done again)."""
        measure = self.get_object()
        data = s.MeasureDoneInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_measure_done(measure, acting_user=request.user, **data.validated_data)
        return Response(s.MeasureSerializer(measure).data)


class DashboardView(APIView):
    """Figures for the user's scope: by status, district, domain and origin; lights; overdue."""

    @extend_schema(responses={200: OpenApiResponse(description="dashboard figures")})
    def get(self, request: Request) -> Response:
        return Response(selectors.dashboard(request.user, clock.today()))

"""What the ledger said at a past moment: a problem's fields, and the counts by status.

``at`` is a date (``2026-11-30``: the end of that day) or a date-time (default:
now). Both read through the user's scope: a problem outside it is not found.
"""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecoledger.ledger import history
from ecoledger.ledger.models import Problem
from ecoledger.lib import clock

AT = OpenApiParameter("at", OpenApiTypes.STR,
                      description="YYYY-MM-DD or an ISO date-time (default: now)")


def _moment(request: Request) -> datetime:
    raw = request.query_params.get("at")
    return history.parse_moment(raw) if raw else clock.now()


class ProblemAsOfView(APIView):
    """A problem's fields as the audit chain held them at ``at``."""

    @extend_schema(parameters=[AT],
                   responses={200: OpenApiResponse(description="the fields then")})
    def get(self, request: Request, code: str) -> Response:
        problem = get_object_or_404(Problem.objects.visible_to(request.user), code=code)
        then = history.problem_as_of(problem, _moment(request))
        return Response({
            "code": problem.code,
            "at": then.at.isoformat(),
            "existed": then.existed,
            "fields": then.fields,
            "names": then.names,
            "events": then.events,
            "last_event_at": (timezone.localtime(then.last_event_at).isoformat()
                              if then.last_event_at else None),
            "changed_since": then.changed_since,
        })


class LedgerAsOfView(APIView):
    """Problems per status at ``at``, among those the user may see now."""

    @extend_schema(parameters=[AT],
                   responses={200: OpenApiResponse(description="counts by status then")})
    def get(self, request: Request) -> Response:
        at = _moment(request)
        counts = history.counts_as_of(request.user, at)
        return Response({"at": at.isoformat(), "by_status": counts,
                         "total": sum(counts.values())})

"""What the page views share: the scoped problem queryset and how refusals and errors answer."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from ecoledger.ledger.models import Problem, ProblemUnit
from ecoledger.lib.errors import DomainError


def scoped_problems(user: Any) -> QuerySet[Problem]:
    """The problems the user may see, with what every ledger page shows of them."""
    units = ProblemUnit.objects.select_related("region", "department")
    return (
        Problem.objects.visible_to(user)
        .select_related("region", "district", "category")
        .prefetch_related(Prefetch("units", queryset=units))
    )


def wants_json(request: HttpRequest) -> bool:
    """A script (the uploader) asked for JSON rather than a page."""
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def error_json(message: str, *, code: str = "invalid", fields: dict[str, list[str]] | None = None,
               status: int = 400) -> JsonResponse:
    """The API's error shape, so that one script reads both."""
    return JsonResponse({"code": code, "message": message, "fields": fields or {}}, status=status)


def refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    """A refusal (403) or a state conflict (409) on a page with no problem to show."""
    if wants_json(request):
        return error_json(error.message, code=error.code, status=error.status_code)
    return render(request, "web/ledger/refused.html", {"reason": error.message},
                  status=error.status_code)

"""Pages that read results: the ranking, a unit's scorecard, and the rows behind one value.

Published results by default; with ``?version=`` a version's live preview
(supervisors and leaders), computed on the spot and stored nowhere. The
selectors refuse what the reader may not read; the pages only show it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ecoledger.assessment import page_data, selectors
from ecoledger.assessment.choices import UnitKind
from ecoledger.assessment.views.common import error_text, previewed_version, unit_kind
from ecoledger.lib.errors import ActionRefused, InvalidInput
from ecoledger.web.views.common import refused

ROWS_PER_PAGE = 100


def _year(request: HttpRequest, years: list[int]) -> int | None:
    """``?year=``, else the latest year with a publication."""
    text = request.GET.get("year", "")
    if text.isdigit():
        return int(text)
    return years[0] if years else None


def _version_query(table: page_data.RankingTable | page_data.Card | None) -> str:
    return f"?version={table.version.pk}" if table is not None and table.version else ""


def _chart(table: page_data.RankingTable | None) -> list[dict[str, Any]]:
    """The bars: each ranked unit's total, best first, with its scorecard when readable."""
    if table is None:
        return []
    query = _version_query(table)
    return [{"name": row.name, "total": float(row.total),
             "url": reverse("assessment:scorecard", args=[table.year, table.kind, row.unit_id])
             + query if row.readable else ""}
            for row in table.rows if row.total is not None]


@login_required
@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    """The ranking of districts or departments, as published or in a version's preview."""
    user = request.user
    kind = unit_kind(request.GET.get("kind", UnitKind.DISTRICT))
    try:
        years = selectors.published_years(user)
    except ActionRefused as error:
        return refused(request, error)
    version = previewed_version(request)
    if version is None and not years and "year" not in request.GET:
        # Nothing published yet: open on the newest scheme's live preview, if there is one.
        versions = page_data.preview_versions(user)
        if versions:
            query = urlencode({"version": versions[0].pk, "kind": kind})
            return redirect(f"{request.path}?{query}")
    table, year, trouble = None, None, ""
    if version is not None:
        year = version.scheme.year
        try:
            table = page_data.preview_table(user, page_data.preview(user, version), kind=kind)
        except ActionRefused as error:
            return refused(request, error)
        except InvalidInput as error:
            trouble = error_text(error)
    else:
        year = _year(request, years)
        if year is not None:
            table = page_data.published_table(user, year=year, kind=kind)
    return render(request, "assessment/ranking.html", {
        "nav": "assessment", "kind": kind, "kinds": UnitKind.choices, "years": years,
        "year": year, "version": version, "versions": page_data.preview_versions(user),
        "table": table, "trouble": trouble,
        "chart": _chart(table),
        "labels": {"total": _("Total score")},
    })


@login_required
@require_GET
def scorecard(request: HttpRequest, year: int, kind: str, unit_id: int) -> HttpResponse:
    """One unit's scorecard, indicator by indicator, beside last year's."""
    user = request.user
    kind = unit_kind(kind)
    version = previewed_version(request, year)
    try:
        if version is None:
            card = page_data.published_card(user, year=year, kind=kind, unit_id=unit_id)
        else:
            card = page_data.preview_card(user, page_data.preview(user, version), kind=kind,
                                          unit_id=unit_id)
    except (ActionRefused, InvalidInput) as error:
        return refused(request, error)
    return render(request, "assessment/scorecard.html", {
        "nav": "assessment", "card": card, "version_query": _version_query(card)})


@login_required
@require_GET
def drilldown(request: HttpRequest, year: int, kind: str, unit_id: int,
              code: str) -> HttpResponse:
    """The problems, complaints, follow-ups, days or stations behind one value."""
    user = request.user
    kind = unit_kind(kind)
    version = previewed_version(request, year)
    try:
        found = selectors.drilldown(user, year=year, kind=kind, unit_id=unit_id, code=code,
                                    version=version)
    except (ActionRefused, InvalidInput) as error:
        return refused(request, error)
    page = Paginator(found.drilldown.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assessment/drilldown.html", {
        "nav": "assessment", "year": year, "kind": kind, "unit_id": unit_id,
        "version": version, "page": page,
        "data": page_data.drilldown_page(user, found, list(page)),
        "version_query": f"?version={version.pk}" if version else "",
    })

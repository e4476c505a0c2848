"""The ledger list: the API's filters as a compact form, sortable columns, capped pagination."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from ecoledger.ledger import workflow
from ecoledger.ledger.choices import TrafficLight
from ecoledger.ledger.filters import ProblemFilter
from ecoledger.ledger.models import Problem
from ecoledger.lib import clock
from ecoledger.lib.pagination import CappedPaginator
from ecoledger.org.models import Region
from ecoledger.web.forms import DateInput, filter_regions_for
from ecoledger.web.views.common import is_htmx, scoped_problems

PAGE_SIZE = 25
SORTABLE = {"code": _("Code"), "deadline": _("Deadline"), "reported_at": _("Reported")}
ORDERINGS = {*SORTABLE, "updated_at"}
DEFAULT_ORDERING = "-reported_at"
FLAGS = ("overdue", "rebounded")  # the dashboard links to them as flag=true
DATE_RANGES = ("deadline_from", "deadline_to", "reported_from", "reported_to", "closed_from",
               "closed_to")
LABELS = {
    "q": _("Search"), "region": _("Region (with the regions below it)"),
    "department": _("Department"), "light": _("Traffic light"), "status": _("Status"),
    "domain": _("Domain"), "origin": _("Origin"), "overdue": _("Overdue"),
    "rebounded": _("Rebounded"),
    **{name: _("From") if name.endswith("_from") else _("To") for name in DATE_RANGES},
}
# Under "More filters", which opens when any of them is set: a filter never applies unseen.
MORE_FILTERS = ("status", "domain", "origin", *DATE_RANGES, *FLAGS)


class LedgerFilter(ProblemFilter):
    """The API's filters (the export applies the same ones), with the page's widgets.

    The region select offers only the regions the user may filter by (their own, and
    those of any problem they see); a region outside them is an invalid choice, never a
    way round the scope.
    """

    def __init__(self, data: QueryDict, queryset: QuerySet[Problem], *, user: Any) -> None:
        super().__init__(data, queryset=queryset)
        fields = self.form.fields
        # Widgets and empty labels are set on this form's own fields: a filter builds its
        # field once and keeps it, so settings made on the filters would be lost whenever
        # another user of the filter set (the API schema, say) had built the fields first.
        for name in ("status", "domain", "origin"):
            fields[name].widget = forms.CheckboxSelectMultiple(choices=fields[name].choices)
        for name in DATE_RANGES:
            fields[name].widget = DateInput()
        for name in FLAGS:
            fields[name].widget = forms.NullBooleanSelect()
            fields[name].widget.choices = [("unknown", _("All")), ("true", _("Yes")),
                                           ("false", _("No"))]
        for name in ("region", "department", "light"):
            fields[name].empty_label = _("All")
        fields["light"].choices = TrafficLight.choices  # rebuilt with the empty label above
        fields["region"].queryset = filter_regions_for(user)
        fields["region"].label_from_instance = _indented
        for name, label in LABELS.items():
            fields[name].label = label
        fields["q"].widget.input_type = "search"
        fields["q"].widget.attrs["placeholder"] = _("Code, title, description or address")


def _indented(region: Region) -> str:
    return f"{'— ' * region.path.strip('/').count('/')}{region.name}"


def _columns(query: QueryDict, ordering: str) -> dict[str, dict[str, Any]]:
    """Each sortable column's link (toggling the direction) and its aria-sort state."""
    columns = {}
    for key, label in SORTABLE.items():
        current = ordering.lstrip("-") == key
        descending = ordering.startswith("-")
        params = query.copy()
        params["ordering"] = key if current and descending else f"-{key}" if current else key
        state = ("descending" if descending else "ascending") if current else None
        columns[key] = {"label": label, "href": f"?{params.urlencode()}", "sort": state}
    return columns


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    ordering = request.GET.get("ordering", DEFAULT_ORDERING)
    if ordering.lstrip("-") not in ORDERINGS:
        ordering = DEFAULT_ORDERING
    visible = scoped_problems(request.user)
    filterset = LedgerFilter(request.GET, visible, user=request.user)
    valid = filterset.is_valid()
    queryset = filterset.qs.order_by(ordering, "pk") if valid else visible.none()
    paginator = CappedPaginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    cap = settings.LIST_COUNT_CAP
    count = paginator.count if paginator.count_is_exact else f"{cap}+"
    without_ordering = query.copy()
    without_ordering.pop("ordering", None)
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
        "rows": [(problem, problem.traffic_light(clock.today())) for problem in page],
        "count": count,
        "query": query.urlencode(),
        "export_url": f"{reverse('problem-export')}?{query.urlencode()}",
        "columns": _columns(without_ordering, ordering),
        "ordering": ordering,
        "more_open": any(request.GET.get(name, "unknown") not in ("", "unknown")
                         for name in MORE_FILTERS),
        "can_register": request.user.role in workflow.REGISTER_ROLES,
        "nav": "ledger",
    }
    partial = is_htmx(request) and not request.headers.get("HX-History-Restore-Request")
    template = "web/ledger/_results.html" if partial else "web/problem_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response

""""What did the ledger say on day X": a problem's fields then, and the counts by status then.

Both are replayed from the audit chain (``ledger.history``) and read through
the user's scope: a problem outside it is not found, counts cover only the
problems the user may see.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ecoledger.ledger import history
from ecoledger.ledger.choices import Domain, Origin, Severity, Status
from ecoledger.ledger.models import Problem
from ecoledger.lib import clock
from ecoledger.lib.errors import InvalidInput
from ecoledger.web.views.common import refused

CHOICES: dict[str, Any] = {"status": Status, "domain": Domain, "origin": Origin,
                           "severity": Severity}


def _label(name: str) -> str:
    if name == history.UNITS:
        return _("units")
    try:
        return str(Problem._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _shown(name: str, value: Any, names: dict[str, str]) -> str:
    if name in names:
        return names[name]
    if value is None or value == "":
        return "—"
    if name in CHOICES:
        try:
            return str(CHOICES[name](value).label)
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    moment = parse_datetime(str(value)) if name.endswith("_at") else None
    if moment is not None:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _moment(request: HttpRequest) -> Any:
    raw = request.GET.get("at") or clock.today().isoformat()
    return history.parse_moment(raw), raw


@login_required
@require_GET
def problem_as_of(request: HttpRequest, code: str) -> HttpResponse:
    problem = get_object_or_404(Problem.objects.visible_to(request.user), code=code)
    try:
        at, raw = _moment(request)
    except InvalidInput as error:
        return refused(request, error)
    then = history.problem_as_of(problem, at)
    rows = [(_label(name), _shown(name, value, then.names), name in then.changed_since)
            for name, value in sorted(then.fields.items(), key=lambda item: item[0])]
    return render(request, "reports/report_problem_as_of.html", {
        "nav": "ledger", "problem": problem, "then": then, "rows": rows, "at_input": raw})


@login_required
@require_GET
def ledger_as_of(request: HttpRequest) -> HttpResponse:
    try:
        at, raw = _moment(request)
    except InvalidInput as error:
        return refused(request, error)
    then = history.counts_as_of(request.user, at)
    now = history.counts_as_of(request.user, clock.now())
    rows = [(label, then[value], now[value]) for value, label in Status.choices]
    return render(request, "reports/report_ledger_as_of.html", {
        "nav": "ledger", "rows": rows, "at": at, "at_input": raw,
        "total_then": sum(then.values()), "total_now": sum(now.values())})

"""The dashboard: the landing page after login, and the data its map draws."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecoledger.ledger import selectors
from ecoledger.ledger.choices import Status
from ecoledger.lib import clock


@login_required
def home(request: HttpRequest) -> HttpResponse:
    figures = selectors.dashboard(request.user, clock.today())
    statuses = [(status, label, figures["by_status"][status]) for status, label in Status.choices]
    return render(request, "web/home.html",
                  {"figures": figures, "statuses": statuses, "nav": "home"})

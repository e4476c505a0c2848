"""Filing and tracking a complaint, without an account; made for a phone's screen."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ecoledger.intake import services, tracking
from ecoledger.intake.choices import Channel
from ecoledger.intake.forms import FILING_ALIASES, ComplaintForm, TrackForm
from ecoledger.intake.models import Complaint
from ecoledger.intake.privacy import contact_shown_to
from ecoledger.lib.errors import ActionRefused, InvalidInput
from ecoledger.org.choices import RegionLevel
from ecoledger.org.models import Region


def client_address(request: HttpRequest) -> str:
    """The connecting address; a proxy's X-Forwarded-For is not trusted (anyone can send it)."""
    return request.META.get("REMOTE_ADDR", "")


def _picker() -> dict[str, Any]:
    """The map picker opens on the city, drawn in the tiles' datum like the register page."""
    cities = Region.objects.filter(level=RegionLevel.CITY)
    regions = [{"id": r.pk, "name": r.name, "lat": r.latitude, "lon": r.longitude,
                "boundary": r.boundary} for r in cities
               if r.latitude is not None or r.boundary]
    return {"regions": regions, "tiles": settings.MAP_TILE_URL, "datum": settings.MAP_DATUM}


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The public complaint form; a refusal (limits, bad photo) is said next to the form."""
    form = ComplaintForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            sender = services.Sender(client_address(request), Channel.WEB)
            try:
                complaint = services.file_complaint(sender=sender, **form.service_kwargs())
            except InvalidInput as error:
                form.apply(error, FILING_ALIASES)
            except ActionRefused as error:
                form.add_error(None, error.message)
                status = 429
            else:
                messages.success(request, _(
                    "Thank you. Your complaint was received. Keep its tracking code: %(code)s"
                ) % {"code": complaint.tracking_code})
                return redirect("intake:track-detail", code=complaint.tracking_code)
    return render(request, "intake/report.html", {
        "form": form, "picker": _picker(), "max_photos": settings.INTAKE_MAX_PHOTOS,
        "max_mb": settings.MAX_UPLOAD_MB,
    }, status=status)


def track(request: HttpRequest) -> HttpResponse:
    """Look a complaint up by its tracking code."""
    form = TrackForm(request.GET or None)
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400  # not a tracking code at all
    elif form.is_bound:
        code = form.cleaned_data["code"]
        if Complaint.objects.filter(tracking_code=code).exists():
            return redirect("intake:track-detail", code=code)
        form.add_error("code", _("No complaint has this tracking code. Check it and try again."))
        status = 404
    return render(request, "intake/track.html", {"form": form}, status=status)


def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The complaint's progress in plain words, its answer, and the contact masked.

    A code typed into the address in lower case or with dashes goes to the code's own URL.
    """
    canonical = tracking.normalize_code(code)
    if canonical != code and tracking.is_well_formed(canonical):
        return redirect("intake:track-detail", code=canonical)
    complaint = get_object_or_404(
        Complaint.objects.select_related("category", "ticket", "problem"), tracking_code=code)
    return render(request, "intake/track_detail.html", {
        "complaint": complaint, "steps": tracking.progress(complaint),
        "note": tracking.status_note(complaint),
        "contact": contact_shown_to(request.user, complaint),
    })

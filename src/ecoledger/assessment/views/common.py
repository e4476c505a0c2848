"""What the assessment's page views share: the unit kind in a URL, the previewed version,
and how a refusal or a service's error reaches the page."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from ecoledger.assessment.choices import UnitKind
from ecoledger.assessment.models import SchemeVersion
from ecoledger.lib.errors import DomainError


def unit_kind(kind: str) -> str:
    if kind not in UnitKind.values:
        raise Http404(kind)
    return kind


def previewed_version(request: HttpRequest, year: int | None = None) -> SchemeVersion | None:
    """The version named by ``?version=``, among those the user may see (404 otherwise);
    with ``year``, it must be that year's."""
    text = request.GET.get("version", "")
    if not text:
        return None
    if not text.isdigit():
        raise Http404(text)
    version = get_object_or_404(
        SchemeVersion.objects.visible_to(request.user).select_related("scheme"), pk=int(text))
    if year is not None and version.scheme.year != year:
        raise Http404(text)
    return version


def error_text(error: DomainError) -> str:
    """A service's error as one line for a message: the reasons per field, or the message."""
    details = [reason for reasons in error.fields.values() for reason in reasons]
    return " ".join(details) or error.message

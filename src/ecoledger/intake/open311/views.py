"""GeoReport v2 endpoints. Reads are public and carry no personal data; POST needs an api_key.

Errors answer in the spec's list format with its codes: 400 for missing or bad
parameters, 403 for a missing or invalid api_key, 404 for an unknown
jurisdiction, service, request or token, and 429 when an abuse limit refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ecoledger.intake import services
from ecoledger.intake.choices import Channel, ComplaintStatus
from ecoledger.intake.models import Complaint
from ecoledger.intake.open311 import formats, keys
from ecoledger.intake.open311.mapping import request_of, service_of
from ecoledger.intake.views.public import client_address
from ecoledger.ledger.models import Category, ProblemUnit
from ecoledger.lib import clock
from ecoledger.lib.errors import ActionRefused, InvalidInput

MAX_RESULTS = 1000
WINDOW = timedelta(days=90)
CLOSED = (ComplaintStatus.ANSWERED, ComplaintStatus.REJECTED)
View = Callable[..., HttpResponse]


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


def georeport(view: View) -> View:
    """Check the jurisdiction and turn every refusal into the spec's error list."""

    @wraps(view)
    def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
        params = request.POST if request.method == "POST" else request.GET
        try:
            _check_jurisdiction(params)
            return view(request, fmt, **kwargs)
        except Open311Error as error:
            return formats.error(fmt, error.code, error.description)

    return wrapper


def _check_jurisdiction(params: QueryDict) -> None:
    ours, given = settings.OPEN311_JURISDICTION_ID, params.get("jurisdiction_id", "")
    if ours and given and given != ours:
        raise Open311Error(404, _("jurisdiction_id %(id)s was not found; this server serves "
                                  "%(ours)s.") % {"id": given, "ours": ours})


@require_http_methods(["GET"])
@georeport
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [service_of(c) for c in Category.objects.order_by("domain", "code")]
    return formats.respond(fmt, rows, root="services", item="service")


@require_http_methods(["GET"])
@georeport
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code})
    return formats.respond(fmt, {"service_code": category.code, "attributes": []},
                           root="service_definition", child_tags={"attributes": "attribute"})


def _complaints() -> QuerySet[Complaint]:
    units = ProblemUnit.objects.select_related("region", "department")
    return Complaint.objects.select_related("category", "ticket", "problem").prefetch_related(
        Prefetch("problem__units", queryset=units))


def _moment(params: QueryDict, name: str) -> datetime | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    moment = parse_datetime(raw)
    if moment is None:
        raise Open311Error(400, _("%(name)s=%(raw)s is not a W3C datetime "
                                  "(e.g. 2026-01-01T00:00:00Z).") % {"name": name, "raw": raw})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _listed(params: QueryDict) -> QuerySet[Complaint]:
    """The spec's query: ids override everything; else codes, a ≤90-day window and status."""
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        return _complaints().filter(tracking_code__in=ids).order_by("-created_at")
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    end = end or (start + WINDOW if start else clock.now())
    start = start or end - WINDOW
    if end - start > WINDOW:
        raise Open311Error(400, _("start_date to end_date may span at most 90 days."))
    found = _complaints().filter(created_at__gte=start, created_at__lte=end)
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
    if codes:
        found = found.filter(category__code__in=codes)
    wanted = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
    if wanted - {"open", "closed"}:
        raise Open311Error(400, _("status may be open, closed or both (comma-separated)."))
    if wanted == {"open"}:
        found = found.exclude(status__in=CLOSED)
    elif wanted == {"closed"}:
        found = found.filter(status__in=CLOSED)
    return found.order_by("-created_at")


@csrf_exempt  # a client of the API, authenticated by api_key, not a browser session
@require_http_methods(["GET", "POST"])
@georeport
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    rows = [request_of(c) for c in _listed(request.GET)[:MAX_RESULTS]]
    return formats.respond(fmt, rows, root="service_requests", item="request")


@require_http_methods(["GET"])
@georeport
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    complaint = _complaints().filter(tracking_code=request_id).first()
    if complaint is None:
        raise Open311Error(404, _("service_request_id %(id)s was not found.") % {
            "id": request_id})
    return formats.respond(fmt, [request_of(complaint)], root="service_requests",
                           item="request")


@require_http_methods(["GET"])
@georeport
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """A request exists from the moment it is posted, so its token is its own id."""
    if not Complaint.objects.filter(tracking_code=token).exists():
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token})
    return formats.respond(fmt, [{"service_request_id": token, "token": token}],
                           root="service_requests", item="request")


def _number(params: QueryDict, name: str) -> float | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise Open311Error(400, _("%(name)s=%(raw)s is not a number.") % {
            "name": name, "raw": raw}) from None


def _name(params: QueryDict) -> str:
    """Chinese names are family name first and unspaced; others "first last"."""
    first, last = params.get("first_name", "").strip(), params.get("last_name", "").strip()
    if last and not last.isascii():
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)


def _media_url(params: QueryDict) -> str:
    url = params.get("media_url", "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise Open311Error(400, _("media_url is not an http(s) address.")) from None
    return url


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    """File a complaint. email, device_id and account_id are not kept: the platform asks for
    no more personal data than a name and a mobile number."""
    params = request.POST
    if keys.active_key(params.get("api_key", "").strip()) is None:
        raise Open311Error(403, _("api_key was not provided or is not valid."))
    code = params.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code})
    latitude, longitude = _number(params, "lat"), _number(params, "long")
    address = params.get("address_string", "").strip() or params.get("address_id", "").strip()
    if (latitude is None or longitude is None) and not address:
        raise Open311Error(400, _("A location is required: lat and long, or address_string."))
    try:
        complaint = services.file_complaint(
            sender=services.Sender(client_address(request), Channel.OPEN311),
            description=params.get("description", ""), category=category,
            latitude=latitude, longitude=longitude, address=address, name=_name(params),
            phone=params.get("phone", ""), media_url=_media_url(params),
        )
    except InvalidInput as error:
        raise Open311Error(400, str(error)) from None
    except ActionRefused as error:
        raise Open311Error(429, error.message) from None
    return formats.respond(fmt, [{
        "service_request_id": complaint.tracking_code, "token": complaint.tracking_code,
        "service_notice": _("Keep the id to follow the request."), "account_id": None,
    }], root="service_requests", item="request")

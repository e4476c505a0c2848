"""Request id: one id per HTTP request, carried into audit events and logs."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

current_request_id: ContextVar[str] = ContextVar("ecoledger_request_id", default="")

_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Takes ``X-Request-ID`` from a trusted proxy when well-formed, else makes one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _ACCEPTED_ID.match(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than any upload could be, before it is read.

    Each evidence file is checked against ECOLEDGER_MAX_UPLOAD_MB after it has
    arrived; this stops a body that could not pass (more than ten such files)
    from filling the disk on its way in.
    """

    FILES_PER_REQUEST = 10

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_UPLOAD_MB * 1024 * 1024 * self.FILES_PER_REQUEST
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            message = _("The request is larger than %(limit)s MB.") % {
                "limit": settings.MAX_UPLOAD_MB * self.FILES_PER_REQUEST}
            return JsonResponse({"code": "too_large", "message": message, "fields": {}},
                                status=413)
        return self.get_response(request)


class WriteForgetsCountsMiddleware:
    """After a user's own write, their cached navigation counts are counted again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method not in ("GET", "HEAD", "OPTIONS") and user and user.is_authenticated:
            from ecoledger.web.templatetags.workspace import forget_counts

            forget_counts(user.pk)
        return response

"""A request over Django's upload limits gets a 413 that says so, not a 400 or a debug page.

Django raises RequestDataTooBig / TooManyFieldsSent wherever the body or query string is first
read (CSRF check, a view, the API); this middleware reads them first, in one place.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def too_large_response(request: HttpRequest, exc: Exception) -> HttpResponse:
    """JSON for the API, a small page otherwise; status 413 either way."""
    if isinstance(exc, TooManyFieldsSent):
        message = _("The request has too many fields (at most %(n)s).") % {
            "n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    else:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        message = _("The request is too large (at most %(n)s kB).") % {"n": limit // 1024}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "413.html", {"message": message}, status=413)


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            _read_within_limits(request)
        except (RequestDataTooBig, TooManyFieldsSent) as exc:
            return too_large_response(request, exc)
        return self.get_response(request)


def _read_within_limits(request: HttpRequest) -> None:
    request.GET  # noqa: B018 - parsing the query string counts its fields
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    multipart = request.content_type == "multipart/form-data"
    length = request.META.get("CONTENT_LENGTH") or "0"
    # Files are exempt from the limit; any other body over it is refused unread.
    if not multipart and limit is not None and length.isdigit() and int(length) > limit:
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
    if request.method == "POST":
        request.POST  # noqa: B018 - form fields are counted and sized as Django reads them

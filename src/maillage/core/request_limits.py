"""What Django or the database would fail on, refused first with a 4xx that says why.

- A body over DATA_UPLOAD_MAX_MEMORY_SIZE or too many fields (RequestDataTooBig,
  TooManyFieldsSent, raised wherever the body or query string is first read): 413.
- A NUL character in the path or the query string (PostgreSQL cannot store nor compare it):
  404 for the path, 422 naming the parameter for the API, 400 for pages.
- A multipart body the API cannot parse, or any form-encoded body sent to the API (which
  reads JSON): 400 in JSON.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"


def too_large_response(request: HttpRequest, exc: Exception) -> HttpResponse:
    """JSON for the API, a small page otherwise; status 413 either way."""
    if isinstance(exc, TooManyFieldsSent):
        message = _("The request has too many fields (at most %(n)s).") % {
            "n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    else:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        message = _("The request is too large (at most %(n)s kB).") % {"n": limit // 1024}
    if _is_api(request):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "413.html", {"message": message}, status=413)


def nul_message() -> str:
    return _("The NUL character (U+0000) is not allowed.")


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            _read_within_limits(request)
        except (RequestDataTooBig, TooManyFieldsSent) as exc:
            return too_large_response(request, exc)
        except MultiPartParserError:
            if not _is_api(request):
                raise
            return JsonResponse({"detail": "Cannot parse request body"}, status=400)
        if NUL in request.path:
            if _is_api(request):
                return JsonResponse({"detail": "Not Found"}, status=404)
            raise Http404
        names = [name for name, values in request.GET.lists() if NUL in name + "".join(values)]
        if names and _is_api(request):
            detail = [
                {"loc": ["query", name], "msg": nul_message(), "type": "value_error"}
                for name in names
            ]
            return JsonResponse({"detail": detail}, status=422)
        if names:
            raise BadRequest(nul_message())
        return self.get_response(request)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _read_within_limits(request: HttpRequest) -> None:
    request.GET  # noqa: B018 - parsing the query string counts its fields
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    multipart = request.content_type == "multipart/form-data"
    length = request.META.get("CONTENT_LENGTH") or "0"
    # Files are exempt from the limit; any other body over it is refused unread.
    if not multipart and limit is not None and length.isdigit() and int(length) > limit:
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
    if request.method == "POST":
        if _is_api(request):
            # The API reads JSON from the body; a form-encoded body read as fields first would
            # leave nothing to read (RawPostDataException, a 500): keep the body, then count.
            request.body  # noqa: B018
        request.POST  # noqa: B018 - form fields are counted and sized as Django reads them

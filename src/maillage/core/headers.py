"""Response headers that tell browsers what a page may load, embed and share."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy unless the view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy: str = settings.CONTENT_SECURITY_POLICY
        if policy:
            response.headers.setdefault("Content-Security-Policy", policy)
        permissions: str = settings.PERMISSIONS_POLICY
        if permissions:
            response.headers.setdefault("Permissions-Policy", permissions)
        return response

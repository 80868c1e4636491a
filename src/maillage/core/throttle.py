"""Throttles against brute force: the client's address, and a fixed-window API rate limit.

Counters live in a database table (not a per-process cache), so that every gunicorn worker
sees the same counts; login lockouts are django-axes', in its own tables.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from maillage.core.models import RateCounter


def client_ip(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or what our own proxies appended to X-Forwarded-For."""
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded: list[str] = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        # Only the last `proxies` entries come from servers we run; earlier ones can be forged.
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def axes_client_ip(request: HttpRequest) -> str | None:
    """The same address for django-axes, None when there is none (e.g. `force_login`)."""
    address = client_ip(request)
    return None if address == "unknown" else address


def _window_start(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp()) // seconds * seconds
    return datetime.fromtimestamp(epoch, tz=now.tzinfo)


def hit(key: str, limit: int, window_seconds: int, now: datetime | None = None) -> int | None:
    """Count one request for `key`; None if allowed, else the seconds until its window ends.

    One UPDATE … RETURNING counts and reads in a single statement: the row is locked only for
    that statement, so concurrent requests of one address queue for microseconds, not for a
    whole transaction.
    """
    now = now or timezone.now()
    start = _window_start(now, window_seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()
    count = _increment(digest, start)
    if count is None:
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=digest, window_start=start, count=1)
            count = 1
        except IntegrityError:
            # Another worker created it between our update and our insert.
            count = _increment(digest, start)
        # New keys are rare enough to carry the clean-up of long-stale ones.
        RateCounter.objects.filter(window_start__lt=now - timedelta(days=1)).delete()
    if count is not None and count <= limit:
        return None
    return max(1, math.ceil((start + timedelta(seconds=window_seconds) - now).total_seconds()))


def _increment(digest: str, start: datetime) -> int | None:
    """The key's count after this request (a new window starts at 1); None if no row yet."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(start)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET count = CASE WHEN window_start = %s THEN count + 1 ELSE 1 END, "
            "window_start = %s WHERE key = %s RETURNING count",
            [stamp, stamp, digest],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _account_key(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return "api:token:" + header[7:].strip()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"api:user:{user.pk}"
    return None


API_DESCRIPTION_PATHS = ("/openapi.json", "/docs")


class ApiThrottleMiddleware:
    """Answers 429 (with Retry-After) once an address or an account exceeds the API rate."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        prefix: str = settings.API_RATE_LIMIT_PREFIX
        # The API's own description (OpenAPI document, docs page) is static: not counted.
        if (
            prefix
            and request.path.startswith(prefix)
            and not request.path.endswith(API_DESCRIPTION_PATHS)
        ):
            window: int = settings.API_RATE_WINDOW_SECONDS
            checks = [("api:ip:" + client_ip(request), settings.API_RATE_LIMIT)]
            account = _account_key(request)
            if account is not None:
                checks.append((account, settings.API_RATE_LIMIT_PER_ACCOUNT))
            waits = [hit(key, limit, window) for key, limit in checks]
            wait = max((w for w in waits if w is not None), default=None)
            if wait is not None:
                response = JsonResponse(
                    {"detail": f"Too many requests: retry in {wait} s."}, status=429
                )
                response["Retry-After"] = str(wait)
                return response
        return self.get_response(request)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page shown to a locked-out login (both sign-in forms), naming the wait in minutes."""
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response

"""API authentication: a personal bearer token or the browser session, same permissions as pages."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from maillage.directory.models import ApiToken


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return user_for_token(token)


def hash_token(key: str) -> str:
    """What is stored of a secret (API key, invitation or calendar link): its SHA-256."""
    return hashlib.sha256(key.encode()).hexdigest()


def user_for_token(key: str) -> Any:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


WRITE_AUTH = [ApiTokenAuth(), django_auth]


def request_user(request: HttpRequest) -> Any:
    """The caller: the token's owner, else the session's user, else anonymous."""
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "is_authenticated", False):
        return auth
    cached = getattr(request, "_maillage_api_user", None)
    if cached is not None:
        return cached
    user = None
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_token(header[7:].strip())
    if user is None:
        user = getattr(request, "user", None) or AnonymousUser()
    # Looked up once per request: serializers ask for every row.
    request._maillage_api_user = user  # type: ignore[attr-defined]
    return user

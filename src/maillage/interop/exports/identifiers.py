"""Stable identifiers of what the platform publishes: URLs of its OKW and API records."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

SENTINEL = 987654321
_SLUG_SENTINEL = "okw-slug-sentinel"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def site_uri(site_id: int) -> str:
    """A facility's stable identifier: the URL of its OKW record on this platform."""
    return absolute(reverse("api-v1:okw_site", kwargs={"site_id": site_id}))


def organisation_uri(slug: str) -> str:
    return absolute(reverse("directory:organisation", args=[slug]))


def machine_uri(machine_id: int) -> str:
    return absolute(reverse("api-v1:get_machine", kwargs={"machine_id": machine_id}))


def own_site_id(uri: str) -> int | None:
    """The site a facility `id` of this platform names, or None for any other identifier."""
    middle = _between(uri, site_uri(SENTINEL), str(SENTINEL))
    return int(middle) if middle and middle.isdigit() else None


def own_machine_id(uri: str) -> int | None:
    middle = _between(uri, machine_uri(SENTINEL), str(SENTINEL))
    return int(middle) if middle and middle.isdigit() else None


def own_organisation_slug(uri: str) -> str | None:
    middle = _between(uri, organisation_uri(_SLUG_SENTINEL), _SLUG_SENTINEL)
    return middle if middle and "/" not in middle else None


def _between(uri: str, template: str, sentinel: str) -> str | None:
    prefix, _sep, suffix = template.partition(sentinel)
    uri = uri.strip()
    if uri.startswith(prefix) and uri.endswith(suffix) and len(uri) > len(prefix) + len(suffix):
        return uri[len(prefix) : len(uri) - len(suffix)]
    return None

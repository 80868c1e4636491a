"""Panels: a page of a lower app shows what a higher app registers, without importing it.

A template marks a slot (`{% load panel_tags %}{% panels "sharing.host_dashboard" %}` or with an
object, `{% panels "equipment.machine" machine %}`); an app above registers, in its
`AppConfig.ready`, a provider for that slot: a function `(request, obj) -> str` returning an
HTML fragment (rendered from its own template, so escaped there), or "" to show nothing. The
fragments come in the order the providers were registered. A provider checks its own
permissions: the slot passes the request and the object, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

Provider = Callable[[HttpRequest, Any], str]

_registry: dict[str, list[Provider]] = {}


def register(slot: str, provider: Provider) -> None:
    """Add a provider to a slot; registering the same function again changes nothing."""
    providers = _registry.setdefault(slot, [])
    if provider not in providers:
        providers.append(provider)


def unregister(slot: str, provider: Provider) -> None:
    if provider in _registry.get(slot, []):
        _registry[slot].remove(provider)


def panels(slot: str, request: HttpRequest, obj: Any = None) -> list[SafeString]:
    """The slot's non-empty fragments, each already rendered by its provider's template."""
    fragments = (provider(request, obj) for provider in _registry.get(slot, []))
    return [mark_safe(fragment) for fragment in fragments if fragment]

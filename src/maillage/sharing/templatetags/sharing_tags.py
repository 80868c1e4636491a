"""Template filters of the sharing pages."""

from __future__ import annotations

from typing import Any

from django import template

from maillage.sharing.pricing import format_euros

register = template.Library()


@register.filter
def euros(cents: Any) -> str:
    """Cents as euros with a decimal comma: 1840 → "18,40 €"; empty stays empty."""
    if cents in (None, ""):
        return ""
    return format_euros(int(cents))

"""Template filters of the sharing pages."""

from __future__ import annotations

from typing import Any

from django import template

from maillage.core.durations import format_days, format_minutes
from maillage.sharing.pricing import format_euros

register = template.Library()


@register.filter
def euros(cents: Any) -> str:
    """Cents as euros with a decimal comma: 1840 → "18,40 €"; empty stays empty."""
    if cents in (None, ""):
        return ""
    return format_euros(int(cents))


@register.filter
def duration(minutes: Any) -> str:
    """Minutes as people read them: 90 → "1 h 30", 1440 → "1 jour"; empty stays empty."""
    if minutes in (None, ""):
        return ""
    return format_minutes(int(minutes))


@register.filter
def days(count: Any) -> str:
    """A number of days with its unit: "1 jour", "90 jours"; empty stays empty."""
    if count in (None, ""):
        return ""
    return format_days(int(count))

"""Template filters of the sharing pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template

from maillage.core.durations import format_days, format_minutes
from maillage.sharing.pricing import format_euros

register = template.Library()


def _empty_or(format_number: Callable[[int], str]) -> Callable[[Any], str]:
    """A filter that writes a whole number with its unit; an empty value stays empty."""

    def number_filter(value: Any) -> str:
        if value in (None, ""):
            return ""
        return format_number(int(value))

    return number_filter


# Cents as euros with a decimal comma: 1840 → "18,40 €".
euros = register.filter("euros", _empty_or(format_euros))
# Minutes as people read them: 90 → "1 h 30", 1440 → "1 jour".
duration = register.filter("duration", _empty_or(format_minutes))
# A number of days with its unit: "1 jour", "90 jours".
days = register.filter("days", _empty_or(format_days))


@register.filter
def whole(value: Any) -> int:
    """The whole part of a quantity, to choose a plural form: 1.5 h is "1,5 h utilisée"."""
    if value in (None, ""):
        return 0
    return int(value // 1)

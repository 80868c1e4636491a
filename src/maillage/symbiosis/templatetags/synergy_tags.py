"""Filters of the synergy pages: a quantity as people write it, without trailing zeros."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def quantity(value: Decimal | float | None) -> str:
    """2.500 → "2,5" in French, 2400.000 → "2 400", None → "—"."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    return number_format(number, use_l10n=True, force_grouping=True)

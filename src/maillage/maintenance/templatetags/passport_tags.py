"""Template filters of the passport pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def price(cents: Any) -> str:
    """Cents as a price people read, cents shown only when there are any.

    In French: 125050 → "1 250,50 €", 1500000 → "15 000 €" (no-break spaces, so a price
    never wraps); empty stays empty.
    """
    if cents in (None, ""):
        return ""
    cents = int(cents)
    places = 0 if cents % 100 == 0 else 2
    amount = number_format(Decimal(cents) / 100, places, use_l10n=True, force_grouping=True)
    return f"{amount}\u00a0€"

"""Numbers as people read them on the symbiosis pages: "1 200,5", never "1 200,500"."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def amount(value: Any) -> str:
    """A quantity or a magnitude bound in the page's language, without trailing zeros."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return str(number_format(Decimal(text), force_grouping=True))

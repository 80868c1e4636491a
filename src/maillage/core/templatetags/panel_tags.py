"""`{% panels "slot" obj %}`: the fragments higher apps registered for a slot (core.panels)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from maillage.core.panels import panels as slot_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: str, obj: Any = None) -> SafeString:
    request = context.get("request")
    if request is None:
        return mark_safe("")
    return mark_safe("\n".join(slot_panels(slot, request, obj)))

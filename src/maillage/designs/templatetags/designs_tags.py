"""Masses and sizes of parts as people read them: « 30 g », « 1,2 kg », « 400 × 350 × 150 mm »."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


def _number(value: float, places: int) -> str:
    rounded = round(value, places)
    if float(rounded).is_integer():
        return number_format(int(rounded), use_l10n=True)
    return number_format(rounded, use_l10n=True)


@register.filter
def mass(grams: float | None) -> str:
    if grams is None:
        return "—"
    if grams >= 1000:
        return f"{_number(grams / 1000, 2)}\u00a0kg"
    return f"{_number(grams, 1)}\u00a0g"


@register.filter
def dimensions(part: Any) -> str:
    sizes = (part.size_x_mm, part.size_y_mm, part.size_z_mm)
    if None in sizes:
        return "—"
    return " × ".join(_number(size, 1) for size in sizes) + "\u00a0mm"

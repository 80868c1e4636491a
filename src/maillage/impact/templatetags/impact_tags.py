"""How the impact pages write figures (`impact.formats`) and link each to its method page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.urls import reverse

from maillage.impact import formats

register = template.Library()


def _figure(write: Callable[[Any], str]) -> Callable[[Any], str]:
    """A filter writing a figure; a missing value (None, or "" from the template) is "—"."""

    def figure(value: Any) -> str:
        if value is None or value == "":
            return formats.UNKNOWN
        return write(float(value))

    return figure


WRITERS: dict[str, Callable[[Any], str]] = {
    "percent": formats.percent,
    "ratio": formats.ratio,
    "score10": formats.score,
    "hours": formats.hours,
    "years": formats.years,
    "euros": formats.euros,
    "euros_per_hour": formats.euros_per_hour,
    "carbon_per_hour": formats.carbon_per_hour,
    "mass": formats.mass,
    "carbon": formats.carbon,
}
for name, write in WRITERS.items():
    register.filter(name, _figure(write))


@register.simple_tag
def method_url(key: str) -> str:
    """The method page of an indicator (mci, repairability, durability, sharing, cti…); "" for
    a figure without one."""
    return reverse("impact:method", kwargs={"key": key}) if key else ""


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.simple_tag
def known_for(known: int, total: int) -> str:
    return formats.known_for(known, total)


@register.filter
def get_attr(obj: Any, name: str) -> Any:
    return getattr(obj, name, "")


@register.filter
def cents_euros(cents: Any) -> str:
    if cents is None or cents == "":
        return formats.UNKNOWN
    return formats.euros(int(cents) / 100, 2 if int(cents) % 100 else 0)


@register.filter
def sum_values(values: Any) -> int:
    return sum(values)

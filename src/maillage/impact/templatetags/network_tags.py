"""How the network's figures read on a page: "1 234 h", "45 %", "12 345 €", hidden cells.

- `{% cell figure.total "percent" %}` writes a published value in its unit, or says why it is
  hidden (fewer than the setting's organisations contribute) or "no data";
- `{% method_url "mci" as url %}` is the method page of an indicator, or "" while the method
  pages are not installed (the link is then left out rather than broken).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from maillage.impact.disclosure import Cell
from maillage.impact.templatetags.impact_tags import method_url

register = template.Library()


# Unit → (decimal places, multiplier) and the way the language writes the number with it.
SCALES: dict[str, tuple[int, float]] = {
    "hours": (0, 1.0),
    "percent": (0, 100.0),
    "eur": (0, 1.0),
    "kgco2e": (0, 1.0),
    "tco2e": (1, 0.001),
    "km": (0, 1.0),
    "kg": (0, 1.0),
    "count": (0, 1.0),
    "mci": (2, 1.0),
}
WRITTEN: dict[str, Callable[[str], str]] = {
    "hours": lambda n: _("%(hours)s h") % {"hours": n},
    "percent": lambda n: _("%(value)s %%") % {"value": n},
    "eur": lambda n: _("€%(amount)s") % {"amount": n},
    "kgco2e": lambda n: _("%(value)s kgCO2e") % {"value": n},
    "tco2e": lambda n: _("%(value)s tCO2e") % {"value": n},
    "km": lambda n: _("%(value)s km") % {"value": n},
    "kg": lambda n: _("%(value)s kg") % {"value": n},
}


def amount(value: float, unit: str) -> str:
    """A number in its unit, grouped and rounded as the language writes it."""
    places, factor = SCALES[unit]
    if unit == "percent" and abs(value) < 0.1:
        places = 1  # "1,4 %" rather than "1 %" for small shares
    number = number_format(round(value * factor, places), places, force_grouping=True)
    written = WRITTEN.get(unit)
    return written(number) if written else number


def hidden_text(reason: str | None, k: int) -> str:
    if reason == "no_data":
        return _("no data")
    return _("hidden: fewer than %(count)s organisations contribute") % {"count": k}


@register.simple_tag(takes_context=True)
def cell(context: template.Context, value: Cell, unit: str) -> SafeString:
    """A published value in its unit, or a short mark with the reason it is not shown."""
    if value.shown and value.value is not None:
        return format_html("{}", amount(value.value, unit))
    k = int(context.get("min_contributors") or 3)
    if value.reason == "no_data":
        return format_html('<span class="cell-none">{}</span>', _("no data"))
    return format_html(
        '<span class="cell-hidden" title="{}">{}</span>', hidden_text(value.reason, k), _("hidden")
    )


register.simple_tag(method_url)


@register.filter
def plain(value: Any, places: int = 0) -> str:
    """A bare number, grouped as the language writes it."""
    return number_format(round(float(value), places), places, force_grouping=True)


@register.simple_tag
def method_link(key: str) -> SafeString:
    """A link to the indicator's method page."""
    url = method_url(key)
    if not url:
        return SafeString("")
    return format_html('<a class="method-link" href="{}">{}</a>', url, _("How it is computed"))

"""How the scenario pages write their figures: "44,86 €/h", "48,0 tCO2e", "0,2 an", "jamais"."""

from __future__ import annotations

import math

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def _number(value: float, places: int) -> str:
    return number_format(round(value, places), places, use_l10n=True, force_grouping=True)


def years_text(value: float) -> str:
    """Years to the tenth, "never" for +inf: "0.2 years" / "0,2 an", "2.5 years" / "2,5 ans"."""
    if math.isinf(value):
        return _("never")
    rounded = round(value, 1)
    # French takes the singular below 2 and English the plural but at exactly 1.
    count = 1 if rounded == 1 else 0 if rounded < 2 else int(rounded)
    return ngettext("%(years)s year", "%(years)s years", count) % {"years": _number(rounded, 1)}


def money(value: float, places: int = 0) -> str:
    return _("€%(amount)s") % {"amount": _number(value, places)}


@register.filter
def figure(value: float | None, unit: str) -> str:
    """A figure in its unit as people read it; "—" when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "years":
        return years_text(value)
    if math.isinf(value):
        return "∞"
    if unit == "EUR/h":
        return _("€%(amount)s/h") % {"amount": _number(value, 2)}
    if unit == "EUR":
        return money(value)
    if unit == "EUR/year":
        return _("€%(amount)s a year") % {"amount": _number(value, 0)}
    if unit == "fraction":
        return _("%(value)s %%") % {"value": _number(value * 100, 0)}
    if unit == "kgCO2e/h":
        return f"{_number(value, 2)}\u00a0kgCO2e/h"
    if unit == "kgCO2e":
        if abs(value) >= 1000:
            return f"{_number(value / 1000, 1)}\u00a0tCO2e"
        return f"{_number(value, 0)}\u00a0kgCO2e"
    return f"{_number(value, 2)}\u00a0{unit}"


@register.filter
def percent(value: float) -> str:
    """A share of draws: 0.8 → "80 %"."""
    return _("%(value)s %%") % {"value": _number(value * 100, 0)}


@register.filter
def typed(value: float) -> str:
    """An input as typed (its display unit), to at most four decimals: "0,052", "150 000"."""
    places = 0 if value == int(value) else min(4, max(1, 4 - len(str(int(abs(value))))))
    text = _number(value, places)
    if places:
        text = text.rstrip("0").rstrip(",.")
    return text


@register.filter
def count_text(value: int) -> str:
    """A whole number with the locale's grouping: "10 000", "10,000"."""
    return _number(value, 0)


def axis_text(value: float, unit: str) -> str:
    """A tick of a chart's bins axis, its unit given once by `axis_unit`."""
    if unit == "kgCO2e":
        return _number(value / 1000, 1)
    places = 0 if unit in ("EUR", "EUR/year") else 2
    return _number(value, places)


def axis_unit(unit: str) -> str:
    """The unit written at the end of a chart's bins axis."""
    units = {"EUR/h": "€/h", "EUR/year": _("€ a year"), "EUR": "€", "kgCO2e": "tCO2e"}
    return str(units.get(unit, unit))


def share_tick(value: float) -> str:
    """A tick of a share of draws, already in percent: 12.5 → "12,5 %"."""
    return _("%(value)s %%") % {"value": _number(value, 0 if value == int(value) else 1)}

"""Heat figures with the units people read: "25 GWh/an", "2,8 MWh/m/an", "9,0 km"."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


def _number(value: float, places: int) -> str:
    return number_format(round(value, places), places, use_l10n=True, force_grouping=True)


@register.filter
def energy_per_year(mwh: float | None) -> str:
    """MWh per year in MWh or GWh: 25 000 → "25 GWh/an"."""
    if mwh is None:
        return ""
    if abs(mwh) >= 1000:
        gwh = mwh / 1000
        return _("%(number)s GWh/yr") % {"number": _number(gwh, 0 if abs(gwh) >= 10 else 1)}
    return _("%(number)s MWh/yr") % {"number": _number(mwh, 0 if abs(mwh) >= 10 else 1)}


@register.filter
def magnitude(bounds: tuple[float, float]) -> str:
    """The public order of magnitude: "1 000 to 10 000 MWh/yr"."""
    low, high = bounds
    return _("%(low)s to %(high)s MWh/yr") % {"low": _number(low, 0), "high": _number(high, 0)}


@register.filter
def route_length(metres: float) -> str:
    if metres >= 1000:
        return _("%(number)s km") % {"number": _number(metres / 1000, 1)}
    return _("%(number)s m") % {"number": _number(metres, 0)}


@register.filter
def density(value: float) -> str:
    return _("%(number)s MWh/m/yr") % {"number": _number(value, 1)}


@register.filter
def tonnes_co2(value: float) -> str:
    return _("%(number)s t CO2e/yr") % {"number": _number(value, 0)}


@register.filter
def decimal(value: float | None, places: int = 0) -> str:
    return "" if value is None else _number(value, int(places))


@register.filter
def percent(share: float) -> str:
    return _("%(number)s %%") % {"number": _number(share * 100, 1)}

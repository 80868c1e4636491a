"""Figures as readers read them, in the active language: "57,4 %", "44,86 €/h", "3,03 kgCO2e/h".

Used by the templates (`impact_tags`), the reports and the PDF, so a figure reads the same
everywhere. None is "—": an unknown figure is never written as zero.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

UNKNOWN = "—"


def number(value: float | None, places: int | None = None) -> str:
    """Grouped thousands; two decimals under 10, one under 100, none above, unless told."""
    if value is None:
        return UNKNOWN
    if places is None:
        places = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return str(number_format(round(value, places), places, force_grouping=True))


def tick(value: float) -> str:
    """An axis tick: as few decimals as it needs (0, 0,5, 1,25), in the active language."""
    for places in (0, 1, 2):
        if abs(value - round(value, places)) < 1e-9:
            return str(number_format(round(value, places), places, force_grouping=True))
    return number(value)


def percent(fraction: float | None, places: int = 1) -> str:
    if fraction is None:
        return UNKNOWN
    return _("%(value)s %%") % {"value": number(fraction * 100, places)}


def ratio(value: float | None) -> str:
    """An indicator between 0 and 1, or a ratio such as L/L_av: "0,67", "1,33"."""
    return number(value, 2)


def score(value: float | None) -> str:
    """A repairability score out of 10: "6,4/10"."""
    if value is None:
        return UNKNOWN
    return _("%(score)s/10") % {"score": number(float(value), 1)}


def hours(value: float | None) -> str:
    if value is None:
        return UNKNOWN
    return _("%(hours)s h") % {"hours": number(value, 0 if abs(value) >= 10 else 1)}


def years(value: float | None) -> str:
    if value is None:
        return UNKNOWN
    whole = round(value)
    if abs(value - whole) < 0.05:
        return ngettext("%(count)s year", "%(count)s years", whole) % {"count": whole}
    return _("%(count)s years") % {"count": number(value, 1)}


def euros(amount: float | None, places: int = 0) -> str:
    if amount is None:
        return UNKNOWN
    return _("€%(amount)s") % {"amount": number(amount, places)}


def euros_per_hour(amount: float | None) -> str:
    if amount is None:
        return UNKNOWN
    return _("€%(amount)s/h") % {"amount": number(amount, 2)}


def carbon_per_hour(kg: float | None) -> str:
    if kg is None:
        return UNKNOWN
    return _("%(value)s kgCO2e/h") % {"value": number(kg, 2)}


def mass(kg: float | None) -> str:
    """Kilograms under a tonne, tonnes above: "850 kg", "12,4 t"."""
    if kg is None:
        return UNKNOWN
    if abs(kg) >= 1000:
        return _("%(value)s t") % {"value": number(kg / 1000, 1)}
    return _("%(value)s kg") % {"value": number(kg, 0 if abs(kg) >= 10 else 1)}


def carbon(kg: float | None) -> str:
    """Embodied carbon: "850 kgCO2e", "12,4 tCO2e"."""
    if kg is None:
        return UNKNOWN
    if abs(kg) >= 1000:
        return _("%(value)s tCO2e") % {"value": number(kg / 1000, 1)}
    return _("%(value)s kgCO2e") % {"value": number(kg, 0)}


def known_for(known: int, total: int) -> str:
    """The coverage of a fleet figure: "known for 12 machines of 30"."""
    return ngettext(
        "known for %(known)s machine of %(total)s",
        "known for %(known)s machines of %(total)s",
        known,
    ) % {"known": known, "total": total}

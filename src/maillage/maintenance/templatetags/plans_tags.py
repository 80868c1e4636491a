"""How the plans pages write due tasks and figures: "dans 12 h", "en retard de 3 jours"."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.maintenance.due import Due, DueState

register = template.Library()


@register.filter
def hours(value: float | None) -> str:
    """A number of hours: whole from 10 h up, else to the tenth ("2,5 h"); "—" when unknown."""
    if value is None:
        return "—"
    places = 0 if abs(value) >= 10 else 1
    return _("%(hours)s h") % {
        "hours": number_format(round(value, places), places, force_grouping=True)
    }


def _hours_part(left: float) -> str:
    if left > 0:
        return _("in %(hours)s") % {"hours": hours(left)}
    if left < 0:
        return _("%(hours)s late") % {"hours": hours(-left)}
    return _("now")


def _days_part(left: int) -> str:
    if left > 0:
        return ngettext("in %(days)s day", "in %(days)s days", left) % {"days": left}
    if left < 0:
        return ngettext("%(days)s day late", "%(days)s days late", -left) % {"days": -left}
    return _("today")


@register.filter
def due_text(value: Due) -> str:
    """When the task falls due, by use and by calendar: "in 12 h or in 3 days"."""
    parts = []
    if value.hours_left is not None:
        parts.append(_hours_part(value.hours_left))
    if value.days_left is not None:
        parts.append(_days_part(value.days_left))
    return _(" or ").join(parts)


@register.filter
def due_state(value: Due) -> str:
    labels = {
        DueState.OK: _("on schedule"),
        DueState.PLANNED: _("to plan"),
        DueState.DUE: _("due"),
        DueState.OVERDUE: _("overdue"),
    }
    return labels[value.state]


@register.filter
def percent(value: float | None, places: int = 1) -> str:
    if value is None:
        return "—"
    return _("%(value)s %%") % {"value": number_format(value * 100, places)}


@register.filter
def neg_percent(value: float | None) -> str:
    """A negative fraction as a positive percentage: −0.564 → "56,4 %" (the sign is written)."""
    return percent(None if value is None else -value)


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key, key)

"""Durations as people read them: "30 min", "1 h 30", "24 h" is "1 jour", "3 jours"."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MINUTES_PER_DAY = 24 * 60


def format_minutes(minutes: int) -> str:
    """Whole days in days, else hours and minutes, else minutes: 1440 → "1 jour", 90 → "1 h 30"."""
    minutes = int(minutes)
    if minutes >= MINUTES_PER_DAY and minutes % MINUTES_PER_DAY == 0:
        days = minutes // MINUTES_PER_DAY
        return ngettext("%(days)s day", "%(days)s days", days) % {"days": days}
    if minutes >= 60:
        hours, rest = divmod(minutes, 60)
        if rest == 0:
            return _("%(hours)s h") % {"hours": hours}
        return _("%(hours)s h %(minutes)02d") % {"hours": hours, "minutes": rest}
    return _("%(minutes)s min") % {"minutes": minutes}


def format_days(days: int) -> str:
    """A number of days: "1 jour", "90 jours"."""
    return format_minutes(int(days) * MINUTES_PER_DAY)

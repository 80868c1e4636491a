"""The window of dates anyone may ask about: 2000-01-01 to ten years from today.

Every date or datetime that comes from outside (API schemas and query strings, forms, pages'
query parameters) is checked against it, so that year 1 or 9999 is a clear error naming the
field rather than an overflow deep in the calendar code.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator

EARLIEST = dt.date(2000, 1, 1)
YEARS_AHEAD = 10
# The network's wall clock: days typed in forms and CSV files are days in Paris.
PARIS = ZoneInfo("Europe/Paris")


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today in Paris (at `now`, default the clock)."""
    return (now or timezone.now()).astimezone(PARIS).date()


def day_start(day: dt.date) -> dt.datetime:
    """Midnight, Paris time, at the start of that day."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=PARIS)


def day_end(day: dt.date) -> dt.datetime:
    """Midnight, Paris time, at the end of that day: a deadline date counts whole."""
    return day_start(day + dt.timedelta(days=1))


def latest(today: dt.date | None = None) -> dt.date:
    """Ten years from today (28 February for a 29 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def _day(value: dt.date | dt.datetime) -> dt.date:
    # The date as written: converting a datetime of year 1 or 9999 first could overflow.
    return value.date() if isinstance(value, dt.datetime) else value


def in_window(value: dt.date | dt.datetime) -> bool:
    return EARLIEST <= _day(value) <= latest()


def window_message() -> str:
    return _("Give a date between %(start)s and %(end)s.") % {
        "start": EARLIEST.isoformat(),
        "end": latest().isoformat(),
    }


def validate_in_window(value: Any) -> None:
    """A form field validator: the error shows under the field."""
    if isinstance(value, dt.date) and not in_window(value):
        raise ValidationError(window_message(), code="date_out_of_window")


def check_in_window(value: dt.date | dt.datetime, field: str) -> None:
    """For actions and views: a ValidationError naming the field (the API answers 422)."""
    if not in_window(value):
        raise ValidationError({field: window_message()})


_T = TypeVar("_T", dt.date, dt.datetime)


def _pydantic_check(value: _T) -> _T:
    if not in_window(value):
        raise ValueError(window_message())
    return value


# API schema types: a value outside the window is a 422 whose `loc` names the field.
WindowDate = Annotated[dt.date, AfterValidator(_pydantic_check)]
WindowDateTime = Annotated[dt.datetime, AfterValidator(_pydantic_check)]

# API output datetimes in local time, with their offset (+01:00 in winter, +02:00 in summer).
LocalDateTime = Annotated[dt.datetime, AfterValidator(timezone.localtime)]

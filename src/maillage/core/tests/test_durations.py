"""Durations as people read them, in English and in French."""

import pytest
from django.utils import translation

from maillage.core.durations import format_days, format_minutes


@pytest.mark.parametrize(
    ("minutes", "english", "french"),
    [
        (0, "0 min", "0 min"),
        (30, "30 min", "30 min"),
        (60, "1 h", "1 h"),
        (90, "1 h 30", "1 h 30"),
        (125, "2 h 05", "2 h 05"),
        (1440, "1 day", "1 jour"),
        (1500, "25 h", "25 h"),
        (2880, "2 days", "2 jours"),
    ],
)
def test_minutes_read_in_the_largest_whole_unit(minutes: int, english: str, french: str) -> None:
    with translation.override("en"):
        assert format_minutes(minutes) == english
    with translation.override("fr"):
        # French keeps the number and its unit together with a no-break space.
        assert format_minutes(minutes) == french.replace(" ", "\N{NO-BREAK SPACE}")


def test_days_say_day_or_days() -> None:
    with translation.override("fr"):
        assert format_days(1) == "1\N{NO-BREAK SPACE}jour"
        assert format_days(90) == "90\N{NO-BREAK SPACE}jours"

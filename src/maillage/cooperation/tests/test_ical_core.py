"""The iCalendar writer on its own: escaping, folding at 75 octets, CRLF, UTC times."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from maillage.cooperation.ical import CalendarEvent, calendar, escape_text, fold, utc_stamp

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)


def _unfold(text: str) -> list[str]:
    """The content lines back from the text (RFC 5545 § 3.1): CRLF then a space continues."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def _event(**extra: object) -> CalendarEvent:
    base: dict[str, object] = {
        "uid": "event-7@maillage.example",
        "start": dt.datetime(2026, 7, 2, 18, 30, tzinfo=PARIS),
        "end": dt.datetime(2026, 7, 2, 21, 0, tzinfo=PARIS),
        "summary": "Assemblée générale",
    }
    return CalendarEvent(**{**base, **extra})  # type: ignore[arg-type]


def test_it_writes_a_calendar_that_parses_back_line_by_line() -> None:
    text = calendar(
        [
            _event(
                location="Salle des fêtes, Aubagne",
                description="Ordre du jour :\nvotes; bilan",
                url="https://maillage.example/network/events/7/",
            )
        ],
        name="Maillage Sud",
        now=NOW,
    )
    lines = _unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    fields = dict(line.split(":", 1) for line in lines)
    assert fields["VERSION"] == "2.0"
    assert fields["UID"] == "event-7@maillage.example"
    assert fields["DTSTAMP"] == "20261203T100000Z"
    # 18:30 in Paris in July is 16:30 UTC
    assert fields["DTSTART"] == "20260702T163000Z" and fields["DTEND"] == "20260702T190000Z"
    assert fields["SUMMARY"] == "Assemblée générale"
    assert fields["LOCATION"] == "Salle des fêtes\\, Aubagne"
    assert fields["DESCRIPTION"] == "Ordre du jour :\\nvotes\\; bilan"
    assert fields["URL"] == "https://maillage.example/network/events/7/"
    assert lines.count("BEGIN:VEVENT") == 1 and lines.count("END:VEVENT") == 1


def test_it_escapes_backslash_semicolon_comma_and_newlines() -> None:
    assert escape_text("a\\b;c,d\ne\r\nf\rg") == "a\\\\b\\;c\\,d\\ne\\nf\\ng"


def test_it_folds_long_lines_at_75_octets_without_cutting_a_character() -> None:
    line = "DESCRIPTION:" + "é" * 100  # 2 octets each
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert folded.replace("\r\n ", "") == line


def test_a_line_of_exactly_75_octets_stays_whole() -> None:
    line = "X" * 75
    assert fold(line) == line
    assert fold(line + "Y") == line + "\r\n Y"


def test_every_line_ends_with_crlf_and_none_is_longer_than_75_octets() -> None:
    text = calendar([_event(summary="Visite " * 40)], name="Maillage", now=NOW)
    raw_lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in raw_lines)
    assert "SUMMARY:" + "Visite " * 40 in _unfold(text)


def test_an_empty_calendar_is_still_valid() -> None:
    assert _unfold(calendar([], name="Maillage", now=NOW))[-1] == "END:VCALENDAR"


def test_naive_times_and_backwards_events_are_refused() -> None:
    with pytest.raises(ValueError):
        utc_stamp(dt.datetime(2026, 1, 1, 9, 0))
    with pytest.raises(ValueError, match="ends before"):
        calendar([_event(end=dt.datetime(2026, 7, 1, tzinfo=PARIS))], name="M", now=NOW)

"""iCalendar (RFC 5545) text for the network's events: plain Python, no Django.

Times are written in UTC ("Z"), text values escaped (backslash, semicolon, comma, newline),
content lines folded at 75 octets without splitting a UTF-8 character, lines ended by CRLF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

CRLF = "\r\n"
MAX_OCTETS = 75


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, every newline as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def utc_stamp(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC form; a naive datetime is refused (its zone would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("An aware datetime is needed.")
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """One content line folded: at most 75 octets a line, the rest on lines opened by a space."""
    parts: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            # A continuation line starts with a space, which counts in its 75 octets.
            current, size, limit = "", 0, MAX_OCTETS - 1
        current += char
        size += width
    parts.append(current)
    return (CRLF + " ").join(parts)


def _line(name: str, value: str) -> str:
    return fold(f"{name}:{value}") + CRLF


def calendar(events: Iterable[CalendarEvent], *, name: str, now: dt.datetime) -> str:
    """A VCALENDAR with one VEVENT per event, stamped `now`."""
    out = [
        _line("BEGIN", "VCALENDAR"),
        _line("VERSION", "2.0"),
        _line("PRODID", "-//Maillage//Cooperation events//FR"),
        _line("CALSCALE", "GREGORIAN"),
        _line("METHOD", "PUBLISH"),
        _line("X-WR-CALNAME", escape_text(name)),
    ]
    stamp = utc_stamp(now)
    for event in events:
        if event.end < event.start:
            raise ValueError(f"Event {event.uid} ends before it starts.")
        out += [
            _line("BEGIN", "VEVENT"),
            _line("UID", escape_text(event.uid)),
            _line("DTSTAMP", stamp),
            _line("DTSTART", utc_stamp(event.start)),
            _line("DTEND", utc_stamp(event.end)),
            _line("SUMMARY", escape_text(event.summary)),
        ]
        if event.location:
            out.append(_line("LOCATION", escape_text(event.location)))
        if event.description:
            out.append(_line("DESCRIPTION", escape_text(event.description)))
        if event.url:
            out.append(_line("URL", event.url))
        out.append(_line("END", "VEVENT"))
    out.append(_line("END", "VCALENDAR"))
    return "".join(out)

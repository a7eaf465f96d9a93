"""The strict RFC 5545 check can fail: it takes a valid calendar and rejects each kind of breakage, naming the
section."""

from __future__ import annotations

import pytest

from services.events.tests.feeds.rfc5545 import assert_valid, problems

VALID = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//LCN//Test//NL",
        "CALSCALE:GREGORIAN",
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Amsterdam",
        "BEGIN:STANDARD",
        "DTSTART:20261025T030000",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:20270328T020000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        "UID:series@example.org",
        "DTSTAMP:20261207T100000Z",
        "SEQUENCE:1",
        "STATUS:CONFIRMED",
        "SUMMARY:Katapultdag\\, Utrecht\\; dag één",
        "DESCRIPTION:Een lange beschrijving met é-tekens die over meer dan vijfenze",
        " ventig octetten loopt\\nen een tweede regel.",
        "DTSTART;TZID=Europe/Amsterdam:20270311T093000",
        "DTEND;TZID=Europe/Amsterdam:20270311T170000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2TH;UNTIL=20300314T083000Z",
        "EXDATE;TZID=Europe/Amsterdam:20290308T093000",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:series@example.org",
        "DTSTAMP:20261207T100000Z",
        "SEQUENCE:2",
        "RECURRENCE-ID;TZID=Europe/Amsterdam:20280309T093000",
        "DTSTART;TZID=Europe/Amsterdam:20280420T100000",
        "DTEND;TZID=Europe/Amsterdam:20280420T160000",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:all-day@example.org",
        "DTSTAMP:20261207T100000Z",
        "DTSTART;VALUE=DATE:20270610",
        "DTEND;VALUE=DATE:20270611",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)

BROKEN: dict[str, tuple[str, str, str]] = {
    # name: (text replaced, its replacement, the section the problem names)
    "no VERSION": ("VERSION:2.0\r\n", "", "3.6"),
    "bare LF line ends": ("\r\n", "\n", "3.1"),
    "an unfolded long line": ("vijfenze\r\n ventig", "vijfenzeventig", "3.1"),
    "no UID": ("UID:all-day@example.org\r\n", "", "3.6.1"),
    "DTSTAMP not in UTC": (
        "DTSTAMP:20261207T100000Z\r\nDTSTART;VALUE",
        "DTSTAMP:20261207T100000\r\nDTSTART;VALUE",
        "3.8.7.2",
    ),
    "no DTSTART": ("DTSTART;VALUE=DATE:20270610\r\n", "", "3.6.1"),
    "DTEND before DTSTART": (
        "DTEND;TZID=Europe/Amsterdam:20270311T170000",
        "DTEND;TZID=Europe/Amsterdam:20270311T090000",
        "3.8.2.2",
    ),
    "DTEND with DURATION": ("DTEND;VALUE=DATE:20270611\r\n", "DTEND;VALUE=DATE:20270611\r\nDURATION:P1D\r\n", "3.6.1"),
    "a TZID without VTIMEZONE": ("TZID:Europe/Amsterdam\r\n", "TZID:Europe/Berlin\r\n", "3.6.5"),
    "an observance without TZOFFSETFROM": ("TZOFFSETFROM:+0200\r\n", "", "3.6.5"),
    "all-day DTEND as a time": ("DTEND;VALUE=DATE:20270611", "DTEND:20270611T000000Z", "3.8"),
    "all-day DTSTART without VALUE=DATE": ("DTSTART;VALUE=DATE:20270610", "DTSTART:20270610", "3.3.5"),
    "RECURRENCE-ID of another type": (
        "RECURRENCE-ID;TZID=Europe/Amsterdam:20280309T093000",
        "RECURRENCE-ID;VALUE=DATE:20280309",
        "3.8",
    ),
    "RECURRENCE-ID of no series": (
        "UID:series@example.org\r\nDTSTAMP:20261207T100000Z\r\nSEQUENCE:2",
        "UID:other@example.org\r\nDTSTAMP:20261207T100000Z\r\nSEQUENCE:2",
        "3.8.4.4",
    ),
    "UNTIL on the local clock": ("UNTIL=20300314T083000Z", "UNTIL=20300314T093000", "3.3.10"),
    "an unescaped comma": ("Katapultdag\\, Utrecht", "Katapultdag, Utrecht", "3.3.11"),
    "an unknown status": ("STATUS:CONFIRMED", "STATUS:DONE", "3.8.1.11"),
    "a component left open": ("END:VCALENDAR\r\n", "", "3.4"),
}


def test_the_check_takes_a_valid_calendar() -> None:
    """A valid calendar (a series with its override and EXDATE, an all-day event, a folded line) passes."""
    assert_valid(VALID.encode())


@pytest.mark.parametrize("breakage", sorted(BROKEN))
def test_the_check_rejects_a_broken_calendar(breakage: str) -> None:
    """Each breakage is found, under the section of RFC 5545 it breaks."""
    old, new, section = BROKEN[breakage]
    assert old in VALID
    found = problems(VALID.replace(old, new).encode())
    assert any(problem.startswith(f"{section}:") for problem in found), found
    with pytest.raises(AssertionError, match="not valid RFC 5545"):
        assert_valid(VALID.replace(old, new).encode())

"""Series: an RFC 5545 RRULE over the event's start, expanded with python-dateutil on the zone's wall clock.

dateutil walks a rule period by period and stops only at a matching date past UNTIL or COUNT, or at the year 9999: a
rule that matches nothing (February 30th, a fifth Monday in every month) would walk millions of days. So a rule is
checked when it is written: only the parts a calendar needs, and the event's start must be its first occurrence
(RFC 5545 asks that DTSTART be synchronised with the rule). That check runs on a copy of the rule moved a whole
number of 400-year Gregorian cycles (the same weekdays and leap years) to just before 9999, so even a rule that never
matches ends within four centuries of walking. A rule that matches its start matches again periodically, so every
later expansion ends at the next match past its range.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from lcn_events.events.times import day_start, local

# What the OpenAPI document says a rule looks like; the checks below say which parts and values.
RRULE_PATTERN = r"^(RRULE:)?[A-Za-z]{3,10}=[A-Za-z0-9,+\-]{1,60}(;[A-Za-z]{3,10}=[A-Za-z0-9,+\-]{1,60}){0,8}$"
PARTS = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"})
FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
MAX_COUNT, MAX_INTERVAL, MAX_SERIES_YEARS = 1000, 100, 50
# At most this many occurrences of one series in one answer (a daily series over three years stays under it).
MAX_EXPANDED = 2000
GREGORIAN_CYCLE_YEARS = 400
CHECK_FROM_YEAR = 9589  # the check's copy starts after this year, so at most 410 years before 9999


class InvalidRule(ValueError):
    """A recurrence rule the calendar does not take."""


@dataclass(frozen=True)
class Series:
    """A parsed rule over a start (both on the wall clock): the starts of its occurrences."""

    text: str
    start: datetime
    rule: Any  # dateutil's rrule (untyped)
    bounded: bool  # it has COUNT or UNTIL

    def starts(self) -> Iterator[datetime]:
        """Every occurrence's wall-clock start, in order."""
        return iter(self.rule)

    def between(self, first: datetime, last: datetime) -> list[datetime]:
        """The starts from `first` to `last` (inclusive), at most MAX_EXPANDED of them."""
        found: list[datetime] = []
        for start in self.starts():
            if start > last or len(found) >= MAX_EXPANDED:
                break
            if start >= first:
                found.append(start)
        return found

    def on(self, day: date) -> datetime | None:
        """The occurrence starting on that local day (at most one: no rule part below a day is taken)."""
        found = self.between(day_start(day), day_start(day + timedelta(days=1)) - timedelta(microseconds=1))
        return found[0] if found else None

    def last(self) -> datetime | None:
        """The last occurrence's start; None when the series never ends."""
        if not self.bounded:
            return None
        last = None
        for start in self.starts():
            last = start
        return last

    def index_of(self, start: datetime) -> int | None:
        """Which occurrence (0 the first) starts at `start`; None when none does."""
        for index, found in enumerate(self.starts()):
            if found >= start:
                return index if found == start else None
        return None

    def nth(self, index: int) -> datetime | None:
        """The start of occurrence `index` (0 the first), if the series has it."""
        return next(itertools.islice(self.starts(), index, None), None)


def normalised(text: str) -> dict[str, str]:
    """The rule's parts by name (upper case, without an `RRULE:` prefix); InvalidRule for an unknown or repeated
    part, a missing or sub-daily FREQ, or an INTERVAL or COUNT out of range."""
    body = text.strip().upper().removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for part in body.split(";"):
        name, sign, value = part.partition("=")
        if not sign or not value:
            raise InvalidRule(f"{part!r} is not NAME=VALUE")
        if name not in PARTS:
            raise InvalidRule(f"{name} is not taken; use {', '.join(sorted(PARTS))}")
        if name in parts:
            raise InvalidRule(f"{name} is given twice")
        parts[name] = value
    if parts.get("FREQ") not in FREQUENCIES:
        raise InvalidRule(f"FREQ must be one of {', '.join(sorted(FREQUENCIES))}")
    if "COUNT" in parts and "UNTIL" in parts:
        raise InvalidRule("give COUNT or UNTIL, not both")
    for name, highest in (("INTERVAL", MAX_INTERVAL), ("COUNT", MAX_COUNT)):
        if name in parts and not (parts[name].isdigit() and 1 <= int(parts[name]) <= highest):
            raise InvalidRule(f"{name} must be a whole number from 1 to {highest}")
    return parts


def _until(value: str, zone: ZoneInfo) -> datetime:
    """UNTIL as a wall-clock time: a date means through that day; a UTC time (`Z`) is converted to the zone."""
    try:
        if len(value) == 8:
            return day_start(datetime.strptime(value, "%Y%m%d").date()) + timedelta(days=1, microseconds=-1)
        if value.endswith("Z"):
            return local(datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC), zone)
        return datetime.strptime(value, "%Y%m%dT%H%M%S")
    except ValueError as error:
        raise InvalidRule(f"UNTIL {value!r} is not a date (YYYYMMDD) or a time (YYYYMMDDTHHMMSS[Z])") from error


def _rule(parts: dict[str, str], start: datetime) -> Any:
    """dateutil's rule of these parts (without UNTIL) over `start`."""
    text = ";".join(f"{name}={value}" for name, value in parts.items() if name != "UNTIL")
    try:
        return rrulestr(text, dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise InvalidRule(f"not a valid RRULE: {error}") from error


def _first_is_start(parts: dict[str, str], start: datetime) -> bool:
    """True when the rule's first occurrence is `start`, found on a copy moved whole 400-year cycles towards 9999,
    where even a rule that never matches stops walking within four centuries."""
    cycles = (CHECK_FROM_YEAR - start.year) // GREGORIAN_CYCLE_YEARS + 1
    moved = start.replace(year=start.year + cycles * GREGORIAN_CYCLE_YEARS)
    copy = _rule({name: value for name, value in parts.items() if name != "COUNT"}, moved)
    return next(iter(copy), None) == moved


def parse_series(text: str, *, start: datetime, zone: ZoneInfo, check: bool = True) -> Series:
    """The series of a rule over a wall-clock start in `zone`; InvalidRule when the calendar does not take it
    (`check=False` for a stored rule, which was checked when it was written)."""
    parts = normalised(text)
    rule = _rule(parts, start)
    if "UNTIL" in parts:
        until = _until(parts["UNTIL"], zone)
        if until < start:
            raise InvalidRule("UNTIL is before the event's start")
        if until > start.replace(year=start.year + MAX_SERIES_YEARS):
            raise InvalidRule(f"a series ends within {MAX_SERIES_YEARS} years of its start, or never")
        rule = rule.replace(until=until)
    if check and not _first_is_start(parts, start):
        raise InvalidRule("the event's start is not an occurrence of the rule; start the event on its first occurrence")
    text = ";".join(f"{name}={value}" for name, value in parts.items())
    return Series(text, start, rule, bounded="COUNT" in parts or "UNTIL" in parts)

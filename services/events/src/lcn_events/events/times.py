"""When events take place: IANA time zones (checked with zoneinfo) and spans of wall-clock time in a zone.

The table keeps instants (timestamptz) plus the zone's name. Rules that speak of days and hours (all-day events,
series, the calendar's months) work on the zone's wall clock, so a yearly event at 09:30 stays at 09:30 on both
sides of a change to summer time.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Europe/Amsterdam"
# Only a name made of these can be a zone (what the OpenAPI document says); zoneinfo decides which exist.
TIMEZONE_PATTERN = r"^[A-Za-z][A-Za-z0-9_+\-]{0,30}(/[A-Za-z0-9_+\-]{1,30}){0,2}$"
# The years a calendar holds: far from datetime's limits, so no conversion between zones can overflow.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2200
MIDNIGHT = time(0, 0)
ONE_DAY = timedelta(days=1)


# Files of a system's zone directory that are no zone of the IANA database (`localtime` is the machine's own).
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@cache
def _known_zones() -> frozenset[str]:
    """Every IANA zone name zoneinfo knows (read once)."""
    return frozenset(zoneinfo.available_timezones()) - NOT_ZONES


def zone_of(name: str) -> ZoneInfo:
    """The IANA time zone of this name; ValueError for a name zoneinfo does not know."""
    if name not in _known_zones():
        raise ValueError(f"{name!r} is not an IANA time zone (such as Europe/Amsterdam)")
    return ZoneInfo(name)


def check_year(day: date, what: str) -> None:
    """ValueError unless the day lies in the years a calendar holds."""
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValueError(f"{what} must lie between {EARLIEST_YEAR} and {LATEST_YEAR}")


def wall_clock(moment: datetime, zone: ZoneInfo, what: str) -> datetime:
    """A time as given, as the zone's wall-clock time: a time with an offset is converted, one without is taken as
    the zone's own. ValueError outside the calendar's years, or for a time the zone skips (summer time starts)."""
    check_year(moment.date(), what)  # first: a far year's conversion could overflow
    if moment.tzinfo is not None:
        wall = local(moment, zone)
        check_year(wall.date(), what)
        return wall
    if local(instant(moment, zone), zone) != moment:
        raise ValueError(f"{what} {moment.isoformat()} does not exist in {zone.key}: the clocks move forward then")
    return moment


def instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The instant a wall-clock time in the zone stands for, in UTC."""
    return wall.replace(tzinfo=zone).astimezone(UTC)


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """An instant as the zone's wall-clock time (naive)."""
    return moment.astimezone(zone).replace(tzinfo=None)


def day_start(day: date) -> datetime:
    """The wall-clock midnight that starts a day."""
    return datetime.combine(day, MIDNIGHT)


@dataclass(frozen=True)
class Span:
    """When one occurrence takes place, as wall-clock times in its zone. An all-day span starts at midnight and ends
    at the midnight after its last day; a span without an end (a draft's) lasts its start's day."""

    zone: ZoneInfo
    all_day: bool
    start: datetime
    end: datetime | None

    @classmethod
    def stored(cls, *, timezone: str, all_day: bool, starts_at: datetime, ends_at: datetime | None) -> Span:
        """The span of stored instants in the named zone."""
        zone = ZoneInfo(timezone)
        return cls(zone, all_day, local(starts_at, zone), local(ends_at, zone) if ends_at is not None else None)

    @property
    def starts_at(self) -> datetime:
        """The start as an instant in UTC."""
        return instant(self.start, self.zone)

    @property
    def ends_at(self) -> datetime | None:
        """The end as an instant in UTC."""
        return instant(self.end, self.zone) if self.end is not None else None

    @property
    def start_date(self) -> date:
        """The local day it starts on."""
        return self.start.date()

    @property
    def end_date(self) -> date:
        """The last local day it takes place on (an end at midnight belongs to the day before)."""
        if self.end is None or self.end <= self.start:
            return self.start.date()
        return (self.end - timedelta(microseconds=1)).date()

    @property
    def duration(self) -> timedelta | None:
        """Its wall-clock length."""
        return self.end - self.start if self.end is not None else None

    def moved_to(self, start: datetime) -> Span:
        """The same wall-clock length from another start."""
        return Span(self.zone, self.all_day, start, start + self.duration if self.duration is not None else None)

    def overlaps_days(self, first: date, last: date) -> bool:
        """True when it takes place on any day from `first` to `last`."""
        return self.start_date <= last and self.end_date >= first

    def shown(self) -> dict[str, object]:
        """Its times as the API and the events carry them: dates always (no end date without an end), times (in its
        zone) unless all-day."""
        timed = not self.all_day
        return {
            "all_day": self.all_day,
            "start_date": self.start_date,
            "end_date": self.end_date if self.end is not None else None,
            "starts_at": self.start.replace(tzinfo=self.zone) if timed else None,
            "ends_at": self.end.replace(tzinfo=self.zone) if timed and self.end is not None else None,
        }


def given_span(
    zone: ZoneInfo,
    *,
    all_day: bool,
    starts_at: datetime | None,
    ends_at: datetime | None,
    start_date: date | None,
    end_date: date | None,
) -> Span:
    """The span a request gives: dates for an all-day event, times for the others; ValueError when it is not one."""
    if all_day:
        if starts_at is not None or ends_at is not None:
            raise ValueError("an all-day event takes `start_date` and `end_date` (dates), not `starts_at`/`ends_at`")
        if start_date is None:
            raise ValueError("an all-day event needs `start_date`")
        check_year(start_date, "start_date")
        if end_date is not None:
            check_year(end_date, "end_date")
            if end_date < start_date:
                raise ValueError("`end_date` is before `start_date`")
        end = day_start(end_date) + ONE_DAY if end_date is not None else None
        return Span(zone, True, day_start(start_date), end)
    if start_date is not None or end_date is not None:
        raise ValueError("an event with times takes `starts_at` and `ends_at`; dates are for all-day events")
    if starts_at is None:
        raise ValueError("an event needs `starts_at` (or `all_day` with `start_date`)")
    start = wall_clock(starts_at, zone, "starts_at")
    end = wall_clock(ends_at, zone, "ends_at") if ends_at is not None else None
    if end is not None and end < start:
        raise ValueError("`ends_at` is before `starts_at`")
    return Span(zone, False, start, end)


def instants_around(first: date, last: date) -> tuple[datetime, datetime]:
    """Instants that hold every local day from `first` to `last` in any zone (a day more on either side)."""
    return datetime.combine(first - ONE_DAY, MIDNIGHT, UTC), datetime.combine(last + 2 * ONE_DAY, MIDNIGHT, UTC)


def today(now: datetime) -> date:
    """The day it is in the Netherlands at `now` (the calendar's default zone)."""
    return local(now, ZoneInfo(DEFAULT_TIMEZONE)).date()

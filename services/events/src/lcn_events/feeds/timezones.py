"""VTIMEZONE components (RFC 5545, 3.6.5) built by icalendar from zoneinfo, one per zone and range of years, kept.

icalendar lists a zone's transitions as observances with DTSTART and RDATEs on the local clock. RFC 5545 reads an
onset with the offset in force before it (TZOFFSETFROM: "02:00" for the Dutch change to summer time), but icalendar
writes a change that skips an hour as the wall-clock time after it ("03:00"): a client would change an hour late.
So each onset is put right against zoneinfo: the instant at which the offset changes from TZOFFSETFROM to
TZOFFSETTO, written on the clock before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Timezone

ONE_SECOND = timedelta(seconds=1)


def _onset(zone: ZoneInfo, written: datetime, offset_from: timedelta, offset_to: timedelta) -> datetime:
    """The onset of a change from `offset_from` to `offset_to` near `written`, on the clock before the change."""
    for utc_offset in (offset_to, offset_from):
        moment = (written - utc_offset).replace(tzinfo=UTC)
        if moment.astimezone(zone).utcoffset() == offset_to and (
            (moment - ONE_SECOND).astimezone(zone).utcoffset() == offset_from
        ):
            return (moment + offset_from).replace(tzinfo=None)
    return written


def _values(found: Any) -> list[datetime]:
    """The date-times of an RDATE property, or of a list of them."""
    properties = found if isinstance(found, list) else [found]
    return [value.dt for prop in properties for value in prop.dts]


def _put_right(component: Timezone, zone: ZoneInfo) -> Timezone:
    """The component with every onset written on the clock before it."""
    for observance in component.subcomponents:
        offset_from, offset_to = observance.TZOFFSETFROM, observance.TZOFFSETTO
        if offset_from is None or offset_to is None or offset_from == offset_to:
            continue
        onsets = [observance.DTSTART, *(_values(observance.pop("RDATE")) if "RDATE" in observance else [])]
        first, *others = [_onset(zone, onset, offset_from, offset_to) for onset in onsets]
        observance.pop("DTSTART")
        observance.add("DTSTART", first)
        if others:
            observance.add("RDATE", others)
    return component


@lru_cache(maxsize=256)
def vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of an IANA zone from 1 January of `first_year` to the end of `last_year`, serialised."""
    component = Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1))
    return bytes(_put_right(component, ZoneInfo(tzid)).to_ical())


def vtimezones(years_by_zone: dict[str, tuple[int, int]]) -> Iterable[bytes]:
    """One VTIMEZONE per zone (by name), each over its years."""
    return [vtimezone(tzid, *years_by_zone[tzid]) for tzid in sorted(years_by_zone)]

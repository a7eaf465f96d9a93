"""Events as an RFC 5545 calendar: one VEVENT per event (a series as RRULE, its cancelled occurrences as EXDATE,
each moved one as a VEVENT of its own with RECURRENCE-ID), one VTIMEZONE per TZID used.

Everything in a VEVENT follows from the event's row and its overrides, so each event's text is rendered once per
state of them and kept (`_render`); a feed is its header, its zones and the kept texts. DTSTAMP is the event's last
change: a calendar without METHOD gives there when the information was last revised (RFC 5545, 3.8.7.2), and the
bytes of a feed stay the same until something in it changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from uuid import UUID

from icalendar import Calendar, vDuration, vRecur
from icalendar import Event as VEvent

from lcn_events.events.models import Event, OccurrenceOverride
from lcn_events.events.occurrences import override_span, series_of, span_of
from lcn_events.events.recurrence import normalised
from lcn_events.events.times import DEFAULT_TIMEZONE, EARLIEST_YEAR, LATEST_YEAR, Span, instant, local
from lcn_events.feeds.timezones import vtimezones
from lcn_shared.contracts.events import EventKind

PRODID = "-//LCN//Evenementen//NL"
END = b"END:VCALENDAR\r\n"
# How often a subscribed calendar app should look again (RFC 7986, 5.7; X-PUBLISHED-TTL for Outlook).
REFRESH = timedelta(hours=1)
# Every column a VEVENT is made of: a change of any of them renders the event again.
RENDERED = (
    "event_id",
    "title",
    "kind",
    "description",
    "timezone",
    "all_day",
    "starts_at",
    "ends_at",
    "recurrence",
    "last_ends_at",
    "online_url",
    "status",
    "sequence",
    "created_at",
    "updated_at",
)
MAX_KEPT = 50_000


@dataclass(frozen=True)
class Rendered:
    """An event's VEVENTs as text, the zones they name (TZID) and the years those must cover."""

    text: bytes
    tzids: frozenset[str]
    years: tuple[int, int]


_KEPT: dict[UUID, tuple[tuple[Any, ...], Rendered]] = {}


def _state(event: Event, overrides: Sequence[OccurrenceOverride], host: str) -> tuple[Any, ...]:
    """Everything an event's VEVENTs are made of, comparable."""
    venue = tuple(sorted(event.venue.items())) if event.venue else None
    changed = sorted(
        (found.original_starts_at, found.state, found.starts_at, found.ends_at, found.sequence) for found in overrides
    )
    return (host, venue, tuple(changed), *(getattr(event, name) for name in RENDERED))


def _value(span: Span, wall: datetime) -> date | datetime:
    """A time of the span as RFC 5545 writes it: a DATE for an all-day event, else the time in its zone (TZID)."""
    return wall.date() if span.all_day else wall.replace(tzinfo=span.zone)


def _location(event: Event) -> str | None:
    """The venue on one line (the online link when there is no venue)."""
    venue = event.venue
    if not venue:
        return event.online_url
    place = " ".join(part for part in (venue.get("postal_code"), venue["city"]) if part)
    return ", ".join(part for part in (venue.get("name"), venue["address"], place) if part)


def _description(event: Event) -> str | None:
    """The description, with the online link written out (not every app shows URL or CONFERENCE)."""
    parts = [event.description] if event.description else []
    if event.online_url:
        parts.append(f"Online: {event.online_url}")
    return "\n\n".join(parts) or None


def _component(event: Event, span: Span, *, host: str, sequence: int) -> VEvent:
    """A VEVENT with the event's fields at the span's times."""
    component = VEvent()
    component.add("UID", f"{event.event_id}@{host}")
    component.add("DTSTAMP", event.updated_at.astimezone(UTC))
    component.add("CREATED", event.created_at.astimezone(UTC))
    component.add("LAST-MODIFIED", event.updated_at.astimezone(UTC))
    component.add("SEQUENCE", sequence)
    component.add("STATUS", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    component.add("SUMMARY", event.title)
    component.add("CATEGORIES", [EventKind(event.kind).label])
    component.add("DTSTART", _value(span, span.start))
    # An all-day event's end is the midnight after its last day (DTEND is exclusive); DTEND must be later than
    # DTSTART (3.8.2.2), and a timed event without it ends when it starts.
    if span.end is not None and span.end > span.start:
        component.add("DTEND", _value(span, span.end))
    for name, value in (("DESCRIPTION", _description(event)), ("LOCATION", _location(event))):
        if value:
            component.add(name, value)
    if event.online_url:
        component.add("URL", event.online_url)
        component.add("CONFERENCE", event.online_url, parameters={"VALUE": "URI"})  # RFC 7986, 5.11
    return component


def _rule(event: Event, span: Span) -> vRecur:
    """The series' RRULE; UNTIL as its last start, a DATE or a UTC time as DTSTART is (RFC 5545, 3.3.10)."""
    parts = normalised(event.recurrence or "")
    series = series_of(event)
    last = series.last() if series is not None and "UNTIL" in parts else None
    if last is not None:
        until = last.date().strftime("%Y%m%d") if span.all_day else instant(last, span.zone).strftime("%Y%m%dT%H%M%SZ")
        parts["UNTIL"] = until
    rule: vRecur = vRecur.from_ical(";".join(f"{name}={value}" for name, value in parts.items()))
    return rule


def _years(span: Span) -> tuple[int, int]:
    """The years a VTIMEZONE must cover for a span."""
    return span.start.year, (span.end or span.start).year


def _render(event: Event, overrides: Sequence[OccurrenceOverride], host: str) -> Rendered:
    """The event's VEVENTs: the event (or series) and one per moved occurrence."""
    span = span_of(event)
    master = _component(event, span, host=host, sequence=event.sequence)
    components = [master]
    years = [_years(span)]
    if event.recurrence is not None:
        master.add("RRULE", _rule(event, span))
        # A series without end needs its zone's changes for as long as the calendar holds years.
        last_end = local(event.last_ends_at, span.zone).year if event.last_ends_at is not None else LATEST_YEAR
        years.append((last_end, last_end))
        cancelled = sorted(found.original_starts_at for found in overrides if found.state == "cancelled")
        if cancelled:
            master.add("EXDATE", [_value(span, local(start, span.zone)) for start in cancelled])
        for override in sorted(overrides, key=lambda found: found.original_starts_at):
            if override.state != "moved":
                continue
            moved = override_span(span, override)
            component = _component(event, moved, host=host, sequence=override.sequence)
            component.add("RECURRENCE-ID", _value(span, local(override.original_starts_at, span.zone)))
            components.append(component)
            years.append(_years(moved))
    holder = Calendar()  # what names the TZIDs used (none for dates and UTC times)
    holder.subcomponents.extend(components)
    return Rendered(
        b"".join(bytes(component.to_ical()) for component in components),
        frozenset(holder.get_used_tzids() - {"UTC"}),
        (min(first for first, _ in years), max(last for _, last in years)),
    )


def _cover(years: dict[str, tuple[int, int]], tzid: str, more: tuple[int, int]) -> None:
    """Widen the years a zone's VTIMEZONE covers."""
    first, last = years.get(tzid, more)
    years[tzid] = (min(first, more[0]), max(last, more[1]))


def rendered(event: Event, overrides: Sequence[OccurrenceOverride], *, host: str) -> Rendered:
    """The event's VEVENTs, rendered again only when something they are made of changed."""
    state = _state(event, overrides, host)
    kept = _KEPT.get(event.event_id)
    if kept is not None and kept[0] == state:
        return kept[1]
    if len(_KEPT) >= MAX_KEPT:
        _KEPT.clear()
    found = _render(event, overrides, host)
    _KEPT[event.event_id] = (state, found)
    return found


@lru_cache(maxsize=64)
def _header(name: str | None) -> bytes:
    """The calendar's own properties, from BEGIN:VCALENDAR (without END:VCALENDAR)."""
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    if name is not None:
        calendar.add("NAME", name)  # RFC 7986, 5.1
        calendar.add("X-WR-CALNAME", name)
        calendar.add("X-WR-TIMEZONE", DEFAULT_TIMEZONE)
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))  # the same, as Outlook reads it
    return bytes(calendar.to_ical()).removesuffix(END)


def calendar_of(
    events: Sequence[Event],
    overrides: Mapping[UUID, Sequence[OccurrenceOverride]],
    *,
    host: str,
    name: str | None = None,
) -> bytes:
    """An RFC 5545 calendar of these events (the caller decides which may be shown) and their overrides by event;
    UIDs are `<event id>@<host>`; `name` makes it a named feed (X-WR-CALNAME, X-WR-TIMEZONE)."""
    ordered = sorted(events, key=lambda event: (event.starts_at, str(event.event_id)))
    texts = [rendered(event, overrides.get(event.event_id, ()), host=host) for event in ordered]
    years: dict[str, tuple[int, int]] = {}
    for text in texts:
        for tzid in text.tzids:
            _cover(years, tzid, text.years)
    if name is not None:
        # The zone X-WR-TIMEZONE names, over every event's years; it is also the one component an empty feed holds
        # (3.6 asks for at least one).
        for more in [text.years for text in texts] or [(EARLIEST_YEAR, EARLIEST_YEAR)]:
            _cover(years, DEFAULT_TIMEZONE, more)
    return b"".join([_header(name), *vtimezones(years), *(text.text for text in texts), END])

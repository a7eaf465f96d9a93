"""The feeds' contents: the network's public events under the calendar's filters, or one public event, as ICS.

Both read with the calendar's own queries (`events.repository`): the events in one statement, their overrides in
one more; the network feed is kept per version of the public events (`lcn_events.kept`). A feed holds the public events
(published, rescheduled, cancelled, completed; never a draft) whose occurrences reach from a year ago on: a cancelled
one stays, with STATUS:CANCELLED, so that calendar apps remove it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from uuid import UUID, uuid5

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.calendar.schemas import CalendarFilters
from lcn_events.events import repository
from lcn_events.events import service as events
from lcn_events.events.models import PUBLIC_STATUSES, Event, OccurrenceOverride
from lcn_events.events.occurrences import occurrence_on
from lcn_events.events.repository import EventFilter
from lcn_events.events.times import LATEST_YEAR, instants_around
from lcn_events.feeds.ics import calendar_of
from lcn_events.kept import Body, public_body
from lcn_events.registrations import repository as registrations
from lcn_events.registrations.access import Caller, authorise
from lcn_shared.problems import NotFound, Unauthorized

FEED_NAME = "LCN-evenementen"
# How far back a feed reaches: a subscribed app keeps the past year, and a feed does not grow without end.
PAST_DAYS = 366


def feed_name(filters: CalendarFilters) -> str:
    """The feed's name in calendar apps, naming its landsdeel, top sector and kind."""
    named = [term.label for term in (filters.landsdeel, filters.topsector, filters.kind) if term is not None]
    return f"{FEED_NAME} ({', '.join(named)})" if named else FEED_NAME


async def network_feed(session: AsyncSession, *, event_filter: EventFilter, today: date, host: str, name: str) -> Body:
    """The public events under the filters, from a year before `today` on, as one calendar (kept per version)."""

    async def build() -> bytes:
        first, last = instants_around(today - timedelta(days=PAST_DAYS), date(LATEST_YEAR, 12, 31))
        found = await repository.in_range(session, event_filter, first=first, last=last, sees_all=False)
        series = [event.event_id for event in found if event.recurrence is not None]
        overrides = await repository.overrides_of(session, series)
        return calendar_of(found, overrides, host=host, name=name)

    return await public_body(session, key=("feed", event_filter, today, host, name), make=build)


async def event_feed(session: AsyncSession, *, event_id: UUID, host: str) -> tuple[Event, bytes]:
    """One public event (404 for a draft, whoever asks) as a calendar of its own."""
    event = await events.readable(session, event_id=event_id, principal=None)
    overrides = await repository.overrides_of(session, [event.event_id])
    return event, calendar_of([event], overrides, host=host)


PERSONAL_FEED_NAME = "Mijn LCN-evenementen"


def occurrence_alone(event: Event, overrides: Sequence[OccurrenceOverride], day: date) -> Event | None:
    """One occurrence of a series as an event of its own (not stored): its times, SEQUENCE and status, and a UID of its
    own derived from the series' id and the date, so that it never collides with the series in a calendar app."""
    occurrence = occurrence_on(event, overrides, day)
    if occurrence is None:
        return None  # no longer in its series
    span = occurrence.span
    return Event(
        **event.model_dump()
        | {
            "event_id": uuid5(event.event_id, day.isoformat()),
            "recurrence": None,
            "starts_at": span.starts_at,
            "ends_at": span.ends_at,
            "last_ends_at": span.ends_at,
            "sequence": occurrence.sequence,
            "status": "cancelled" if occurrence.cancelled else event.status,
        }
    )


async def personal_feed(session: AsyncSession, *, registration_id: UUID, token: str | None, host: str) -> bytes:
    """The confirmed places of the person whose link this is, as one calendar: every registration made with the same
    e-mail address (one occurrence of a series as an event of its own, with a UID of its own)."""
    registration = await registrations.get(session, registration_id)
    if registration is None:
        raise NotFound(f"There is no registration {registration_id}.")
    if token is None:
        raise Unauthorized("Use the link given when registering (`?token=`).")
    event = await repository.get(session, registration.event_id)
    assert event is not None  # a registration's event is never deleted (a foreign key)
    authorise(registration, event, Caller(token=token))
    held = await registrations.confirmed_of(session, registration)
    found = {event.event_id: event for event in await repository.many(session, {held.event_id for held in held})}
    overrides = await repository.overrides_of(session, [key for key, event in found.items() if event.recurrence])
    shown: list[Event] = []
    for place in held:
        event = found[place.event_id]
        if event.status not in PUBLIC_STATUSES:
            continue
        if place.occurrence_date is None or event.recurrence is None:
            shown.append(event)
        elif (occurrence := occurrence_alone(event, overrides[event.event_id], place.occurrence_date)) is not None:
            shown.append(occurrence)
    alone = {event.event_id: overrides.get(event.event_id, []) for event in shown if event.recurrence is not None}
    return calendar_of(shown, alone, host=host, name=PERSONAL_FEED_NAME)

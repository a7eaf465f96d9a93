"""The feeds' contents: the network's public events under the calendar's filters, or one public event, as ICS.

Both read with the calendar's own queries (`events.repository`): the events in one statement, their overrides in
one more; the network feed is kept per version of the public events (`feeds.cache`). A feed holds the public events
(published, rescheduled, cancelled, completed; never a draft) whose occurrences reach from a year ago on: a cancelled
one stays, with STATUS:CANCELLED, so that calendar apps remove it.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.calendar.schemas import CalendarFilters
from lcn_events.events import repository
from lcn_events.events import service as events
from lcn_events.events.models import Event
from lcn_events.events.repository import EventFilter
from lcn_events.events.times import LATEST_YEAR, instants_around
from lcn_events.feeds.cache import Kept, cache_of
from lcn_events.feeds.ics import calendar_of

FEED_NAME = "LCN-evenementen"
# How far back a feed reaches: a subscribed app keeps the past year, and a feed does not grow without end.
PAST_DAYS = 366


def feed_name(filters: CalendarFilters) -> str:
    """The feed's name in calendar apps, naming its landsdeel, top sector and kind."""
    named = [term.label for term in (filters.landsdeel, filters.topsector, filters.kind) if term is not None]
    return f"{FEED_NAME} ({', '.join(named)})" if named else FEED_NAME


async def network_feed(session: AsyncSession, *, event_filter: EventFilter, today: date, host: str, name: str) -> Kept:
    """The public events under the filters, from a year before `today` on, as one calendar (kept per version)."""

    async def build() -> bytes:
        first, last = instants_around(today - timedelta(days=PAST_DAYS), date(LATEST_YEAR, 12, 31))
        found = await repository.in_range(session, event_filter, first=first, last=last, sees_all=False)
        series = [event.event_id for event in found if event.recurrence is not None]
        overrides = await repository.overrides_of(session, series)
        return calendar_of(found, overrides, host=host, name=name)

    return await cache_of(session).feed(session, key=(event_filter, today, host, name), build=build)


async def event_feed(session: AsyncSession, *, event_id: UUID, host: str) -> tuple[Event, bytes]:
    """One public event (404 for a draft, whoever asks) as a calendar of its own."""
    event = await events.readable(session, event_id=event_id, principal=None)
    overrides = await repository.overrides_of(session, [event.event_id])
    return event, calendar_of([event], overrides, host=host)

"""The waiting list: free places go to those waiting in their turn (first come, first served), whenever a place
comes free (a cancellation) or may have (a capacity raised, seen by the periodic check), and before anyone new is
let in."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.events import repository as events
from lcn_events.registrations import repository, wire
from lcn_events.registrations.access import SYSTEM
from lcn_events.registrations.history import remember
from lcn_events.registrations.places import Place, place_of
from lcn_events.registrations.wire import Tally


async def fill_places(session: AsyncSession, *, place: Place, tally: Tally, now: datetime, origin: str) -> int:
    """Promote those waiting for the place while it has room, in their turn (the caller holds the event's lock);
    how many. Nothing once the place no longer takes place or is over."""
    waiting = tally.counts["waitlisted"]
    if not waiting or not tally.has_room() or not place.live or place.over(now):
        return 0
    free = tally.free
    limit = waiting if free is None else min(free, waiting)
    found = await repository.first_waiting(
        session, event_id=place.event.event_id, occurrence_date=place.occurrence_date, limit=limit
    )
    for registration in found:
        registration.status, registration.confirmed_at, registration.updated_at = "confirmed", now, now
        repository.add(session, registration)
        tally.moved("waitlisted", "confirmed")
        remember(
            session, registration, change="promoted", old_status="waitlisted", actor=SYSTEM, origin=origin, now=now
        )
        wire.promoted(session, registration, place, tally, now)
    return len(found)


async def fill_free_places(session: AsyncSession, *, now: datetime) -> int:
    """The periodic check: every live place with room and a waiting list gets its places filled; how many were
    promoted. Events are locked in id order, so concurrent checks (on every replica) queue instead of deadlocking."""
    promoted = 0
    for event_id, occurrence_date in await repository.places_with_room(session, now=now):
        event = await events.get(session, event_id, for_update=True)
        if event is None:
            continue
        overrides = (await events.overrides_of(session, [event_id]))[event_id]
        place = place_of(event, overrides, occurrence_date)
        tally = await wire.tally_of(session, place)
        promoted += await fill_places(session, place=place, tally=tally, now=now, origin="worker")
    return promoted

"""Registering and every later step of a registration (ADR 0031).

Each step locks the event's row first (`SELECT ... FOR UPDATE`): the registrations of one event are decided one at a
time, so the count of confirmed ones a step reads is the truth until it commits and capacity is never oversold. A
single event takes registrations while published (or rescheduled), from `registration_opens_at` until
`registration_closes_at` (by default its start); a series' occurrence likewise, each one with the event's capacity.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.events import repository as events
from lcn_events.events.access import may_see
from lcn_events.events.models import Event, OccurrenceOverride
from lcn_events.registrations import repository, wire
from lcn_events.registrations.access import REGISTRANT, Caller, authorise, new_token
from lcn_events.registrations.history import remember
from lcn_events.registrations.models import Registration
from lcn_events.registrations.places import Place, chosen_place, place_of
from lcn_events.registrations.schemas import RegistrationCreate
from lcn_events.registrations.waiting import fill_places
from lcn_events.registrations.wire import Tally
from lcn_shared.cursors import cursor_bigint, page_of, read_cursor
from lcn_shared.problems import Conflict, NotFound


@dataclass(frozen=True)
class Registered:
    """The answer to registering: the registration, its place, its turn if waiting, and the link's secret the first
    time only (None when the address had registered already)."""

    registration: Registration
    place: Place
    position: int | None
    token: str | None


def _remember(
    session: AsyncSession, registration: Registration, caller: Caller, *, change: str, old_status: str, now: datetime
) -> None:
    """The history entry of a step the caller took."""
    remember(
        session, registration, change=change, old_status=old_status, actor=caller.actor, origin=caller.origin, now=now
    )


def _closed(event: Event, reason: str, detail: str) -> Conflict:
    """The 409 of a place that takes no registrations now, with a reason a client can act on."""
    return Conflict(detail, reason=reason, event_status=event.status)


def check_open(place: Place, now: datetime) -> None:
    """409 unless the place takes registrations at `now`: live, its window open, not over."""
    event = place.event
    if not place.live:
        what = "the occurrence" if place.cancelled and event.status != "cancelled" else f"event {event.event_id}"
        state = "cancelled" if place.cancelled else event.status
        raise _closed(event, "not-live", f"Registration is closed: {what} is {state}.")
    opens, closes = event.registration_opens_at, event.registration_closes_at or place.starts_at
    if opens is not None and now < opens:
        raise _closed(event, "not-yet-open", f"Registration opens at {opens.isoformat()}.")
    if place.over(now) or (closes is not None and now >= closes):
        when = closes.isoformat() if closes is not None else "the start"
        raise _closed(event, "closed", f"Registration closed at {when}.")


async def _event_locked(session: AsyncSession, event_id: UUID) -> Event:
    """The event, locked; 404 when unknown or still a draft (a draft's id tells nothing)."""
    event = await events.get(session, event_id, for_update=True)
    if event is None or not may_see(event, None):
        raise NotFound(f"No event {event_id}.")
    return event


async def _overrides(session: AsyncSession, event: Event) -> list[OccurrenceOverride]:
    """A series' overridden occurrences; none are read for a single event, whose place does not depend on them."""
    if event.recurrence is None:
        return []
    return (await events.overrides_of(session, [event.event_id]))[event.event_id]


async def place_for(session: AsyncSession, registration: Registration, event: Event) -> Place:
    """Where a registration's event (or occurrence) stands now."""
    return place_of(event, await _overrides(session, event), registration.occurrence_date)


async def register(session: AsyncSession, *, event_id: UUID, data: RegistrationCreate, now: datetime) -> Registered:
    """Register a person: the address's standing registration when there is one (no new row, no link), else a new
    one, confirmed while there is room (after those waiting), waitlisted when full, pending when the event asks for
    approval."""
    event = await _event_locked(session, event_id)
    place = chosen_place(event, await _overrides(session, event), data.occurrence_date, now=now)
    email_key = data.email.lower()
    standing = await repository.standing_for(
        session, event_id=event_id, occurrence_date=place.occurrence_date, email_key=email_key
    )
    if standing is not None:
        return Registered(standing, place, await repository.position_of(session, standing), token=None)
    check_open(place, now)
    tally = await wire.tally_of(session, place)
    await fill_places(session, place=place, tally=tally, now=now, origin="api")
    status = "pending" if event.requires_approval else "confirmed" if tally.has_room() else "waitlisted"
    token, digest = new_token()
    registration = await repository.insert_registration(
        session,
        {
            "registration_id": uuid.uuid4(),
            "event_id": event_id,
            "occurrence_date": place.occurrence_date,
            "status": status,
            "name": data.name,
            "email": data.email,
            "email_key": email_key,
            "organisation": data.organisation,
            "token_digest": digest,
            "queued": await repository.next_in_queue(session, event_id) if status == "waitlisted" else None,
            "registered_at": now,
            "confirmed_at": now if status == "confirmed" else None,
            "updated_at": now,
        },
    )
    remember(session, registration, change="registered", old_status=None, actor=REGISTRANT, origin="api", now=now)
    position = _announce_place(session, registration, place, tally, now, old_status=None)
    return Registered(registration, place, position, token)


def _announce_place(
    session: AsyncSession,
    registration: Registration,
    place: Place,
    tally: Tally,
    now: datetime,
    *,
    old_status: str | None,
) -> int | None:
    """Count a registration that got a place or joined the waiting list and record its event; its turn if waiting."""
    tally.moved(old_status, registration.status)
    if registration.status == "confirmed":
        wire.confirmed(session, registration, place, tally, now)
    elif registration.status == "waitlisted":
        position = tally.counts["waitlisted"]  # it joined last
        wire.waitlisted(session, registration, place, tally, now, position=position)
        return position
    return None


async def _locked(session: AsyncSession, registration_id: UUID, caller: Caller) -> tuple[Registration, Event]:
    """The registration and its event, both locked (the event first, as every step takes them) once the caller is
    known to be the person or the organiser: 404, 401, 403 before any lock."""
    found = await repository.get(session, registration_id)
    if found is None:
        raise NotFound(f"No registration {registration_id}.")
    event = await events.get(session, found.event_id)
    assert event is not None  # a registration's event stays (its rows go with it)
    authorise(found, event, caller)
    event = await events.get(session, found.event_id, for_update=True)
    registration = await repository.get(session, registration_id, for_update=True)
    assert event is not None
    assert registration is not None
    return registration, event


async def readable(session: AsyncSession, *, registration_id: UUID, caller: Caller) -> tuple[Registration, Place]:
    """A registration and where its event stands, for the person (their link) or the organiser."""
    registration = await repository.get(session, registration_id)
    if registration is None:
        raise NotFound(f"No registration {registration_id}.")
    event = await events.get(session, registration.event_id)
    assert event is not None
    authorise(registration, event, caller)
    return registration, await place_for(session, registration, event)


async def cancel(
    session: AsyncSession, *, registration_id: UUID, caller: Caller, now: datetime
) -> tuple[Registration, Place]:
    """Cancel a registration (the person through their link, or the organiser); a confirmed one's place goes to the
    first waiting. Cancelling again changes nothing; a declined registration stays declined (409)."""
    registration, event = await _locked(session, registration_id, caller)
    by = authorise(registration, event, caller)
    place = await place_for(session, registration, event)
    if registration.status == "cancelled":
        return registration, place
    if registration.status == "declined":
        raise Conflict(f"Registration {registration_id} was declined; there is nothing to cancel.")
    tally = await wire.tally_of(session, place)
    previous = registration.status
    registration.status, registration.cancelled_at, registration.updated_at = "cancelled", now, now
    registration.queued = None
    repository.add(session, registration)
    tally.moved(previous, "cancelled")
    _remember(session, registration, caller, change="cancelled", old_status=previous, now=now)
    wire.cancelled(session, registration, place, tally, now, previous_status=previous, by=by)
    await fill_places(session, place=place, tally=tally, now=now, origin=caller.origin)
    await session.flush()
    return registration, place


async def _pending(
    session: AsyncSession, registration_id: UUID, caller: Caller, verb: str
) -> tuple[Registration, Event]:
    """A pending registration, locked, for its organiser or the team: 409 for any other status."""
    registration, event = await _locked(session, registration_id, caller)
    if registration.status != "pending":
        raise Conflict(
            f"Registration {registration_id} is {registration.status}: only a pending one is {verb}.",
            registration_status=registration.status,
        )
    return registration, event


async def approve(session: AsyncSession, *, registration_id: UUID, caller: Caller, now: datetime) -> Registered:
    """Approve a pending registration: confirmed while there is room (after those waiting), else waitlisted; 409
    once its event or occurrence no longer takes place."""
    registration, event = await _pending(session, registration_id, caller, "approved")
    place = await place_for(session, registration, event)
    if not place.live or place.over(now):
        raise _closed(event, "not-live", f"Event {event.event_id} no longer takes place here; decline instead.")
    tally = await wire.tally_of(session, place)
    await fill_places(session, place=place, tally=tally, now=now, origin=caller.origin)
    registration.status = "confirmed" if tally.has_room() else "waitlisted"
    if registration.status == "confirmed":
        registration.confirmed_at = now
    else:
        registration.queued = await repository.next_in_queue(session, event.event_id)
    registration.updated_at = now
    repository.add(session, registration)
    _remember(session, registration, caller, change="approved", old_status="pending", now=now)
    position = _announce_place(session, registration, place, tally, now, old_status="pending")
    await session.flush()
    return Registered(registration, place, position, token=None)


async def decline(
    session: AsyncSession, *, registration_id: UUID, caller: Caller, now: datetime
) -> tuple[Registration, Place]:
    """Decline a pending registration: it stays declined (registering again gives it back)."""
    registration, event = await _pending(session, registration_id, caller, "declined")
    registration.status, registration.updated_at = "declined", now
    repository.add(session, registration)
    _remember(session, registration, caller, change="declined", old_status="pending", now=now)
    await session.flush()
    return registration, await place_for(session, registration, event)


async def renew_link(session: AsyncSession, *, registration_id: UUID, caller: Caller, now: datetime) -> str:
    """A new link secret for a registration, for the organiser to hand to the person who lost theirs (after making
    sure it is them); the old link stops working."""
    registration, _ = await _locked(session, registration_id, caller)
    token, registration.token_digest = new_token()
    registration.updated_at = now
    repository.add(session, registration)
    _remember(session, registration, caller, change="link-renewed", old_status=registration.status, now=now)
    await session.flush()
    return token


async def attendees_page(
    session: AsyncSession,
    *,
    event_id: UUID,
    occurrence_date: date | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Registration], str | None]:
    """A page of the event's (or occurrence's) registrations in the order they were made, and the next cursor."""
    tag = f"registrations:{event_id}:{occurrence_date}:{status}"
    after = read_cursor(cursor, tag=tag, parse=lambda position: cursor_bigint(position["after"]))
    rows = await repository.listed(
        session, event_id=event_id, occurrence_date=occurrence_date, status=status, after=after, limit=limit + 1
    )
    return page_of(rows, limit=limit, position=lambda row: {"after": row.seq}, tag=tag)

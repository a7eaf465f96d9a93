"""One occurrence of a series moved or cancelled on its own: an override keyed by the start it had in the series,
with its own SEQUENCE (the series' plus one when made, plus one with every later change an attendee notices)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any
from uuid import UUID

from fastapi.exceptions import RequestValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.events import repository, wire
from lcn_events.events.changes import announce, changing, check_open, record
from lcn_events.events.models import Event, OccurrenceOverride
from lcn_events.events.occurrences import Occurrence, occurrence_on, span_of
from lcn_events.events.schemas import OccurrenceMove
from lcn_events.events.times import given_span
from lcn_shared.auth import Principal
from lcn_shared.contracts.events import CalendarEvent, EventState
from lcn_shared.problems import Conflict, NotFound


async def _changing(
    session: AsyncSession, *, event_id: UUID, day: date, expected_version: int | None, principal: Principal
) -> tuple[Event, Occurrence, OccurrenceOverride | None]:
    """The event (locked, checked as every change is, still open), the series' occurrence of that date and its
    override (if any): 404 for a single event or another date, 409 for a cancelled occurrence."""
    event = await changing(session, event_id=event_id, expected_version=expected_version, principal=principal)
    check_open(event)
    if event.recurrence is None:
        raise NotFound(f"Event {event.event_id} is not a series; change the event itself.")
    overrides = (await repository.overrides_of(session, [event.event_id]))[event.event_id]
    occurrence = occurrence_on(event, overrides, day)
    if occurrence is None:
        raise NotFound(f"Event {event.event_id} has no occurrence on {day.isoformat()}.")
    override = next((found for found in overrides if found.original_starts_at == occurrence.original_starts_at), None)
    if occurrence.state == "cancelled":
        raise Conflict(f"The occurrence of {day.isoformat()} is cancelled; it no longer changes.")
    return event, occurrence, override


async def _override(
    session: AsyncSession,
    event: Event,
    occurrence: Occurrence,
    override: OccurrenceOverride | None,
    *,
    change: str,
    changes: dict[str, Any],
    make: Callable[[EventState], CalendarEvent],
    principal: Principal,
    now: datetime,
    **values: Any,
) -> Event:
    """Set the occurrence's override to `values` (a new one starts at the series' SEQUENCE), its SEQUENCE one on
    for a published event; record the change and announce it."""
    published = event.published_at is not None
    if override is None:
        override = OccurrenceOverride(
            event_id=event.event_id,
            original_starts_at=occurrence.original_starts_at,
            state="moved",
            starts_at=occurrence.span.starts_at,
            ends_at=None,
            sequence=event.sequence,
        )
    override.sequence += published
    override.updated_by, override.updated_at = principal.actor, now
    for name, value in values.items():
        setattr(override, name, value)
    repository.add(session, override)
    record(
        session,
        event,
        change=change,
        changes={"occurrence_date": {"old": None, "new": occurrence.occurrence_date}} | changes,
        principal=principal,
        now=now,
    )
    await announce(session, event, make, now=now)
    await session.flush()
    return event


async def move_occurrence(
    session: AsyncSession,
    *,
    event_id: UUID,
    day: date,
    data: OccurrenceMove,
    expected_version: int | None,
    principal: Principal,
    now: datetime,
) -> Event:
    """Move one occurrence to other times (dates for an all-day series); nothing changes when it is already there."""
    event, occurrence, override = await _changing(
        session, event_id=event_id, day=day, expected_version=expected_version, principal=principal
    )
    series_span = span_of(event)
    try:
        target = given_span(
            series_span.zone,
            all_day=event.all_day,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            start_date=data.start_date,
            end_date=data.end_date,
        )
    except ValueError as error:
        raise RequestValidationError([{"loc": ("body",), "msg": str(error), "type": "value_error"}]) from error
    ends_at = target.ends_at if target.end is not None else None
    if override is not None and (override.starts_at, override.ends_at) == (target.starts_at, ends_at):
        return event
    before = occurrence.span
    changes = {
        "starts_at": {"old": before.starts_at, "new": target.starts_at},
        "ends_at": {"old": before.ends_at, "new": ends_at},
    }
    make = partial(wire.rescheduled, event, before=before, now=now, occurrence_date=day)
    return await _override(
        session,
        event,
        occurrence,
        override,
        change="occurrence-moved",
        changes=changes,
        make=make,
        principal=principal,
        now=now,
        starts_at=target.starts_at,
        ends_at=ends_at,
    )


async def cancel_occurrence(
    session: AsyncSession,
    *,
    event_id: UUID,
    day: date,
    reason: str | None,
    expected_version: int | None,
    principal: Principal,
    now: datetime,
) -> Event:
    """Cancel one occurrence of a series; the others stay, and it stays cancelled when the series is edited."""
    event, occurrence, override = await _changing(
        session, event_id=event_id, day=day, expected_version=expected_version, principal=principal
    )
    changes = {"state": {"old": occurrence.state, "new": "cancelled"}, "reason": reason}
    make = partial(wire.cancelled, event, now=now, occurrence_date=day)
    return await _override(
        session,
        event,
        occurrence,
        override,
        change="occurrence-cancelled",
        changes=changes,
        make=make,
        principal=principal,
        now=now,
        state="cancelled",
    )

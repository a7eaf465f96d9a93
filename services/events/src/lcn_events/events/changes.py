"""What every change of an event does: lock and check it, move its version, write its history, bump its SEQUENCE
when an attendee would notice, and announce it on the wire once the event is public."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.events import repository
from lcn_events.events.access import authorise_change
from lcn_events.events.models import CLOSED_STATUSES, Event, EventChange
from lcn_events.events.state import names_for, wire_state
from lcn_shared.auth import Principal
from lcn_shared.contracts.events import CalendarEvent, EventState
from lcn_shared.messaging.outbox import record_event
from lcn_shared.problems import Conflict, NotFound, PreconditionFailed

ORIGIN = "api"
# RFC 5545 SEQUENCE grows when one of these changes (once the event was published): an attendee would notice.
ATTENDEE_FIELDS = frozenset(
    {"title", "starts_at", "ends_at", "timezone", "all_day", "venue", "online_url", "status", "recurrence"}
)
# A change of these moves the event in time: a public one is then `rescheduled`.
TIME_FIELDS = frozenset({"starts_at", "ends_at", "timezone", "all_day", "recurrence"})


async def changing(
    session: AsyncSession, *, event_id: UUID, expected_version: int | None, principal: Principal
) -> Event:
    """The event, locked, when the principal may change it (403) and `If-Match` names its version (412)."""
    event = await repository.get(session, event_id, for_update=True)
    if event is None:
        raise NotFound(f"No event {event_id}.")
    authorise_change(event, principal)
    if expected_version is not None and expected_version != event.version:
        raise PreconditionFailed(
            f"Event {event_id} is at version {event.version}, not {expected_version}; fetch it and retry.",
            current_version=event.version,
        )
    return event


def check_open(event: Event) -> None:
    """409 for a cancelled or completed event: it is kept as it was."""
    if event.status in CLOSED_STATUSES:
        raise Conflict(f"Event {event.event_id} is {event.status}; it no longer changes.", event_status=event.status)


def publish_problems(*, ends_at: datetime | None, venue: Any, online_url: str | None) -> list[str]:
    """Why an event with these values cannot be published (nothing when it can)."""
    problems = []
    if ends_at is None:
        problems.append("it has no end (`ends_at`, or `end_date` for an all-day event)")
    if venue is None and online_url is None:
        problems.append("it has no place (`venue` or `online_url`)")
    return problems


def jsonable(value: Any) -> Any:
    """A value as the history stores it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(name): jsonable(item) for name, item in value.items()}
    return value


def record(
    session: AsyncSession,
    event: Event,
    *,
    change: str,
    changes: Mapping[str, Any],
    principal: Principal,
    now: datetime,
) -> None:
    """Move the event one version on and stage its history entry (`changes` as stored: field -> {old, new})."""
    event.version += 1
    event.updated_by, event.updated_at = principal.actor, now
    repository.add(session, event)
    entry = EventChange(
        event_id=event.event_id,
        version=event.version,
        change=change,
        changes=jsonable(dict(changes)),
        actor=principal.actor,
        origin=ORIGIN,
        changed_at=now,
    )
    repository.add(session, entry)


def differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose value differs, each with its old and new value as the history stores them."""
    return {
        name: {"old": jsonable(old.get(name)), "new": jsonable(value)}
        for name, value in new.items()
        if jsonable(old.get(name)) != jsonable(value)
    }


async def bump_sequence(session: AsyncSession, event: Event, changed: set[str]) -> None:
    """One more SEQUENCE for the event and its overridden occurrences when a published event changed in a way its
    attendees notice (a draft has no attendees: it is published at the SEQUENCE it has)."""
    if event.published_at is not None and changed & ATTENDEE_FIELDS:
        event.sequence += 1
        await repository.bump_override_sequences(session, event.event_id)


async def announce(
    session: AsyncSession, event: Event, make: Callable[[EventState], CalendarEvent], *, now: datetime
) -> None:
    """Record the event's wire event, carrying its whole public state, when it is public (never for a draft)."""
    if event.published_at is None:
        return
    await session.flush()
    overrides = (await repository.overrides_of(session, [event.event_id]))[event.event_id]
    state = wire_state(event, overrides, await names_for(session, [event]))
    record_event(session, make(state), occurred_at=now)

"""An event's lifecycle: draft -> published -> rescheduled / cancelled / completed (ADR 0030). Any other step is
a 409; publishing needs an end and a place (422 otherwise); completing needs the last occurrence to have ended."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.events import repository, wire
from lcn_events.events.changes import announce, bump_sequence, changing, publish_problems, record
from lcn_events.events.models import Event
from lcn_events.events.occurrences import override_span, span_of
from lcn_shared.auth import Principal
from lcn_shared.contracts.events import CalendarEvent, EventState
from lcn_shared.problems import Conflict, UnprocessableContent

LIVE = ("published", "rescheduled")


def _step(event: Event, *, verb: str, allowed: tuple[str, ...]) -> None:
    """409 unless the event is in one of the statuses the step leaves from."""
    if event.status not in allowed:
        raise Conflict(
            f"Event {event.event_id} is {event.status}: only an event that is {' or '.join(allowed)} can be {verb}.",
            event_status=event.status,
        )


def unpublishable(event: Event) -> list[str]:
    """Why the draft cannot be published (nothing when it can)."""
    return publish_problems(ends_at=event.ends_at, venue=event.venue, online_url=event.online_url)


async def publish_draft(session: AsyncSession, event: Event, *, principal: Principal, now: datetime) -> None:
    """Publish a locked draft that can be published: public from now on, at the SEQUENCE it has."""
    event.status, event.published_at = "published", now
    changes = {"status": {"old": "draft", "new": "published"}}
    record(session, event, change="published", changes=changes, principal=principal, now=now)
    await announce(session, event, partial(wire.published, event, now=now), now=now)


async def publish(
    session: AsyncSession, *, event_id: UUID, expected_version: int | None, principal: Principal, now: datetime
) -> Event:
    """Publish a draft: 409 for any other status, 422 naming what it lacks."""
    event = await changing(session, event_id=event_id, expected_version=expected_version, principal=principal)
    _step(event, verb="published", allowed=("draft",))
    problems = unpublishable(event)
    if problems:
        raise UnprocessableContent(
            f"Event {event_id} cannot be published: {'; '.join(problems)}.",
            errors=[{"event_id": str(event_id), "title": event.title, "problems": problems}],
        )
    await publish_draft(session, event, principal=principal, now=now)
    await session.flush()
    return event


async def _close(
    session: AsyncSession,
    event: Event,
    *,
    status: str,
    make: Callable[[EventState], CalendarEvent],
    principal: Principal,
    now: datetime,
    reason: str | None = None,
) -> Event:
    """End a public event's life as `status` (cancelled, completed): a change its attendees notice, announced."""
    changes: dict[str, Any] = {"status": {"old": event.status, "new": status}}
    if reason is not None:
        changes["reason"] = reason
    event.status = status
    await bump_sequence(session, event, {"status"})
    record(session, event, change=status, changes=changes, principal=principal, now=now)
    await announce(session, event, make, now=now)
    await session.flush()
    return event


async def cancel(
    session: AsyncSession,
    *,
    event_id: UUID,
    reason: str | None,
    expected_version: int | None,
    principal: Principal,
    now: datetime,
) -> Event:
    """Cancel a public event (every occurrence of a series); the reason stays in the history."""
    event = await changing(session, event_id=event_id, expected_version=expected_version, principal=principal)
    _step(event, verb="cancelled", allowed=LIVE)
    make = partial(wire.cancelled, event, now=now)
    return await _close(session, event, status="cancelled", make=make, principal=principal, now=now, reason=reason)


async def _last_end(session: AsyncSession, event: Event) -> datetime | None:
    """When the event's last occurrence ends (a moved one included); None for a series that never ends."""
    if event.recurrence is not None and event.last_ends_at is None:
        return None
    span = span_of(event)
    ends = [event.last_ends_at or span.ends_at or span.starts_at]
    for override in (await repository.overrides_of(session, [event.event_id]))[event.event_id]:
        moved = override_span(span, override)
        ends.append(moved.ends_at or moved.starts_at)
    return max(ends)


async def complete(
    session: AsyncSession, *, event_id: UUID, expected_version: int | None, principal: Principal, now: datetime
) -> Event:
    """Mark a public event completed once its last occurrence has ended (by the service's clock)."""
    event = await changing(session, event_id=event_id, expected_version=expected_version, principal=principal)
    _step(event, verb="completed", allowed=LIVE)
    last_end = await _last_end(session, event)
    if last_end is None:
        raise Conflict(f"Event {event_id} is a series without an end: it never completes (cancel it, or end it).")
    if last_end > now:
        raise Conflict(f"Event {event_id} has not ended yet (it ends at {last_end.isoformat()}).")
    make = partial(wire.updated, event, fields=["status"], now=now)
    return await _close(session, event, status="completed", make=make, principal=principal, now=now)

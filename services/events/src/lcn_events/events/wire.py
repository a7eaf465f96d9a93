"""The events on the wire of each change of a public event, built from its state (`changes.announce` records them)."""

from __future__ import annotations

from datetime import date, datetime

from lcn_events.events.models import Event
from lcn_events.events.times import Span
from lcn_shared.contracts.events import EventCancelled, EventPublished, EventRescheduled, EventState, EventUpdated


def published(event: Event, state: EventState, *, now: datetime) -> EventPublished:
    """A draft became public."""
    return EventPublished(event_id=event.event_id, state=state, published_at=now)


def rescheduled(
    event: Event, state: EventState, *, before: Span, now: datetime, occurrence_date: date | None = None
) -> EventRescheduled:
    """The event, or one occurrence (`occurrence_date`), moved; `before` is where it was."""
    return EventRescheduled(
        event_id=event.event_id,
        state=state,
        occurrence_date=occurrence_date,
        previous_start_date=before.start_date,
        previous_starts_at=None if before.all_day else before.start.replace(tzinfo=before.zone),
        rescheduled_at=now,
    )


def cancelled(event: Event, state: EventState, *, now: datetime, occurrence_date: date | None = None) -> EventCancelled:
    """The event, or one occurrence (`occurrence_date`), was cancelled."""
    return EventCancelled(event_id=event.event_id, state=state, occurrence_date=occurrence_date, cancelled_at=now)


def updated(event: Event, state: EventState, *, fields: list[str], now: datetime) -> EventUpdated:
    """Any other change of a public event."""
    return EventUpdated(event_id=event.event_id, state=state, changed_fields=fields, updated_at=now)

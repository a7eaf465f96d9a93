"""Writing events into the outbox inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from opentelemetry import propagate
from sqlalchemy import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared.contracts.base import EventContract
from lcn_shared.messaging.tables import OutboxMessage


def _row(event: EventContract, occurred_at: datetime, trace_context: dict[str, str]) -> dict[str, Any]:
    """The outbox row of one event."""
    return {
        "event_id": uuid.uuid4(),
        "topic": event.topic,
        "message_key": event.aggregate_id(),
        "event_type": event.event_type,
        "source": event.source,
        "subject": event.aggregate_id(),
        "occurred_at": occurred_at,
        "payload": event.model_dump(mode="json"),
        "trace_context": trace_context,
    }


def _current_trace_context() -> dict[str, str]:
    """The current span's context (the HTTP request), so it continues through the relay into every consumer."""
    trace_context: dict[str, str] = {}
    propagate.inject(trace_context)
    return trace_context


async def add_event(session: AsyncSession, event: EventContract, *, occurred_at: datetime | None = None) -> UUID:
    """Stage `event` in the outbox of the session's transaction; the relay publishes it after commit.
    Returns the event id (the CloudEvents id)."""
    row = _row(event, occurred_at or datetime.now(UTC), _current_trace_context())
    # A Core insert: the outbox row is never read back, so the ORM's unit of work would be pure cost.
    await session.exec(insert(OutboxMessage).values(**row))
    return UUID(str(row["event_id"]))


async def add_events(
    session: AsyncSession, events: Sequence[EventContract], *, occurred_at: datetime | None = None
) -> None:
    """Stage many events in one round trip (bulk imports); their order is the outbox order."""
    if not events:
        return
    when, trace_context = occurred_at or datetime.now(UTC), _current_trace_context()
    await session.exec(insert(OutboxMessage), params=[_row(event, when, trace_context) for event in events])

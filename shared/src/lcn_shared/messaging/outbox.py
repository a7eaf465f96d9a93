"""Writing events into the outbox inside the caller's transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from uuid import UUID

from opentelemetry import propagate
from sqlalchemy import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared.contracts.base import EventContract
from lcn_shared.messaging.tables import OutboxMessage


async def add_event(session: AsyncSession, event: EventContract, *, occurred_at: datetime | None = None) -> UUID:
    """Stage `event` in the outbox of the session's transaction; the relay publishes it after commit.
    Returns the event id (the CloudEvents id)."""
    trace_context: dict[str, str] = {}
    # The current span (the HTTP request) continues through the relay into every consumer.
    propagate.inject(trace_context)
    event_id = uuid.uuid4()
    # A Core insert: the outbox row is never read back, so the ORM's unit of work would be pure cost.
    statement = insert(OutboxMessage).values(
        event_id=event_id,
        topic=event.topic,
        message_key=event.aggregate_id(),
        event_type=event.event_type,
        source=event.source,
        subject=event.aggregate_id(),
        occurred_at=occurred_at or datetime.now(UTC),
        payload=event.model_dump(mode="json"),
        trace_context=trace_context,
    )
    await session.exec(statement)
    return event_id

"""Writing events into the outbox inside the caller's transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from opentelemetry import propagate
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared.contracts.base import EventContract
from lcn_shared.messaging.tables import OutboxMessage


def add_event(session: AsyncSession, event: EventContract, *, occurred_at: datetime | None = None) -> OutboxMessage:
    """Stage `event` in the outbox of the session's transaction; the relay publishes it after commit."""
    trace_context: dict[str, str] = {}
    # The current span (the HTTP request) continues through the relay into every consumer.
    propagate.inject(trace_context)
    message = OutboxMessage(
        event_id=uuid.uuid4(),
        topic=event.topic,
        message_key=event.aggregate_id(),
        event_type=event.event_type,
        source=event.source,
        subject=event.aggregate_id(),
        occurred_at=occurred_at or datetime.now(UTC),
        payload=event.model_dump(mode="json"),
        trace_context=trace_context,
    )
    session.add(message)
    return message

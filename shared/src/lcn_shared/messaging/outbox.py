"""Writing events into the outbox inside the caller's transaction.

Service functions record events on the session (`record_event`); the unit of work writes them to
the outbox in one bulk insert just before it commits, and forgets them when it rolls back
(cosmicpython's `collect_new_events`). No function has to thread a list of events through its calls.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from opentelemetry import propagate
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared.contracts.base import EventContract
from lcn_shared.db import JSONText, core_table, insert_rows
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
        "payload": JSONText(event.model_dump_json()),
        "trace_context": trace_context,
    }


def current_trace_context() -> dict[str, str]:
    """The current span's context (the HTTP request), so it continues through the relay into every consumer."""
    trace_context: dict[str, str] = {}
    propagate.inject(trace_context)
    return trace_context


RECORDED = "lcn.recorded_events"


def record_event(
    session: AsyncSession,
    event: EventContract,
    *,
    occurred_at: datetime | None = None,
    trace_context: dict[str, str] | None = None,
) -> None:
    """Record `event` on the session; the unit of work writes it to the outbox at commit, in recording order.
    The event continues the current trace, or `trace_context` (a request's, when a batch writes for many)."""
    recorded: list[tuple[EventContract, datetime, dict[str, str]]] = session.info.setdefault(RECORDED, [])
    context = trace_context if trace_context is not None else current_trace_context()
    recorded.append((event, occurred_at or datetime.now(UTC), context))


@sa_event.listens_for(Session, "before_commit")
def _refuse_unwritten_events(session: Session) -> None:
    """A commit outside `unit_of_work` would silently lose the recorded events: refuse it instead."""
    if session.info.get(RECORDED):
        raise RuntimeError("events were recorded on this session; commit it through lcn_shared.db.unit_of_work")


def recorded_events(session: AsyncSession) -> list[EventContract]:
    """The events recorded on the session and not yet written."""
    return [event for event, _, _ in session.info.get(RECORDED, [])]


def forget_events(session: AsyncSession) -> None:
    """Drop the recorded events (the transaction rolled back, so the changes they describe never happened)."""
    session.info.pop(RECORDED, None)


async def write_recorded_events(session: AsyncSession) -> int:
    """Write the recorded events to the outbox in one round trip; return how many."""
    recorded = session.info.pop(RECORDED, [])
    if recorded:
        rows = [_row(event, occurred_at, trace_context) for event, occurred_at, trace_context in recorded]
        await insert_rows(session, core_table(OutboxMessage), rows)
    return len(recorded)

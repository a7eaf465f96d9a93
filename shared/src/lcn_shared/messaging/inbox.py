"""The idempotent consumer: record (consumer, event id) in the effect's transaction."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared.messaging.tables import InboxMessage


async def first_delivery(session: AsyncSession, *, consumer: str, event_id: str, event_type: str) -> bool:
    """Claim the event for this consumer; False when it was applied before (a duplicate)."""
    statement = (
        insert(InboxMessage)
        .values(consumer=consumer, event_id=event_id, event_type=event_type)
        .on_conflict_do_nothing()
        .returning(col(InboxMessage.event_id))
    )
    result = await session.exec(statement)
    return result.first() is not None

"""The idempotent consumer: record (consumer, event id) in the effect's transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ARRAY, Text, bindparam, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared.db import core_table
from lcn_shared.messaging.tables import InboxMessage

# One statement for a whole batch, whatever its size: the arrays are parameters, so it is compiled once.
_CLAIM = (
    insert(core_table(InboxMessage))
    .from_select(
        ["consumer", "event_id", "event_type"],
        select(
            bindparam("consumer", type_=Text),
            func.unnest(bindparam("event_ids", type_=ARRAY(Text))),
            func.unnest(bindparam("event_types", type_=ARRAY(Text))),
        ),
    )
    .on_conflict_do_nothing()
    .returning(core_table(InboxMessage).c.event_id)
)


async def first_deliveries(session: AsyncSession, *, consumer: str, events: Sequence[tuple[str, str]]) -> set[str]:
    """Claim the (event id, type) pairs for this consumer in one round trip; the ids not applied before."""
    if not events:
        return set()
    ids, types = [event_id for event_id, _ in events], [event_type for _, event_type in events]
    result = await session.exec(_CLAIM, params={"consumer": consumer, "event_ids": ids, "event_types": types})
    return set(result.scalars().all())

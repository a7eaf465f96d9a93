"""The feeds' one query of their own: the version of the public events, which moves with every change of them."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.events.models import PUBLIC_STATUSES, Event


async def public_version(session: AsyncSession) -> tuple[int, int]:
    """How many events are public and the sum of their versions: every committed change of one (its overrides
    included) raises its version (`events.changes.record`), and publishing one adds it, so the pair changes with
    every change a feed could show, and never returns to an earlier value (events are never deleted)."""
    query = select(func.count(), func.coalesce(func.sum(Event.version), 0)).where(
        col(Event.status).in_(PUBLIC_STATUSES)
    )
    count, total = (await session.exec(query)).one()
    return int(count), int(total)

"""The planner's own query: the organisations an event may be organised by, as the directory knows them."""

from __future__ import annotations

from uuid import UUID

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.directory.models import KnownOrganisation

MAX_ORGANISATIONS = 2000


async def organisations(session: AsyncSession) -> list[tuple[UUID, str]]:
    """Every organisation the registry named, by name (at most MAX_ORGANISATIONS, a list a select can hold)."""
    statement = (
        select(KnownOrganisation.organisation_id, KnownOrganisation.name)
        .order_by(col(KnownOrganisation.name), col(KnownOrganisation.organisation_id))
        .limit(MAX_ORGANISATIONS)
    )
    return [(row[0], row[1]) for row in (await session.exec(statement)).all()]

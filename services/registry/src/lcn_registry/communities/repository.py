"""Queries on communities."""

from __future__ import annotations

from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.communities.models import Community


async def get_community(session: AsyncSession, community_id: UUID) -> Community | None:
    """The community with this id, if any."""
    return await session.get(Community, community_id)

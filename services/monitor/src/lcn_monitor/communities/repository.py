"""Queries on the community read model."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities.models import CommunityView


async def insert_if_absent(session: AsyncSession, values: dict[str, Any]) -> None:
    """Add the community unless it is already known."""
    await session.exec(insert(CommunityView).values(**values).on_conflict_do_nothing())


async def get(session: AsyncSession, community_id: UUID) -> CommunityView | None:
    """One community of the read model."""
    return await session.get(CommunityView, community_id)


async def page(session: AsyncSession, *, limit: int, offset: int) -> tuple[list[CommunityView], int]:
    """A page of communities by name, and the total."""
    rows = await session.exec(select(CommunityView).order_by(col(CommunityView.name)).limit(limit).offset(offset))
    total = await session.exec(select(func.count()).select_from(CommunityView))
    return list(rows.all()), int(total.one())

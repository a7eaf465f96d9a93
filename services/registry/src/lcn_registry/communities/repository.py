"""Queries on communities, their history and their redirects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.communities.models import Community, CommunityChange, CommunityRedirect
from lcn_shared.db import WriteBehind, core_table, insert_rows


async def get(session: AsyncSession, community_id: UUID, *, for_update: bool = False) -> Community | None:
    """One community; `for_update` locks it until the transaction ends, so concurrent writers queue.
    A locked read refreshes a copy the session already holds: version checks must see the row as locked."""
    # `with_for_update=False` would skip the identity map: a plain read must reuse the row the session holds.
    lock = True if for_update else None
    return await session.get(Community, community_id, with_for_update=lock, populate_existing=for_update)


async def get_many(
    session: AsyncSession, community_ids: list[UUID], *, for_update: bool = False
) -> dict[UUID, Community]:
    """Communities by id, locked in id order (a fixed order, so concurrent writers cannot deadlock)."""
    query = (
        select(Community).where(col(Community.community_id).in_(community_ids)).order_by(col(Community.community_id))
    )
    rows = await session.exec(query.with_for_update() if for_update else query)
    return {row.community_id: row for row in rows.all()}


async def redirect_target(session: AsyncSession, community_id: UUID) -> UUID | None:
    """The community a merged-away id now stands for."""
    redirect = await session.get(CommunityRedirect, community_id)
    return redirect.community_id if redirect else None


async def add_redirect(session: AsyncSession, redirect: CommunityRedirect) -> None:
    """Point a merged-away id, and every id that pointed at it, to the survivor (no chains)."""
    await session.exec(
        update(CommunityRedirect)
        .where(col(CommunityRedirect.community_id) == redirect.merged_community_id)
        .values(community_id=redirect.community_id)
    )
    session.add(redirect)


async def history(
    session: AsyncSession, community_id: UUID, *, before: int | None, limit: int
) -> list[CommunityChange]:
    """A community's changes, newest first, older than change `before` if given (keyset)."""
    query = (
        select(CommunityChange)
        .where(CommunityChange.community_id == community_id)
        .order_by(col(CommunityChange.change_id).desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(col(CommunityChange.change_id) < before)
    return list((await session.exec(query)).all())


async def move_history(session: AsyncSession, from_community: UUID, to_community: UUID) -> None:
    """A merged-away community's history becomes part of the survivor's."""
    await session.exec(
        update(CommunityChange)
        .where(col(CommunityChange.community_id) == from_community)
        .values(community_id=to_community)
    )


async def insert_many(session: AsyncSession | WriteBehind, rows: Sequence[dict[str, Any]]) -> None:
    """Add new communities in one round trip (bulk imports)."""
    await insert_rows(session, core_table(Community), rows)


async def add_history(session: AsyncSession | WriteBehind, rows: Sequence[dict[str, Any]]) -> None:
    """Add history entries in one round trip (bulk imports)."""
    await insert_rows(session, core_table(CommunityChange), rows)

"""Queries on the community read model."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import func, or_, update
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities.models import CommunityView
from lcn_shared.db import core_table


async def insert_if_absent(session: AsyncSession, values: dict[str, Any]) -> None:
    """Add the community unless it is already known."""
    await session.exec(insert(CommunityView).values(**values).on_conflict_do_nothing())


async def upsert_newer(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert each row, or overwrite the stored one when the row holds a newer version (one round trip, no
    lock to take; at most one row per community). The redirect (`merged_into`) is not part of a community's
    state, so it is kept."""
    if rows:
        await session.exec(_upsert_newer(tuple(rows[0])), params=list(rows))


@cache
def _upsert_newer(columns: tuple[str, ...]) -> Insert:
    """The upsert of these columns, built once: building it per event cost more than running it."""
    table = core_table(CommunityView)  # plain Core: the ORM's bulk-insert path adds nothing to an upsert
    statement = insert(table)
    # The row's identity and its place in merges are not part of a community's state: kept as they are.
    changed = {name: statement.excluded[name] for name in columns if name not in ("community_id", "survivor_id")}
    return statement.on_conflict_do_update(
        index_elements=[table.c.community_id],
        set_=changed | {"projected_at": func.clock_timestamp()},
        where=table.c.version < statement.excluded.version,
    )


async def get(session: AsyncSession, community_id: UUID) -> CommunityView | None:
    """One community of the read model."""
    return await session.get(CommunityView, community_id)


async def lock(session: AsyncSession, community_id: UUID) -> CommunityView | None:
    """One community, locked for the rest of the transaction and fresh from the database."""
    query = (
        select(CommunityView)
        .where(col(CommunityView.community_id) == community_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(query)).one_or_none()


async def lock_many(session: AsyncSession, community_ids: Collection[UUID]) -> dict[UUID, CommunityView]:
    """The communities of these ids that exist, locked for the rest of the transaction and fresh, by id."""
    query = (
        select(CommunityView)
        .where(col(CommunityView.community_id).in_(list(community_ids)))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.community_id: row for row in (await session.exec(query)).all()}


async def move_survivors(session: AsyncSession, *, from_id: UUID, to_id: UUID) -> None:
    """Every row that counted under `from_id` counts under `to_id` from now on."""
    moved = update(CommunityView).where(col(CommunityView.survivor_id) == from_id).values(survivor_id=to_id)
    # "fetch": the rows the update returns are brought up to date in the session by their keys; the default
    # ("evaluate") tests the criteria against every row the session holds, most of a replay's merge time.
    await session.exec(moved.execution_options(synchronize_session="fetch"))


def add(session: AsyncSession, community: CommunityView) -> None:
    """Stage a new row; the unit of work writes it."""
    session.add(community)


async def survivor(session: AsyncSession, community_id: UUID) -> CommunityView | None:
    """The community at the end of `community_id`'s merge chain (itself when not merged); None when the
    id is unknown or the chain never ends."""
    start = select(col(CommunityView.community_id), col(CommunityView.merged_into)).where(
        col(CommunityView.community_id) == community_id
    )
    chain = start.cte("merge_chain", recursive=True)
    # UNION, not UNION ALL: a row seen twice ends the recursion, so even a cycle cannot loop forever.
    chain = chain.union(
        select(col(CommunityView.community_id), col(CommunityView.merged_into)).join(
            chain, col(CommunityView.community_id) == chain.c.merged_into
        )
    )
    query = (
        select(CommunityView)
        .join(chain, col(CommunityView.community_id) == chain.c.community_id)
        .where(col(CommunityView.merged_into).is_(None))
    )
    return (await session.exec(query)).first()


def _listed(*, landsdeel: str | None, topsector: str | None, status: str | None) -> list[ColumnElement[bool]]:
    """The conditions of a listing: never a community merged away, plus the filters given."""
    conditions: list[ColumnElement[bool]] = [col(CommunityView.merged_into).is_(None)]
    if landsdeel is not None:
        conditions.append(col(CommunityView.landsdeel) == landsdeel)
    if topsector is not None:
        conditions.append(
            or_(col(CommunityView.topsectors).contains([topsector]), col(CommunityView.primary_topsector) == topsector)
        )
    if status is not None:
        conditions.append(col(CommunityView.status) == status)
    return conditions


async def page(
    session: AsyncSession,
    *,
    limit: int,
    offset: int,
    landsdeel: str | None = None,
    topsector: str | None = None,
    status: str | None = None,
) -> tuple[list[CommunityView], int]:
    """A page of the communities not merged away that match the filters, by name, and their total."""
    conditions = _listed(landsdeel=landsdeel, topsector=topsector, status=status)
    rows = await session.exec(
        select(CommunityView)
        .where(*conditions)
        .order_by(col(CommunityView.name), col(CommunityView.community_id))
        .limit(limit)
        .offset(offset)
    )
    total = await session.exec(select(func.count()).select_from(CommunityView).where(*conditions))
    return list(rows.all()), int(total.one())

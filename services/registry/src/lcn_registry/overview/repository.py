"""Queries of the overview: the groups the distribution counts, and the records of an export."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.communities.models import LIST_FIELDS
from lcn_registry.search import repository as search_repository
from lcn_registry.search.schemas import CommunityFilter

MATRIX = ("landsdeel", "primary_topsector")
PER_VALUE = (("kinds",), ("key_technologies",), ("education_levels",))

DISTRIBUTION_GROUPS = (MATRIX, *PER_VALUE)


def stream_communities(
    engine: AsyncEngine, *, community_filter: CommunityFilter
) -> AsyncIterator[Sequence[RowMapping]]:
    """The matching communities, by name, in batches from a server-side cursor."""
    return search_repository.stream_communities(engine, community_filter=community_filter)


async def cell_page(
    session: AsyncSession,
    *,
    community_filter: CommunityFilter,
    cell: Sequence[tuple[str, str | None]],
    offset: int,
    limit: int,
) -> tuple[int, list[RowMapping]]:
    """One page (by name) of the communities behind a number of the overview, and how many there are in all.

    `cell` holds (column, code) conditions that must hold besides the filters: a list column holding the code,
    another column equal to it, or NULL for None (no primary top sector). The filters take any of their
    values, so "these filters and also this value" needs conditions of its own.
    """
    conditions = search_repository.filter_conditions(search_repository.filter_params(community_filter))
    community = search_repository.COMMUNITY
    for name, code in cell:
        column = community.c[name]
        if code is None:
            conditions.append(column.is_(None))
        elif name in LIST_FIELDS:
            conditions.append(column.contains([code]))
        else:
            conditions.append(column == code)
    statement = (
        select(*search_repository.SELECTED_COLUMNS, func.count().over().label("total"))
        .where(*conditions)
        .order_by(func.lower(community.c.name), community.c.community_id)
        .offset(offset)
        .limit(limit)
    )
    rows = list((await session.exec(statement)).mappings())  # type: ignore[call-overload]
    if rows:
        return int(rows[0]["total"]), rows
    if offset == 0:
        return 0, rows
    # A page past the end still says how many there are, so the page can link back into the list.
    total = (await session.exec(select(func.count()).select_from(community).where(*conditions))).one()  # type: ignore[call-overload]
    return int(total[0]), rows

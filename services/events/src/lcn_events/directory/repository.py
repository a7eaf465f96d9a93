"""Queries on the directory: newest-wins upserts of names, redirects of merged communities, look-ups by id."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Table, cast, func
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.directory.models import KnownCommunity, KnownOrganisation
from lcn_shared.db import core_table

COMMUNITY = core_table(KnownCommunity)
ORGANISATION = core_table(KnownOrganisation)


async def _upsert_newer(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]], *, key: str, newer: str, taken: tuple[str, ...]
) -> None:
    """Insert each row, or take its `taken` columns where the stored row's `newer` column is lower (one statement)."""
    if not rows:
        return
    statement = insert(table)
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=[table.c[key]],
            set_={name: statement.excluded[name] for name in taken},
            where=table.c[newer] < statement.excluded[newer],
        ),
        params=list(rows),
    )


async def upsert_communities(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert each community (id, name, version), or take its name when the row holds an older version; a
    redirect is not part of a community's state, so it is kept."""
    await _upsert_newer(session, COMMUNITY, rows, key="community_id", newer="version", taken=("name", "version"))


async def upsert_organisations(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert each organisation (id, name, named_at), or take its name when the stored one is older."""
    await _upsert_newer(
        session, ORGANISATION, rows, key="organisation_id", newer="named_at", taken=("name", "named_at")
    )


async def redirect(session: AsyncSession, *, merged_id: UUID, survivor_id: UUID, name: str) -> None:
    """The merged-away id now stands for the survivor (a row borrowing the survivor's name when it was unknown)."""
    statement = insert(COMMUNITY).values(community_id=merged_id, name=name, version=0, merged_into=survivor_id)
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=[COMMUNITY.c.community_id], set_={"merged_into": statement.excluded.merged_into}
        )
    )


async def communities(session: AsyncSession, community_ids: Collection[UUID]) -> dict[UUID, KnownCommunity]:
    """The known communities of these ids, by id."""
    if not community_ids:
        return {}
    query = select(KnownCommunity).where(col(KnownCommunity.community_id).in_(list(community_ids)))
    return {row.community_id: row for row in (await session.exec(query)).all()}


async def organisation_names(session: AsyncSession, organisation_ids: Collection[UUID]) -> dict[UUID, str]:
    """The names of the known organisations of these ids, by id."""
    if not organisation_ids:
        return {}
    query = select(col(KnownOrganisation.organisation_id), col(KnownOrganisation.name)).where(
        col(KnownOrganisation.organisation_id).in_(list(organisation_ids))
    )
    return dict((await session.exec(query)).all())


async def organisations_version(session: AsyncSession) -> tuple[int, int]:
    """How many organisations are known and the sum of when each was named (in microseconds, exact): a new
    organisation or a rename (always named later than before) raises it, so it moves with every name shown."""
    named_at = cast(func.extract("epoch", col(KnownOrganisation.named_at)) * 1_000_000, BigInteger)
    query = select(func.count(), func.coalesce(func.sum(named_at), 0))
    count, total = (await session.exec(query)).one()
    return int(count), int(total)

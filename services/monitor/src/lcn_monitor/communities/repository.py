"""Queries on the community read model."""

from __future__ import annotations

import io
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import cache
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from sqlalchemy import Update, Uuid, bindparam, column, func, literal_column, or_, true, update
from sqlalchemy import table as sql_table
from sqlalchemy.dialects.postgresql import ARRAY, Insert, distinct_on, insert
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities.models import CommunityView
from lcn_shared.db import core_table


async def insert_if_absent(session: AsyncSession, values: dict[str, Any]) -> None:
    """Add the community unless it is already known."""
    await session.exec(insert(CommunityView).values(**values).on_conflict_do_nothing())


# Rows from which an upsert stages them with COPY first: one stream of JSON documents that PostgreSQL turns into rows,
# instead of a statement's parameters bound row by row in Python (a rebuild's 10,000 rows: a third of its time);
# below it the staging's round trips cost more.
STAGED_FROM = 500
STAGING = "community_staged"
_documents = msgspec.json.Encoder()


async def upsert_newer(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert each row, or overwrite the stored one when the row holds a newer version (no lock to take; at most one
    row per community). The redirect (`merged_into`) is not part of a community's state, so it is kept."""
    if not rows:
        return
    columns = tuple(rows[0])
    if len(rows) < STAGED_FROM:
        await session.exec(_upsert_newer(columns), params=list(rows))
    else:
        await stage(session, as_documents(rows))
        await upsert_staged(session, columns)


def as_documents(rows: Iterable[dict[str, Any]]) -> bytes:
    """Rows as the staging's COPY input: a JSON document a line (ids, dates and times as text), backslashes doubled
    because COPY's text format escapes with them (JSON escapes every tab and newline itself)."""
    return b"".join(_documents.encode(row).replace(b"\\", b"\\\\") + b"\n" for row in rows)


async def stage(session: AsyncSession, documents: bytes) -> None:
    """Add rows made into documents (`as_documents`) to the staging table, for `upsert_staged`."""
    connection = await _driver_connection(session)
    # A temporary table of the connection's, emptied after each use: no catalog change after the first.
    await connection.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} (document jsonb NOT NULL)")
    await connection.copy_to_table(STAGING, source=io.BytesIO(documents))


async def upsert_staged(session: AsyncSession, columns: tuple[str, ...]) -> None:
    """`upsert_newer` of the staged rows, which have these columns, and empty the staging; where several rows are of
    one community, its newest version counts."""
    await session.exec(_upsert_newer(columns, staged=True))
    await (await _driver_connection(session)).execute(f"TRUNCATE {STAGING}")


async def _driver_connection(session: AsyncSession) -> asyncpg.Connection:
    """The session's asyncpg connection, for COPY."""
    connection = await (await session.connection()).get_raw_connection()
    return connection.driver_connection


@cache
def _upsert_newer(columns: tuple[str, ...], *, staged: bool = False) -> Insert:
    """The upsert of these columns, of bound rows or of the staged documents (made rows of the read model's type, the
    newest of each community), built once: building it per event cost more than running it."""
    table = core_table(CommunityView)  # plain Core: the ORM's bulk-insert path adds nothing to an upsert
    if staged:
        documents = sql_table(STAGING, column("document"))
        rows = (
            func.jsonb_populate_record(literal_column(f"NULL::{table.name}"), documents.c.document)
            .table_valued(*columns)
            .lateral("staged")
        )
        newest = (
            select(*(rows.c[name] for name in columns), func.clock_timestamp())  # type: ignore[call-overload]
            .select_from(documents.join(rows, true()))
            .ext(distinct_on(rows.c.community_id))
            .order_by(rows.c.community_id, rows.c.version.desc())
        )
        statement = insert(table).from_select([*columns, "projected_at"], newest)
    else:
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


async def move_survivors(session: AsyncSession, moved: Mapping[UUID, UUID]) -> None:
    """Every row that counted under a key of `moved` counts under its value from now on (one statement)."""
    if not moved:
        return
    # "fetch": the rows the update returns are brought up to date in the session by their keys; the default
    # ("evaluate") cannot evaluate a join, and tested every row the session holds.
    await session.exec(
        _move_survivors().execution_options(synchronize_session="fetch"),
        params={"from_ids": list(moved), "to_ids": list(moved.values())},
    )


@cache
def _move_survivors() -> Update:
    """The update of the moves, their pairs from two bound arrays: compiled once, whatever the number of pairs."""
    moves = select(
        func.unnest(bindparam("from_ids", type_=ARRAY(Uuid))).label("from_id"),
        func.unnest(bindparam("to_ids", type_=ARRAY(Uuid))).label("to_id"),
    ).subquery("moves")
    return (
        update(CommunityView).where(col(CommunityView.survivor_id) == moves.c.from_id).values(survivor_id=moves.c.to_id)
    )


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

"""Queries on source records, import jobs and their results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, text, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.feeds.models import ImportJob, ImportResult, SourceRecord
from lcn_shared.db import WriteBehind, core_table, insert_rows

# Feed imports run one at a time across the registry: incremental matching then sees every
# earlier record, and two deliveries can never race to create the same community.
IMPORT_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('lcn:registry:feed-import'))")


async def lock_imports(session: AsyncSession) -> None:
    """Wait for other imports; the lock ends with the transaction."""
    await session.exec(IMPORT_LOCK)  # type: ignore[call-overload]


async def records(session: AsyncSession, feed_source: str, external_ids: Iterable[str]) -> dict[str, SourceRecord]:
    """This source's records with these external ids."""
    ids = list(set(external_ids))
    if not ids:
        return {}
    rows = await session.exec(
        select(SourceRecord).where(SourceRecord.feed_source == feed_source, col(SourceRecord.external_id).in_(ids))
    )
    return {row.external_id: row for row in rows.all()}


async def active_records_of(session: AsyncSession, community_ids: Iterable[UUID]) -> list[SourceRecord]:
    """Every active source record of these communities."""
    ids = list(set(community_ids))
    if not ids:
        return []
    rows = await session.exec(
        select(SourceRecord).where(col(SourceRecord.community_id).in_(ids), SourceRecord.state == "active")
    )
    return list(rows.all())


async def lineage(session: AsyncSession, community_id: UUID) -> list[SourceRecord]:
    """Every record (active or withdrawn) that describes the community."""
    rows = await session.exec(
        select(SourceRecord)
        .where(SourceRecord.community_id == community_id)
        .order_by(col(SourceRecord.feed_source), col(SourceRecord.external_id))
    )
    return list(rows.all())


async def insert_records(session: AsyncSession | WriteBehind, rows: Sequence[dict[str, Any]]) -> None:
    """Add new source records in one round trip."""
    await insert_rows(session, core_table(SourceRecord), rows)


async def touch(
    session: AsyncSession, feed_source: str, external_ids: Sequence[str], job_id: UUID, now: datetime
) -> None:
    """Mark unchanged records as seen by this job (a snapshot withdraws what it did not see)."""
    if external_ids:
        await session.exec(
            update(SourceRecord)
            .where(col(SourceRecord.feed_source) == feed_source, col(SourceRecord.external_id).in_(list(external_ids)))
            .values(last_seen_at=now, last_job_id=job_id)
        )


async def withdraw_unseen(session: AsyncSession, feed_source: str, job_id: UUID, now: datetime) -> list[SourceRecord]:
    """Withdraw this source's active records that the job did not deliver; return them."""
    rows = await session.exec(
        update(SourceRecord)
        .where(
            col(SourceRecord.feed_source) == feed_source,
            col(SourceRecord.state) == "active",
            col(SourceRecord.last_job_id) != job_id,
        )
        .values(state="withdrawn", withdrawn_at=now)
        .returning(SourceRecord)
    )
    return list(rows.scalars().all())


async def move_records(session: AsyncSession, from_community: UUID, to_community: UUID) -> None:
    """Re-link a merged-away community's records to the survivor."""
    await session.exec(
        update(SourceRecord).where(col(SourceRecord.community_id) == from_community).values(community_id=to_community)
    )


async def job(session: AsyncSession, job_id: UUID, *, for_update: bool = False) -> ImportJob | None:
    """One job."""
    return await session.get(ImportJob, job_id, with_for_update=for_update)


async def jobs(session: AsyncSession, feed_source: str, *, limit: int) -> list[ImportJob]:
    """A source's jobs, newest first."""
    rows = await session.exec(
        select(ImportJob)
        .where(ImportJob.feed_source == feed_source)
        .order_by(col(ImportJob.created_at).desc())
        .limit(limit)
    )
    return list(rows.all())


async def add_results(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Store per-record results in one round trip."""
    await insert_rows(session, core_table(ImportResult), rows)


async def results(
    session: AsyncSession, job_id: UUID, *, outcome: str | None, after: int, limit: int
) -> list[ImportResult]:
    """A page of a job's results in delivery order."""
    query = (
        select(ImportResult)
        .where(ImportResult.job_id == job_id, col(ImportResult.position) > after)
        .order_by(col(ImportResult.position))
        .limit(limit)
    )
    if outcome:
        query = query.where(ImportResult.outcome == outcome)
    return list((await session.exec(query)).all())


async def source_summaries(session: AsyncSession) -> list[tuple[str, int, int]]:
    """Each source with its active and withdrawn record counts."""
    rows = await session.exec(
        select(
            SourceRecord.feed_source,
            func.count().filter(col(SourceRecord.state) == "active"),
            func.count().filter(col(SourceRecord.state) == "withdrawn"),
        )
        .group_by(SourceRecord.feed_source)
        .order_by(SourceRecord.feed_source)
    )
    return [(row[0], int(row[1]), int(row[2])) for row in rows]

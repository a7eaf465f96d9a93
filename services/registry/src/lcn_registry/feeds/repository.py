"""Queries on source records, import jobs and their results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, text, tuple_, update
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


def _unseen(feed_source: str, job_id: UUID, seen_by: datetime) -> list[ColumnElement[bool]]:
    """This source's active records that the job did not deliver and no later job has seen since `seen_by`
    (a held snapshot withdraws only what it listed, never records a newer delivery brought back)."""
    return [
        col(SourceRecord.feed_source) == feed_source,
        col(SourceRecord.state) == "active",
        col(SourceRecord.last_job_id) != job_id,
        col(SourceRecord.last_seen_at) <= seen_by,
    ]


async def snapshot_counts(session: AsyncSession, feed_source: str, job_id: UUID, seen_by: datetime) -> tuple[int, int]:
    """(active records of the source, of which the job did not deliver): what a snapshot would withdraw."""
    unseen = and_(*_unseen(feed_source, job_id, seen_by))
    row = (
        await session.exec(
            select(func.count(), func.count().filter(unseen)).where(
                SourceRecord.feed_source == feed_source, SourceRecord.state == "active"
            )
        )
    ).one()
    return int(row[0]), int(row[1])


async def unseen(
    session: AsyncSession, feed_source: str, job_id: UUID, seen_by: datetime, *, after: str | None, limit: int
) -> list[SourceRecord]:
    """A page of what a snapshot would withdraw, by external id."""
    query = select(SourceRecord).where(*_unseen(feed_source, job_id, seen_by))
    if after is not None:
        query = query.where(col(SourceRecord.external_id) > after)
    return list((await session.exec(query.order_by(col(SourceRecord.external_id)).limit(limit))).all())


async def withdrawn_at(
    session: AsyncSession, feed_source: str, withdrawn: datetime, *, after: str | None, limit: int
) -> list[SourceRecord]:
    """A page of the records a completed snapshot withdrew (and that stay withdrawn), by external id."""
    query = select(SourceRecord).where(
        SourceRecord.feed_source == feed_source,
        SourceRecord.state == "withdrawn",
        SourceRecord.withdrawn_at == withdrawn,
    )
    if after is not None:
        query = query.where(col(SourceRecord.external_id) > after)
    return list((await session.exec(query.order_by(col(SourceRecord.external_id)).limit(limit))).all())


async def withdraw_unseen(
    session: AsyncSession, feed_source: str, job_id: UUID, now: datetime, *, seen_by: datetime
) -> list[SourceRecord]:
    """Withdraw this source's active records that the job did not deliver (see `_unseen`); return them."""
    rows = await session.exec(
        update(SourceRecord)
        .where(*_unseen(feed_source, job_id, seen_by))
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


async def jobs(
    session: AsyncSession, feed_source: str, *, before: tuple[datetime, UUID] | None = None, limit: int
) -> list[ImportJob]:
    """A page of a source's jobs, newest first, after the (created_at, job_id) of the last one seen."""
    query = select(ImportJob).where(ImportJob.feed_source == feed_source)
    if before is not None:
        query = query.where(tuple_(col(ImportJob.created_at), col(ImportJob.job_id)) < tuple_(*before))
    rows = await session.exec(
        query.order_by(col(ImportJob.created_at).desc(), col(ImportJob.job_id).desc()).limit(limit)
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


async def source_summaries(
    session: AsyncSession, *, only: str | None, after: str | None, limit: int
) -> list[tuple[str, int, int]]:
    """A page of sources (or the one source `only`), by name, with their active and withdrawn record counts."""
    query = select(
        SourceRecord.feed_source,
        func.count().filter(col(SourceRecord.state) == "active"),
        func.count().filter(col(SourceRecord.state) == "withdrawn"),
    )
    if only is not None:
        query = query.where(SourceRecord.feed_source == only)
    if after is not None:
        query = query.where(col(SourceRecord.feed_source) > after)
    rows = await session.exec(query.group_by(SourceRecord.feed_source).order_by(SourceRecord.feed_source).limit(limit))
    return [(row[0], int(row[1]), int(row[2])) for row in rows]

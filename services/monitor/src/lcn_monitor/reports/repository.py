"""Queries on reports, their revisions and audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import func, text, tuple_
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities.models import CommunityView
from lcn_monitor.figures import FIGURES
from lcn_monitor.reports.models import ConflictChoice, Report, ReportChange, ReportRevision


async def get(session: AsyncSession, report_id: UUID, *, for_update: bool = False) -> Report | None:
    """One report (locked for the transaction when it is to change)."""
    query = select(Report).where(col(Report.report_id) == report_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return (await session.exec(query)).one_or_none()


async def find(session: AsyncSession, *, source: str, community_id: UUID, period_id: str) -> Report | None:
    """The report of a source on a community for a period, if there is one."""
    query = select(Report).where(
        col(Report.source) == source, col(Report.community_id) == community_id, col(Report.period_id) == period_id
    )
    return (await session.exec(query)).one_or_none()


async def find_many(
    session: AsyncSession, keys: Sequence[tuple[str, UUID, str]], *, for_update: bool = False
) -> dict[tuple[str, UUID, str], Report]:
    """The reports of many (source, community, period) keys in one query, by key."""
    if not keys:
        return {}
    query = select(Report).where(
        tuple_(col(Report.source), col(Report.community_id), col(Report.period_id)).in_(list(keys))
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return {(report.source, report.community_id, report.period_id): report for report in (await session.exec(query))}


async def lock_source(session: AsyncSession, source: str) -> None:
    """Deliveries of one source wait for each other (to the end of the transaction), so that a retried batch
    finds what the first attempt wrote instead of colliding with it."""
    await session.exec(select(func.pg_advisory_xact_lock(func.hashtextextended(f"report-delivery:{source}", 0))))


async def survivors(session: AsyncSession, community_ids: Sequence[UUID]) -> dict[UUID, CommunityView]:
    """Per known community id (merged-away ones included), the community it counts under, in one query."""
    if not community_ids:
        return {}
    given = aliased(CommunityView)
    query = (
        select(given.community_id, CommunityView)
        .join(CommunityView, col(CommunityView.community_id) == given.survivor_id)
        .where(col(given.community_id).in_(list(community_ids)))
    )
    return dict((await session.exec(query)).all())


async def revision(session: AsyncSession, report_id: UUID, number: int) -> ReportRevision | None:
    """One revision of a report."""
    return await session.get(ReportRevision, (report_id, number))


async def latest_revisions(session: AsyncSession, reports: Sequence[Report]) -> dict[UUID, ReportRevision]:
    """The newest revision of each report, in one query."""
    if not reports:
        return {}
    keys = [(report.report_id, report.revision) for report in reports]
    query = select(ReportRevision).where(tuple_(col(ReportRevision.report_id), col(ReportRevision.revision)).in_(keys))
    return {row.report_id: row for row in (await session.exec(query))}


async def revisions(session: AsyncSession, report_id: UUID) -> list[ReportRevision]:
    """Every revision of a report, oldest first."""
    query = (
        select(ReportRevision).where(col(ReportRevision.report_id) == report_id).order_by(col(ReportRevision.revision))
    )
    return list((await session.exec(query)).all())


async def counted_before(
    session: AsyncSession, *, survivor_ids: Sequence[UUID], period_id: str
) -> dict[UUID, dict[str, int | None]]:
    """Per survivor community, the counted figures of an approved report for `period_id` (the period before
    the one reported on), for the plausibility check."""
    if not survivor_ids:
        return {}
    counted = ", ".join(f"r.counted_{name} AS {name}" for name in FIGURES)
    rows = await session.exec(  # type: ignore[call-overload]
        text(
            f"SELECT DISTINCT ON (c.survivor_id) c.survivor_id, {counted} FROM report r "
            "JOIN community c ON c.community_id = r.community_id "
            "WHERE r.period_id = :period_id AND r.approved_revision IS NOT NULL AND c.survivor_id = ANY(:survivors) "
            "ORDER BY c.survivor_id, r.approved_at"
        ),
        params={"period_id": period_id, "survivors": list(survivor_ids)},
    )
    return {row.survivor_id: {name: getattr(row, name) for name in FIGURES} for row in rows}


async def page(
    session: AsyncSession,
    *,
    filters: dict[str, Any],
    community_ids: Sequence[UUID] | None,
    after: tuple[str, UUID] | None,
    limit: int,
) -> list[tuple[Report, int]]:
    """Reports matching the filters (and, for a partner, on the given communities), by period and id, each with
    its newest revision's number of warnings."""
    query = select(Report, ReportRevision).join(
        ReportRevision,
        (col(ReportRevision.report_id) == col(Report.report_id))
        & (col(ReportRevision.revision) == col(Report.revision)),
    )
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(Report, name) == value)
    if community_ids is not None:
        query = query.where(col(Report.community_id).in_(list(community_ids)))
    if after is not None:
        query = query.where(tuple_(col(Report.period_id), col(Report.report_id)) > after)
    query = query.order_by(col(Report.period_id), col(Report.report_id)).limit(limit)
    return [(report, len(revision.warnings)) for report, revision in (await session.exec(query)).all()]


async def editable_community_ids(session: AsyncSession, organisation_id: UUID) -> list[UUID]:
    """Every community id (merged-away ones included) whose survivor the organisation leads or may edit."""
    rows = await session.exec(  # type: ignore[call-overload]
        text(
            "SELECT c.community_id FROM community c JOIN community s ON s.community_id = c.survivor_id "
            "WHERE s.partners -> :organisation ->> 'role' = 'lead' "
            "OR (s.partners -> :organisation ->> 'can_edit')::boolean"
        ),
        params={"organisation": str(organisation_id)},
    )
    return [row.community_id for row in rows]


async def changes(session: AsyncSession, report_id: UUID, *, after: int | None, limit: int) -> list[ReportChange]:
    """Up to `limit` steps of a report's audit trail, oldest first, after `after` when given."""
    query = select(ReportChange).where(col(ReportChange.report_id) == report_id)
    if after is not None:
        query = query.where(col(ReportChange.change_id) > after)
    return list((await session.exec(query.order_by(col(ReportChange.change_id)).limit(limit))).all())


async def conflict_choices(session: AsyncSession) -> list[ConflictChoice]:
    """Every coordinator's choice between conflicting reports."""
    return list((await session.exec(select(ConflictChoice))).all())

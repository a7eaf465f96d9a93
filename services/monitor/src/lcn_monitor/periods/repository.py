"""Queries on reporting periods."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.periods.models import ReportingPeriod


async def get(session: AsyncSession, period_id: str, *, for_update: bool = False) -> ReportingPeriod | None:
    """One period (locked for the transaction when it is to change)."""
    query = select(ReportingPeriod).where(col(ReportingPeriod.period_id) == period_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return (await session.exec(query)).one_or_none()


async def all_periods(session: AsyncSession) -> list[ReportingPeriod]:
    """Every period, oldest first."""
    return list((await session.exec(select(ReportingPeriod).order_by(col(ReportingPeriod.starts_on)))).all())

"""Queries on indicators, their baselines, targets, observations, history and last statuses."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.indicators.models import Baseline, Indicator, IndicatorChange, Observation, Target


async def known_keys(session: AsyncSession, keys: Collection[str]) -> set[str]:
    """Which of `keys` name an indicator."""
    if not keys:
        return set()
    rows = await session.exec(select(col(Indicator.key)).where(col(Indicator.key).in_(list(keys))))
    return set(rows.all())


async def all_indicators(session: AsyncSession) -> list[Indicator]:
    """Every indicator, by key."""
    return list((await session.exec(select(Indicator).order_by(col(Indicator.key)))).all())


async def get(session: AsyncSession, key: str, *, for_update: bool = False) -> Indicator | None:
    """One indicator (locked for the transaction when it is to change)."""
    query = select(Indicator).where(col(Indicator.key) == key)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return (await session.exec(query)).one_or_none()


async def baselines(session: AsyncSession, keys: Sequence[str] | None = None) -> list[Baseline]:
    """Baselines of the indicators named (all without names), by indicator and scope."""
    query = select(Baseline).order_by(col(Baseline.indicator_key), col(Baseline.scope))
    if keys is not None:
        query = query.where(col(Baseline.indicator_key).in_(list(keys)))
    return list((await session.exec(query)).all())


async def targets(session: AsyncSession, keys: Sequence[str] | None = None) -> list[Target]:
    """Targets of the indicators named (all without names), by indicator, scope and date."""
    query = select(Target).order_by(col(Target.indicator_key), col(Target.scope), col(Target.due_on))
    if keys is not None:
        query = query.where(col(Target.indicator_key).in_(list(keys)))
    return list((await session.exec(query)).all())


async def observations(session: AsyncSession, keys: Sequence[str] | None = None) -> list[Observation]:
    """Observations of the indicators named (all without names), by indicator, scope and period."""
    query = select(Observation).order_by(
        col(Observation.indicator_key), col(Observation.scope), col(Observation.period_id)
    )
    if keys is not None:
        query = query.where(col(Observation.indicator_key).in_(list(keys)))
    return list((await session.exec(query)).all())


async def baseline(session: AsyncSession, key: str, scope: str) -> Baseline | None:
    """One baseline."""
    return await session.get(Baseline, (key, scope))


async def target(session: AsyncSession, key: str, scope: str, due_on: date) -> Target | None:
    """One target."""
    return await session.get(Target, (key, scope, due_on))


async def observation(session: AsyncSession, key: str, scope: str, period_id: str) -> Observation | None:
    """One observation."""
    return await session.get(Observation, (key, scope, period_id))


async def changes(session: AsyncSession, key: str, *, before: int | None, limit: int) -> list[IndicatorChange]:
    """Up to `limit` history entries of an indicator, newest first, older than `before` when given."""
    query = select(IndicatorChange).where(col(IndicatorChange.indicator_key) == key)
    if before is not None:
        query = query.where(col(IndicatorChange.change_id) < before)
    query = query.order_by(col(IndicatorChange.change_id).desc()).limit(limit)
    return list((await session.exec(query)).all())

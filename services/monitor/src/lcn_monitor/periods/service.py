"""Managing reporting periods, and the rules that read them: when a period is due, locked or ended."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.periods import repository
from lcn_monitor.periods.models import ReportingPeriod
from lcn_monitor.periods.schemas import PeriodCreate, PeriodDates, PeriodUpdate
from lcn_shared.problems import Conflict, NotFound, PreconditionFailed, UnprocessableContent

# The network's dates are Dutch dates: a deadline ends at midnight in Amsterdam, not in UTC.
NETWORK_ZONE = ZoneInfo("Europe/Amsterdam")


def today(now: datetime) -> date:
    """The network's date at `now`."""
    return now.astimezone(NETWORK_ZONE).date()


def is_locked(period: ReportingPeriod, now: datetime) -> bool:
    """True once the period's close date has passed: only a coordinator's correction changes it then."""
    return today(now) > period.closes_on


def is_past_deadline(period: ReportingPeriod, now: datetime) -> bool:
    """True once the whole deadline day has passed."""
    return today(now) > period.deadline


def on_time(period: ReportingPeriod, submitted_at: datetime | None) -> bool:
    """True when a report was first submitted by the end of the deadline day."""
    return submitted_at is not None and today(submitted_at) <= period.deadline


def period_before(period: ReportingPeriod, ordered: Sequence[ReportingPeriod]) -> str | None:
    """The period just before this one among every period (oldest first), if any."""
    earlier = [other.period_id for other in ordered if other.ends_on < period.starts_on]
    return earlier[-1] if earlier else None


async def get_period(session: AsyncSession, *, period_id: str) -> ReportingPeriod:
    """One period; NotFound when there is none."""
    period = await repository.get(session, period_id)
    if period is None:
        raise NotFound(f"No reporting period {period_id!r}.")
    return period


async def create_period(session: AsyncSession, *, data: PeriodCreate, now: datetime) -> ReportingPeriod:
    """A new period; Conflict when its id is taken."""
    if await repository.get(session, data.period_id) is not None:
        raise Conflict(f"Reporting period {data.period_id!r} exists; change it with PATCH.")
    period = ReportingPeriod(**data.model_dump(), version=1, updated_at=now)
    session.add(period)
    await session.flush()
    return period


async def update_period(
    session: AsyncSession, *, period_id: str, data: PeriodUpdate, expected_version: int | None, now: datetime
) -> ReportingPeriod:
    """Apply a merge patch; the dates must stay in order."""
    period = await repository.get(session, period_id, for_update=True)
    if period is None:
        raise NotFound(f"No reporting period {period_id!r}.")
    if expected_version is not None and expected_version != period.version:
        raise PreconditionFailed(f"Period {period_id!r} is at version {period.version}; fetch it and retry.")
    merged = period.model_dump() | data.model_dump(exclude_unset=True, exclude_none=True)
    try:
        PeriodDates.model_validate({name: merged[name] for name in PeriodDates.model_fields})
    except ValueError as error:
        raise UnprocessableContent("A period starts, ends, is due and closes in that order.") from error
    for name, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(period, name, value)
    period.version += 1
    period.updated_at = now
    session.add(period)
    await session.flush()
    return period

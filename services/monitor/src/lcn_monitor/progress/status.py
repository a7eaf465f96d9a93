"""The status check: each indicator with a target in a scope is evaluated, and a change of its status is stored
and, when it fell off track or reached its target, published, exactly once per change.

One replica checks at a time (a transaction-scoped advisory lock); the stored status is what a change is measured
against, so a second run, a restart or another replica finds nothing new to say.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import text
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.indicators import repository as indicators
from lcn_monitor.indicators.models import IndicatorStatus
from lcn_monitor.periods import service as period_rules
from lcn_monitor.progress import service
from lcn_monitor.progress.schemas import Progress
from lcn_monitor.scopes import parse_scope
from lcn_shared.contracts.monitor import IndicatorOffTrack, IndicatorStatusChanged, IndicatorTargetReached
from lcn_shared.messaging.outbox import record_event

log = logging.getLogger(__name__)
LOCK = "lcn-monitor-indicator-status"
ANNOUNCED: dict[str, type[IndicatorStatusChanged]] = {"off_track": IndicatorOffTrack, "reached": IndicatorTargetReached}


async def evaluate_statuses(session: AsyncSession, *, now: datetime) -> int:
    """Evaluate every indicator with a target in each scope; how many statuses changed."""
    taken = await session.exec(text("SELECT pg_try_advisory_xact_lock(hashtext(:lock))"), params={"lock": LOCK})  # type: ignore[call-overload]
    if not taken.scalar_one():
        return 0  # another replica is checking right now
    today = period_rules.today(now)
    scopes: dict[str, set[str]] = {}
    for target in await indicators.targets(session):
        scopes.setdefault(target.scope, set()).add(target.indicator_key)
    stored = {(row.indicator_key, row.scope): row for row in (await session.exec(select(IndicatorStatus))).all()}
    changed = 0
    for scope, keys in sorted(scopes.items()):
        for progress in await service.scope_progress(session, scope=parse_scope(scope), today=today, keys=sorted(keys)):
            previous = stored.get((progress.indicator, scope))
            if progress.status is None or progress.actual is None or (previous and previous.status == progress.status):
                continue
            _store(session, progress, previous, now=now)
            if progress.status in ANNOUNCED and progress.target is not None:
                record_event(session, _event(progress, previous, now=now))
            changed += 1
    if changed:
        log.info("%d indicator statuses changed", changed)
    return changed


def _store(session: AsyncSession, progress: Progress, previous: IndicatorStatus | None, *, now: datetime) -> None:
    """Keep the new status as the one later checks compare with."""
    row = previous or IndicatorStatus(indicator_key=progress.indicator, scope=progress.scope, status="", actual=0)
    row.status, row.actual, row.expected, row.evaluated_at = (
        progress.status or "",
        progress.actual or 0.0,
        progress.expected,
        now,
    )
    session.add(row)


def _event(progress: Progress, previous: IndicatorStatus | None, *, now: datetime) -> IndicatorStatusChanged:
    """The event announcing the new status."""
    assert progress.status is not None, "only a status is announced"
    assert progress.target is not None, "a status needs a target"
    assert progress.actual is not None, "a status needs an actual"
    scope = parse_scope(progress.scope)
    return ANNOUNCED[progress.status](
        indicator_key=progress.indicator,
        indicator_name=progress.name_nl,
        scope=progress.scope,
        landsdeel=scope.landsdeel,
        topsector=scope.topsector,
        status=progress.status,
        previous_status=previous.status if previous else None,
        actual=progress.actual,
        expected=progress.expected,
        target=progress.target.value,
        target_date=progress.target.due_on,
        evaluated_at=now,
    )

"""The monitor's checks besides its consumer: overdue reports and indicator statuses, each in its own transaction
on the service's clock (lcn_shared.workers)."""

from __future__ import annotations

from lcn_monitor.completeness.service import notice_overdue
from lcn_monitor.progress.status import evaluate_statuses
from lcn_monitor.settings import MonitorSettings
from lcn_shared.db import unit_of_work
from lcn_shared.runtime import ServiceRuntime
from lcn_shared.workers import Worker, periodic


async def overdue_check(runtime: ServiceRuntime) -> int:
    """Notice the reports missing past their deadline (once each)."""
    async with unit_of_work(runtime.sessions()) as session:
        return await notice_overdue(session, now=runtime.clock.now())


async def status_check(runtime: ServiceRuntime) -> int:
    """Evaluate the indicators' statuses and publish the changes."""
    async with unit_of_work(runtime.sessions()) as session:
        return await evaluate_statuses(session, now=runtime.clock.now())


# The intervals are read after each run, so a setting changed for a test (or an operator) takes effect.
WORKERS: list[Worker] = [
    periodic("overdue-check", overdue_check, seconds=lambda: MonitorSettings().overdue_check_seconds),
    periodic("status-check", status_check, seconds=lambda: MonitorSettings().status_check_seconds),
]

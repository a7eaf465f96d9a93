"""Completeness per period and scope, and the overdue check: once a required period's deadline has passed, each
expected community without a submitted report is noticed once and `report.overdue` goes out, in one transaction.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.completeness import repository
from lcn_monitor.completeness.schemas import CompletenessTotals, ExpectedReport, ReportingState
from lcn_monitor.periods import repository as periods
from lcn_monitor.periods import service as period_rules
from lcn_monitor.periods.models import ReportingPeriod
from lcn_monitor.scopes import Scope
from lcn_shared.contracts.monitor import ReportOverdue
from lcn_shared.messaging.outbox import record_event

log = logging.getLogger(__name__)


def reporting_state(row: dict[str, Any], period: ReportingPeriod, today: date) -> ReportingState:
    """On time, late, missing or pending, from the first submission and the deadline."""
    submitted: datetime | None = row["first_submitted_at"]
    if submitted is not None:
        return "on_time" if period_rules.on_time(period, submitted) else "late"
    return "missing" if today > period.deadline else "pending"


async def expected_reports(
    session: AsyncSession, *, period: ReportingPeriod, scope: Scope, today: date
) -> list[ExpectedReport]:
    """Every community expected to report for the period in the scope, with its state."""
    rows = await repository.expected(session, period_id=period.period_id, ends_on=period.ends_on, scope=scope)
    return [
        ExpectedReport.model_validate(
            row | {"state": reporting_state(row, period, today), "report_ids": row["report_ids"] or []}
        )
        for row in rows
    ]


def totals(rows: list[ExpectedReport]) -> CompletenessTotals:
    """The counts and shares of the rows."""
    count = {state: sum(row.state == state for row in rows) for state in ("on_time", "late", "missing", "pending")}
    expected = len(rows)
    reported = count["on_time"] + count["late"]
    return CompletenessTotals(
        expected=expected,
        reported=reported,
        on_time=count["on_time"],
        late=count["late"],
        missing=count["missing"],
        pending=count["pending"],
        share_reported=reported / expected if expected else None,
        share_on_time=count["on_time"] / expected if expected else None,
    )


async def notice_overdue(session: AsyncSession, *, now: datetime) -> int:
    """Notice every missing report of every required period past its deadline; how many were noticed now."""
    today = period_rules.today(now)
    noticed = 0
    for period in await periods.all_periods(session):
        if not period.reports_required or today <= period.deadline:
            continue
        for row in await repository.notice_missing(
            session, period_id=period.period_id, ends_on=period.ends_on, now=now
        ):
            record_event(
                session,
                ReportOverdue(
                    community_id=row["community_id"],
                    community_name=row["name"],
                    landsdeel=row["landsdeel"],
                    topsectors=row["topsectors"],
                    period=period.period_id,
                    deadline=period.deadline,
                    noticed_at=now,
                ),
            )
            noticed += 1
    if noticed:
        log.info("noticed %d overdue reports", noticed)
    return noticed

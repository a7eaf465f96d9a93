"""The queries of completeness: each community expected to report for a period, with when it first reported, and
the overdue notices not yet given.

A required period expects a report from every community active on its last day (not merged away, started by
then, not ended before it). A report on a merged-away id counts for its survivor; any source's report does.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.progress.repository import ACTIVE_ON, scope_condition
from lcn_monitor.scopes import Scope

# Each expected community of the period (`d.day` is its last day) with its first submission and overdue notice.
EXPECTED = f"""
    SELECT c.community_id, c.name, c.landsdeel, c.topsectors, first.submitted_at AS first_submitted_at,
           first.report_ids, o.noticed_at AS overdue_noticed_at
    FROM (SELECT CAST(:ends_on AS date) AS day) d
    JOIN community c ON {ACTIVE_ON}
    LEFT JOIN LATERAL (
        SELECT min(r.first_submitted_at) AS submitted_at, array_agg(r.report_id ORDER BY r.report_id) AS report_ids
        FROM community reported JOIN report r ON r.community_id = reported.community_id
        WHERE reported.survivor_id = c.community_id AND r.period_id = :period_id AND r.first_submitted_at IS NOT NULL
    ) first ON TRUE
    LEFT JOIN report_overdue o ON o.community_id = c.community_id AND o.period_id = :period_id
"""


async def expected(session: AsyncSession, *, period_id: str, ends_on: date, scope: Scope) -> list[dict[str, Any]]:
    """Every community expected to report for the period in the scope, by name."""
    sql = f"{EXPECTED} WHERE {scope_condition(scope)} ORDER BY c.name, c.community_id"
    rows = await session.exec(  # type: ignore[call-overload]
        text(sql), params={"period_id": period_id, "ends_on": ends_on, "scope_code": scope.code}
    )
    return [dict(row._mapping) for row in rows]


async def notice_missing(
    session: AsyncSession, *, period_id: str, ends_on: date, now: datetime
) -> list[dict[str, Any]]:
    """Record an overdue notice for every expected community of the period without a submitted report and without
    a notice yet; the communities noticed now (the primary key makes a second run, or another replica's, find
    none of them again)."""
    sql = f"""
        WITH missing AS ({EXPECTED} WHERE first.submitted_at IS NULL AND o.noticed_at IS NULL),
        noticed AS (
            INSERT INTO report_overdue (community_id, period_id, noticed_at)
            SELECT community_id, :period_id, :now FROM missing
            ON CONFLICT DO NOTHING
            RETURNING community_id
        )
        SELECT m.community_id, m.name, m.landsdeel, m.topsectors FROM missing m JOIN noticed USING (community_id)
        ORDER BY m.community_id
    """
    rows = await session.exec(  # type: ignore[call-overload]
        text(sql), params={"period_id": period_id, "ends_on": ends_on, "now": now}
    )
    return [dict(row._mapping) for row in rows]

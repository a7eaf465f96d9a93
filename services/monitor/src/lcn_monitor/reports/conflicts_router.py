"""HTTP endpoints of conflicting reports: list them, and choose the one that counts (coordinators)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query

from lcn_monitor.periods.schemas import PERIOD_PATTERN
from lcn_monitor.reports import conflicts
from lcn_monitor.reports.conflicts import ChoiceIn, Conflict, Conflicts
from lcn_shared.auth import Principal, Role, require
from lcn_shared.clock import ClockDep
from lcn_shared.db import ReadSessionDep, SessionDep
from lcn_shared.problems import problem_responses

router = APIRouter(prefix="/conflicts", tags=["reports"])
PROBLEMS = problem_responses(401, 403, 404, 422)
Coordinator = Annotated[Principal, Depends(require(Role.COORDINATOR))]
PeriodParameter = Annotated[str, Path(pattern=PERIOD_PATTERN, description="A reporting period, such as `2026-H2`.")]


@router.get("", response_model=Conflicts, responses=PROBLEMS)
async def list_conflicts(
    session: ReadSessionDep,
    principal: Coordinator,
    period: Annotated[str | None, Query(pattern=PERIOD_PATTERN)] = None,
) -> Conflicts:
    """Communities with more than one approved report for a period (after a merge, or from two sources): each
    report, and the one that counts."""
    return Conflicts(data=await conflicts.list_conflicts(session, period_id=period))


@router.put("/{community_id}/{period}", response_model=Conflict, responses=PROBLEMS)
async def choose_report(
    community_id: UUID,
    period: PeriodParameter,
    choice: ChoiceIn,
    session: SessionDep,
    principal: Coordinator,
    clock: ClockDep,
) -> Conflict:
    """Choose the report that counts for the community and period; the others stay, uncounted."""
    return await conflicts.choose(
        session,
        community_id=community_id,
        period_id=period,
        report_id=choice.report_id,
        principal=principal,
        now=clock.now(),
    )

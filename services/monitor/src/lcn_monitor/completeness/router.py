"""HTTP endpoints of completeness: who has reported for a period in a scope, who is late, and the share on time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from lcn_monitor.completeness import service
from lcn_monitor.completeness.schemas import Completeness, ExpectedReport, ReportingState
from lcn_monitor.periods import service as periods
from lcn_monitor.periods.models import ReportingPeriod
from lcn_monitor.periods.schemas import PERIOD_PATTERN
from lcn_monitor.progress.router import CSV_RESPONSE, ScopeQuery, Separator
from lcn_monitor.scopes import Scope
from lcn_shared.auth import Principal, Role, require
from lcn_shared.clock import ClockDep
from lcn_shared.cursors import encode_cursor, read_cursor
from lcn_shared.db import ReadSessionDep
from lcn_shared.problems import problem_responses
from lcn_shared.spreadsheets import CsvSeparator, csv_download

router = APIRouter(prefix="/periods", tags=["completeness"])
PROBLEMS = problem_responses(400, 401, 403, 404, 422)
# Who is late is for the network's people, not the public: any partner, coordinator or the conference team.
Reader = Annotated[Principal, Depends(require(Role.PARTNER, Role.COORDINATOR, Role.CONFERENCE_TEAM))]
PeriodParameter = Annotated[str, Path(pattern=PERIOD_PATTERN, description="A reporting period, such as `2026-H2`.")]
CSV_HEADER = ["periode", "scope", "community_id", "naam", "landsdeel", "stand", "eerst_ingediend", "te_laat_gemeld"]


async def _rows(
    session: ReadSessionDep, period_id: str, scope: Scope, clock: ClockDep
) -> tuple[ReportingPeriod, list[ExpectedReport]]:
    """The period and every expected community's state in the scope."""
    period = await periods.get_period(session, period_id=period_id)
    today = periods.today(clock.now())
    return period, await service.expected_reports(session, period=period, scope=scope, today=today)


@router.get("/{period}/completeness", response_model=Completeness, responses=PROBLEMS)
async def completeness(
    period: PeriodParameter,
    session: ReadSessionDep,
    principal: Reader,
    scope: ScopeQuery,
    clock: ClockDep,
    state: ReportingState | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    cursor: Annotated[str | None, Query(max_length=500, description="`next_cursor` of the page before.")] = None,
) -> Completeness:
    """Who has reported for the period in the scope (on time or late), who is missing past the deadline and who
    is still to come; the totals count every expected community, the page lists them by name."""
    found, rows = await _rows(session, period, scope, clock)
    tag = f"completeness:{period}:{scope.text}:{state}"
    start = read_cursor(cursor, tag=tag, parse=lambda position: int(position["after"])) or 0
    listed = [row for row in rows if state is None or row.state == state]
    page = listed[start : start + limit]
    more = start + limit < len(listed)
    return Completeness(
        period=found.period_id,
        scope=scope.text,
        deadline=found.deadline,
        as_of=periods.today(clock.now()),
        reports_required=found.reports_required,
        totals=service.totals(rows),
        data=page,
        next_cursor=encode_cursor({"after": start + limit}, tag=tag) if more else None,
    )


@router.get("/{period}/completeness.csv", response_class=Response, responses=CSV_RESPONSE | PROBLEMS)
async def completeness_csv(
    period: PeriodParameter,
    session: ReadSessionDep,
    principal: Reader,
    scope: ScopeQuery,
    clock: ClockDep,
    separator: Separator = CsvSeparator.COMMA,
) -> Response:
    """Every expected community's reporting for the period in the scope, as a spreadsheet."""
    found, rows = await _rows(session, period, scope, clock)
    lines = [
        [found.period_id, scope.text, row.community_id, row.name, row.landsdeel, row.state]
        + [row.first_submitted_at, row.overdue_noticed_at]
        for row in rows
    ]
    return csv_download(
        CSV_HEADER, lines, separator=separator, filename=f"volledigheid-{found.period_id}-{scope.text}.csv"
    )

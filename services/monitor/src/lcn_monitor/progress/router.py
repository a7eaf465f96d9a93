"""HTTP endpoints of progress: every indicator in a scope, one indicator, its explanation, and CSV downloads.
Public reads: the volgsysteem makes the realised impact visible."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from lcn_monitor.indicators.schemas import KEY_PATTERN
from lcn_monitor.periods import service as period_rules
from lcn_monitor.periods.schemas import PERIOD_PATTERN
from lcn_monitor.progress import explain as explaining
from lcn_monitor.progress import service
from lcn_monitor.progress.schemas import Explanation, Progress, ProgressPage
from lcn_monitor.scopes import NATIONAL, SCOPE_PATTERN, Scope, parse_scope
from lcn_shared.clock import ClockDep
from lcn_shared.cursors import encode_cursor, read_cursor
from lcn_shared.db import ReadSessionDep
from lcn_shared.problems import NotFound, UnprocessableContent, problem_responses
from lcn_shared.spreadsheets import CsvSeparator, csv_download

router = APIRouter(prefix="/progress", tags=["progress"])
PROBLEMS = problem_responses(400, 404, 422)
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "A CSV file."}
}
SUMMARY_HEADER = [
    "indicator",
    "naam",
    "eenheid",
    "scope",
    "peildatum",
    "stand",
    "verwacht",
    "doel",
    "doeldatum",
    "status",
]
SERIES_HEADER = ["indicator", "naam", "eenheid", "scope", "periode", "begin", "einde", "waarde", "verwacht"]


async def checked_scope(
    scope: Annotated[
        str, Query(pattern=SCOPE_PATTERN, description="`national`, `landsdeel:<code>` or `topsector:<code>`.")
    ] = NATIONAL,
) -> Scope:
    """The scope, with its landsdeel or top sector checked against the vocabulary (422 otherwise)."""
    try:
        return parse_scope(scope)
    except ValueError as error:
        raise UnprocessableContent(str(error), errors=[{"loc": ["query", "scope"], "msg": str(error)}]) from error


ScopeQuery = Annotated[Scope, Depends(checked_scope)]
Key = Annotated[str, Path(pattern=KEY_PATTERN, description="The indicator's key.")]
Separator = Annotated[CsvSeparator, Query(description="`semicolon` for Excel with Dutch regional settings.")]


async def today_of(clock: ClockDep) -> date:
    """The network's date now."""
    return period_rules.today(clock.now())


Today = Annotated[date, Depends(today_of)]


@router.get("", response_model=ProgressPage, responses=PROBLEMS)
async def scope_progress(session: ReadSessionDep, scope: ScopeQuery, today: Today) -> ProgressPage:
    """Every indicator's progress in a scope today: actual against target, trajectory, status and series."""
    data = await service.scope_progress(session, scope=scope, today=today)
    return ProgressPage(scope=scope.text, as_of=today, data=data)


@router.get("/summary.csv", response_class=Response, responses=CSV_RESPONSE | PROBLEMS)
async def progress_csv(
    session: ReadSessionDep, scope: ScopeQuery, today: Today, separator: Separator = CsvSeparator.COMMA
) -> Response:
    """Every indicator's progress in the scope as a spreadsheet, one line each."""
    rows = [
        [
            item.indicator,
            item.name_nl,
            item.unit,
            item.scope,
            item.as_of,
            item.actual,
            item.expected,
            item.target.value if item.target else None,
            item.target.due_on if item.target else None,
            item.status,
        ]
        for item in await service.scope_progress(session, scope=scope, today=today)
    ]
    return csv_download(SUMMARY_HEADER, rows, separator=separator, filename=f"voortgang-{scope.text}-{today}.csv")


@router.get("/series.csv", response_class=Response, responses=CSV_RESPONSE | PROBLEMS)
async def series_csv(
    session: ReadSessionDep, scope: ScopeQuery, today: Today, separator: Separator = CsvSeparator.COMMA
) -> Response:
    """Every indicator's figure per period in the scope, with the trajectory's value, as a spreadsheet."""
    rows = [
        [item.indicator, item.name_nl, item.unit, item.scope, point.period, point.starts_on, point.ends_on]
        + [point.value, point.expected]
        for item in await service.scope_progress(session, scope=scope, today=today)
        for point in item.series
    ]
    return csv_download(SERIES_HEADER, rows, separator=separator, filename=f"reeksen-{scope.text}-{today}.csv")


@router.get("/{key}", response_model=Progress, responses=PROBLEMS)
async def indicator_progress(key: Key, session: ReadSessionDep, scope: ScopeQuery, today: Today) -> Progress:
    """One indicator's progress in a scope today."""
    found = await service.scope_progress(session, scope=scope, today=today, keys=[key])
    if not found:
        raise NotFound(f"No indicator {key!r}.")
    return found[0]


@router.get("/{key}/explanation", response_model=Explanation, responses=PROBLEMS)
async def explain_figure(
    key: Key,
    session: ReadSessionDep,
    scope: ScopeQuery,
    today: Today,
    period: Annotated[
        str | None, Query(pattern=PERIOD_PATTERN, description="A period's figure instead of today's.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    cursor: Annotated[str | None, Query(max_length=500, description="`next_cursor` of the page before.")] = None,
) -> Explanation:
    """What the figure is made of: the communities, organisations or landsdelen counted, or the approved report
    revisions (and a programme's observation, and the baseline) added up; the parts add up to the figure."""
    tag = f"explanation:{key}:{scope.text}:{period}"
    after = read_cursor(cursor, tag=tag, parse=lambda position: int(position["after"]))
    explained = await explaining.explain(
        session, key=key, scope=scope, period=period, today=today, limit=limit, after=after
    )
    if explained.next_cursor is not None:
        explained.next_cursor = encode_cursor({"after": int(explained.next_cursor)}, tag=tag)
    return explained

"""HTTP endpoints of indicators: public reads; coordinators manage definitions, baselines, targets, observations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, status
from fastapi.responses import JSONResponse
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.indicators import repository, service
from lcn_monitor.indicators.schemas import (
    KEY_PATTERN,
    BaselineIn,
    IndicatorChangePublic,
    IndicatorChangesPublic,
    IndicatorCreate,
    IndicatorPublic,
    IndicatorsPublic,
    IndicatorUpdate,
    ObservationIn,
    TargetIn,
)
from lcn_monitor.periods.schemas import PERIOD_PATTERN
from lcn_monitor.scopes import SCOPE_PATTERN, parse_scope
from lcn_shared.auth import Principal, Role, require
from lcn_shared.clock import ClockDep
from lcn_shared.concurrency import expected_version, versioned
from lcn_shared.cursors import page_of, read_cursor
from lcn_shared.db import ReadSessionDep, SessionDep
from lcn_shared.problems import UnprocessableContent, problem_responses
from lcn_shared.urls import url_of

router = APIRouter(prefix="/indicators", tags=["indicators"])
PROBLEMS = problem_responses(400, 401, 403, 404, 409, 412, 422, 428)
Coordinator = Annotated[Principal, Depends(require(Role.COORDINATOR))]
IfMatch = Annotated[str | None, Header(description='The indicator\'s ETag, e.g. `"3"`; required for changes.')]
Key = Annotated[str, Path(pattern=KEY_PATTERN, description="The indicator's key.")]
ScopeParameter = Annotated[
    str, Path(pattern=SCOPE_PATTERN, description="`national`, `landsdeel:<code>` or `topsector:<code>`.")
]
PeriodParameter = Annotated[str, Path(pattern=PERIOD_PATTERN, description="A reporting period, such as `2026-H1`.")]
DueOn = Annotated[date, Path(description="The target's date.")]
HISTORY_TAG = "indicator-history"


async def checked_scope(scope: ScopeParameter) -> str:
    """The scope, with its landsdeel or top sector checked against the vocabulary (422 otherwise)."""
    try:
        return parse_scope(scope).text
    except ValueError as error:
        raise UnprocessableContent(str(error), errors=[{"loc": ["path", "scope"], "msg": str(error)}]) from error


CheckedScope = Annotated[str, Depends(checked_scope)]


@dataclass(frozen=True)
class Change:
    """What every change of an indicator needs: its unit of work, who changes it, when, and the ETag it read."""

    session: AsyncSession
    principal: Principal
    now: datetime
    expected_version: int | None

    def by(self) -> dict[str, Any]:
        """The keyword arguments every change function of the service takes."""
        return {"expected_version": self.expected_version, "principal": self.principal, "now": self.now}


async def change_of(session: SessionDep, principal: Coordinator, clock: ClockDep, if_match: IfMatch = None) -> Change:
    """A coordinator's change, checked against `If-Match`."""
    return Change(session, principal, clock.now(), expected_version(if_match))


Changing = Annotated[Change, Depends(change_of)]


async def _answer(session: AsyncSession, key: str, *, status_code: int = 200) -> JSONResponse:
    """The indicator as it is now, with its ETag."""
    (view,) = await service.indicator_views(session, keys=[key])
    return versioned(view, version=view.version, status_code=status_code)


@router.get("", response_model=IndicatorsPublic, responses=PROBLEMS)
async def list_indicators(session: ReadSessionDep) -> IndicatorsPublic:
    """Every indicator with its baselines, targets and observations, by key."""
    return IndicatorsPublic(data=await service.indicator_views(session))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=IndicatorPublic, responses=PROBLEMS)
async def create_indicator(
    data: IndicatorCreate, session: SessionDep, principal: Coordinator, clock: ClockDep, request: Request
) -> JSONResponse:
    """Define a new indicator (coordinators)."""
    indicator = await service.create_indicator(session, data=data, principal=principal, now=clock.now())
    response = await _answer(session, indicator.key, status_code=201)
    response.headers["Location"] = url_of(request, "get_indicator", key=indicator.key)
    return response


@router.get("/{key}", response_model=IndicatorPublic, responses=PROBLEMS, name="get_indicator")
async def get_indicator(key: Key, session: ReadSessionDep) -> JSONResponse:
    """One indicator, with its ETag for a later change."""
    await service.get_indicator(session, key=key)
    return await _answer(session, key)


@router.patch(
    "/{key}",
    response_model=IndicatorPublic,
    responses=PROBLEMS,
    openapi_extra={"requestBody": {"content": {"application/merge-patch+json": {}}}},
)
async def update_indicator(
    key: Key,
    patch: IndicatorUpdate,
    session: SessionDep,
    principal: Coordinator,
    clock: ClockDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Change an indicator's names, unit, direction, tolerance, aggregation or definition (JSON merge patch)."""
    await service.update_indicator(
        session, key=key, data=patch, expected_version=expected_version(if_match), principal=principal, now=clock.now()
    )
    return await _answer(session, key)


@router.put("/{key}/baselines/{scope}", response_model=IndicatorPublic, responses=PROBLEMS)
async def put_baseline(
    key: Key,
    scope: CheckedScope,
    data: BaselineIn,
    change: Changing,
) -> JSONResponse:
    """Set the baseline in a scope."""
    await service.put_baseline(
        change.session,
        key=key,
        scope=scope,
        data=data,
        **change.by(),
    )
    return await _answer(change.session, key)


@router.delete("/{key}/baselines/{scope}", response_model=IndicatorPublic, responses=PROBLEMS)
async def remove_baseline(
    key: Key,
    scope: CheckedScope,
    change: Changing,
) -> JSONResponse:
    """Remove the baseline in a scope."""
    await service.remove_part(
        change.session,
        key=key,
        part="baseline",
        scope=scope,
        identity=(),
        **change.by(),
    )
    return await _answer(change.session, key)


@router.put("/{key}/targets/{scope}/{due_on}", response_model=IndicatorPublic, responses=PROBLEMS)
async def put_target(
    key: Key,
    scope: CheckedScope,
    due_on: DueOn,
    data: TargetIn,
    change: Changing,
) -> JSONResponse:
    """Set the target for a date in a scope (and its trajectory, when it is not a straight line)."""
    await service.put_target(
        change.session,
        key=key,
        scope=scope,
        due_on=due_on,
        data=data,
        **change.by(),
    )
    return await _answer(change.session, key)


@router.delete("/{key}/targets/{scope}/{due_on}", response_model=IndicatorPublic, responses=PROBLEMS)
async def remove_target(
    key: Key,
    scope: CheckedScope,
    due_on: DueOn,
    change: Changing,
) -> JSONResponse:
    """Remove a target."""
    await service.remove_part(
        change.session,
        key=key,
        part="target",
        scope=scope,
        identity=(due_on,),
        **change.by(),
    )
    return await _answer(change.session, key)


@router.put("/{key}/observations/{scope}/{period}", response_model=IndicatorPublic, responses=PROBLEMS)
async def put_observation(
    key: Key,
    scope: CheckedScope,
    period: PeriodParameter,
    data: ObservationIn,
    change: Changing,
) -> JSONResponse:
    """Set the figure a programme reported for the scope as a whole for a period (report indicators)."""
    await service.put_observation(
        change.session,
        key=key,
        scope=scope,
        period_id=period,
        data=data,
        **change.by(),
    )
    return await _answer(change.session, key)


@router.delete("/{key}/observations/{scope}/{period}", response_model=IndicatorPublic, responses=PROBLEMS)
async def remove_observation(
    key: Key,
    scope: CheckedScope,
    period: PeriodParameter,
    change: Changing,
) -> JSONResponse:
    """Remove an observation."""
    await service.remove_part(
        change.session,
        key=key,
        part="observation",
        scope=scope,
        identity=(period,),
        **change.by(),
    )
    return await _answer(change.session, key)


@router.get("/{key}/history", response_model=IndicatorChangesPublic, responses=PROBLEMS)
async def indicator_history(
    key: Key,
    session: ReadSessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500, description="`next_cursor` of the page before.")] = None,
) -> IndicatorChangesPublic:
    """Every change of the indicator and its baselines, targets and observations: who, when, what; newest first."""
    await service.get_indicator(session, key=key)
    tag = f"{HISTORY_TAG}:{key}"
    before = read_cursor(cursor, tag=tag, parse=lambda position: int(position["before"]))
    rows = await repository.changes(session, key, before=before, limit=limit + 1)
    page, next_cursor = page_of(rows, limit=limit, position=lambda row: {"before": row.change_id}, tag=tag)
    return IndicatorChangesPublic(
        data=[IndicatorChangePublic.model_validate(row, from_attributes=True) for row in page], next_cursor=next_cursor
    )

"""HTTP endpoints of reporting periods: public reads; coordinators add and change them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Request, status
from fastapi.responses import JSONResponse

from lcn_monitor.periods import repository, service
from lcn_monitor.periods.schemas import PERIOD_PATTERN, PeriodCreate, PeriodPublic, PeriodsPublic, PeriodUpdate
from lcn_shared.auth import Principal, Role, require
from lcn_shared.clock import ClockDep
from lcn_shared.concurrency import expected_version, versioned
from lcn_shared.db import ReadSessionDep, SessionDep
from lcn_shared.problems import problem_responses
from lcn_shared.urls import url_of

router = APIRouter(prefix="/periods", tags=["periods"])
PROBLEMS = problem_responses(401, 403, 404, 409, 412, 422, 428)
Coordinator = Annotated[Principal, Depends(require(Role.COORDINATOR))]
PeriodParameter = Annotated[str, Path(pattern=PERIOD_PATTERN, description="A reporting period, such as `2026-H1`.")]
IfMatch = Annotated[str | None, Header(description='The period\'s ETag, e.g. `"2"`; required for changes.')]


@router.get("", response_model=PeriodsPublic)
async def list_periods(session: ReadSessionDep) -> PeriodsPublic:
    """Every reporting period, oldest first."""
    periods = await repository.all_periods(session)
    return PeriodsPublic(data=[PeriodPublic.model_validate(period, from_attributes=True) for period in periods])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=PeriodPublic, responses=PROBLEMS)
async def create_period(
    data: PeriodCreate, session: SessionDep, principal: Coordinator, clock: ClockDep, request: Request
) -> JSONResponse:
    """Add a reporting period (coordinators)."""
    period = await service.create_period(session, data=data, now=clock.now())
    location = url_of(request, "get_period", period=period.period_id)
    public = PeriodPublic.model_validate(period, from_attributes=True)
    return versioned(public, version=period.version, status_code=201, location=location)


@router.get("/{period}", response_model=PeriodPublic, responses=PROBLEMS, name="get_period")
async def get_period(period: PeriodParameter, session: ReadSessionDep) -> JSONResponse:
    """One reporting period, with its ETag."""
    found = await service.get_period(session, period_id=period)
    return versioned(PeriodPublic.model_validate(found, from_attributes=True), version=found.version)


@router.patch(
    "/{period}",
    response_model=PeriodPublic,
    responses=PROBLEMS,
    openapi_extra={"requestBody": {"content": {"application/merge-patch+json": {}}}},
)
async def update_period(
    period: PeriodParameter,
    patch: PeriodUpdate,
    session: SessionDep,
    principal: Coordinator,
    clock: ClockDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Change a period's dates or whether reports are required (coordinators)."""
    changed = await service.update_period(
        session, period_id=period, data=patch, expected_version=expected_version(if_match), now=clock.now()
    )
    return versioned(PeriodPublic.model_validate(changed, from_attributes=True), version=changed.version)

"""HTTP endpoints of the calendar: the list, year and month views, and publishing a planned year at once."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse

from lcn_events.calendar import service
from lcn_events.calendar.schemas import (
    CalendarFilters,
    CalendarPublished,
    MonthViewPublic,
    OccurrenceListParams,
    OccurrencesPage,
    YearPublic,
)
from lcn_events.clashes import service as clashes
from lcn_events.events.access import viewer_of
from lcn_events.events.state import view_of
from lcn_events.events.times import today
from lcn_shared.auth import OPTIONAL_KEY, Principal, Role, identify, require
from lcn_shared.clock import ClockDep
from lcn_shared.cursors import page_of, read_cursor
from lcn_shared.db import ReadSessionDep, SessionDep
from lcn_shared.idempotency import answer_once, fingerprint
from lcn_shared.problems import problem_responses

router = APIRouter(tags=["calendar"])
READ_PROBLEMS = problem_responses(400, 401, 422)
PLAN_PROBLEMS = problem_responses(400, 401, 403, 422)
Caller = Annotated[Principal | None, Depends(identify)]
Planner = Annotated[Principal, Depends(require(Role.CONFERENCE_TEAM))]
Year = Annotated[int, Path(ge=2000, le=2200)]
Month = Annotated[int, Path(ge=1, le=12)]


@router.get("/events", response_model=OccurrencesPage, responses=READ_PROBLEMS, openapi_extra=OPTIONAL_KEY)
async def list_occurrences(
    params: Annotated[OccurrenceListParams, Query()], session: ReadSessionDep, principal: Caller, clock: ClockDep
) -> OccurrencesPage:
    """The occurrences from `from` to `to` (a series expanded into them) by start: public events for everyone,
    drafts for the conference team and their organisers."""
    event_filter = await service.resolve_filter(session, params)
    first, last = service.list_range(params, now=clock.now())
    tag = service.listing_tag(event_filter, first, last)
    position = read_cursor(params.cursor, tag=tag, parse=service.parse_position)
    found, names = await service.shown_between(
        session, event_filter=event_filter, viewer=viewer_of(principal), first=first, last=last
    )
    rows = service.after(found, position)[: params.limit + 1]
    page, next_cursor = page_of(rows, limit=params.limit, position=service.cursor_position, tag=tag)
    return OccurrencesPage(data=[service.occurrence_view(found, names) for found in page], next_cursor=next_cursor)


@router.get("/calendar/{year}", response_model=YearPublic, responses=READ_PROBLEMS, openapi_extra=OPTIONAL_KEY)
async def year_calendar(
    year: Year, filters: Annotated[CalendarFilters, Query()], session: ReadSessionDep, principal: Caller
) -> YearPublic:
    """A year of the calendar, month by month."""
    event_filter = await service.resolve_filter(session, filters)
    found, names = await service.shown_between(
        session,
        event_filter=event_filter,
        viewer=viewer_of(principal),
        first=date(year, 1, 1),
        last=date(year, 12, 31),
    )
    return service.year_view(year, found, names)


@router.get(
    "/calendar/{year}/{month}", response_model=MonthViewPublic, responses=READ_PROBLEMS, openapi_extra=OPTIONAL_KEY
)
async def month_calendar(
    year: Year, month: Month, filters: Annotated[CalendarFilters, Query()], session: ReadSessionDep, principal: Caller
) -> MonthViewPublic:
    """A month of the calendar, day by day."""
    event_filter = await service.resolve_filter(session, filters)
    first, last = service.month_days(year, month)
    found, names = await service.shown_between(
        session, event_filter=event_filter, viewer=viewer_of(principal), first=first, last=last
    )
    return service.month_view(year, month, found, names)


@router.post("/calendar/{year}/publish", response_model=CalendarPublished, responses=PLAN_PROBLEMS)
async def publish_year(
    year: Year,
    session: SessionDep,
    principal: Planner,
    clock: ClockDep,
    request: Request,
    idempotency_key: Annotated[
        str | None, Header(description="Makes a retried POST safe: the same key replays the first answer.")
    ] = None,
) -> JSONResponse:
    """Publish every draft starting in the year at once (the conference team), or none: 422 naming each draft that
    cannot be published and why."""

    async def act() -> JSONResponse:
        published = await service.publish_year(session, year=year, principal=principal, now=clock.now())
        warnings = {
            (clash.first.event_id, clash.second.event_id, clash.overlap_start): clash
            for event in published
            for clash in await clashes.warnings_for(session, event, principal=principal, today=today(clock.now()))
        }
        body = CalendarPublished(
            year=year,
            published=[await view_of(session, event) for event in published],
            clash_warnings=list(warnings.values()),
        )
        return JSONResponse(body.model_dump(mode="json"))

    request_fingerprint = fingerprint("POST", request.url.path, b"")
    return await answer_once(
        session, principal=principal.key_id, key=idempotency_key, request_fingerprint=request_fingerprint, act=act
    )

"""HTTP endpoints of the calendar: the list, year and month views, and publishing a planned year at once."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

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
from lcn_events.directory.service import Names
from lcn_events.events.access import viewer_of
from lcn_events.events.occurrences import Occurrence
from lcn_events.events.state import view_of
from lcn_events.events.times import today
from lcn_events.kept import Body, IfNoneMatch, conditional, public_body
from lcn_shared.auth import OPTIONAL_KEY, Principal, Role, identify, require
from lcn_shared.clock import ClockDep
from lcn_shared.cursors import page_of, read_cursor
from lcn_shared.db import ReadSessionDep, SessionDep
from lcn_shared.idempotency import answer_once, fingerprint
from lcn_shared.problems import problem_responses

router = APIRouter(tags=["calendar"])
READ_PROBLEMS = problem_responses(400, 401, 422)
VIEW_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: `If-None-Match` names the current ETag."}
}
JSON = "application/json"
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


@router.get(
    "/calendar/{year}", response_model=YearPublic, responses=VIEW_RESPONSES | READ_PROBLEMS, openapi_extra=OPTIONAL_KEY
)
async def year_calendar(
    year: Year,
    filters: Annotated[CalendarFilters, Query()],
    session: ReadSessionDep,
    principal: Caller,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """A year of the calendar, month by month, with an ETag (304 while it is current)."""
    days, key = (date(year, 1, 1), date(year, 12, 31)), ("year", year)
    render = functools.partial(service.year_view, year)
    return await _calendar_view(session, filters, principal, if_none_match, days=days, key=key, render=render)


@router.get(
    "/calendar/{year}/{month}",
    response_model=MonthViewPublic,
    responses=VIEW_RESPONSES | READ_PROBLEMS,
    openapi_extra=OPTIONAL_KEY,
)
async def month_calendar(
    year: Year,
    month: Month,
    filters: Annotated[CalendarFilters, Query()],
    session: ReadSessionDep,
    principal: Caller,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """A month of the calendar, day by day, with an ETag (304 while it is current)."""
    days, key = service.month_days(year, month), ("month", year, month)
    render = functools.partial(service.month_view, year, month)
    return await _calendar_view(session, filters, principal, if_none_match, days=days, key=key, render=render)


async def _calendar_view(
    session: AsyncSession,
    filters: CalendarFilters,
    principal: Principal | None,
    if_none_match: str | None,
    *,
    days: tuple[date, date],
    key: tuple[Any, ...],
    render: Callable[[list[Occurrence], Names], BaseModel],
) -> Response:
    """A view of the `days` (first and last) as JSON with its ETag (304 while current): the public's kept per
    version of what it shows, made anew for a viewer who sees drafts."""
    event_filter = await service.resolve_filter(session, filters)
    viewer = viewer_of(principal)

    async def make() -> bytes:
        first, last = days
        found, names = await service.shown_between(
            session, event_filter=event_filter, viewer=viewer, first=first, last=last
        )
        return render(found, names).model_dump_json().encode()

    if viewer.public:
        body = await public_body(session, key=(*key, event_filter), make=make, shows_names=True)
    else:
        body = Body.of(await make())
    # Shared caches may keep the public's view briefly; a view with drafts in it only its caller.
    caching = "public, max-age=60, must-revalidate" if viewer.public else "private, no-cache"
    headers = {"Cache-Control": caching, "Vary": "Authorization, Cookie"}
    return conditional(body, media_type=JSON, if_none_match=if_none_match, headers=headers)


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

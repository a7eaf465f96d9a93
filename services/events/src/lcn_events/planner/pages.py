"""The year planner as pages (HTML, signed in, outside the OpenAPI): a year's events by month with their clashes,
and publishing the year's drafts at once. The event form and the registrations are in their own modules."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.calendar import service as calendar
from lcn_events.calendar.schemas import CalendarFilters, OccurrencePublic
from lcn_events.clashes import service as clashes
from lcn_events.clashes.schemas import Clash
from lcn_events.events.access import viewer_of
from lcn_events.events.times import today
from lcn_events.planner import event_pages, registration_pages
from lcn_events.planner.common import FIRST_YEAR, LAST_YEAR, PAGES, PLANNER_PATH, Planner, common, see_other, undo
from lcn_shared.auth import Principal
from lcn_shared.clock import ClockDep
from lcn_shared.db import ReadSessionDep, SessionDep
from lcn_shared.pages import page_link
from lcn_shared.problems import NotFound, UnprocessableContent

router = APIRouter(include_in_schema=False)
router.include_router(event_pages.router)
router.include_router(registration_pages.router)


def _year(text: str) -> int:
    """A year the calendar holds, from the path; NotFound for anything else."""
    if not (text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR):
        raise NotFound(f"No year {text[:20]!r} in the calendar (the years {FIRST_YEAR} to {LAST_YEAR}).")
    return int(text)


def _clashes_by_occurrence(found: list[Clash]) -> dict[tuple[UUID, date], list[dict[str, Any]]]:
    """Per occurrence (event and date in its series), the events it clashes with and the days they share."""
    marked: dict[tuple[UUID, date], list[dict[str, Any]]] = defaultdict(list)
    for clash in found:
        for mine, other in ((clash.first, clash.second), (clash.second, clash.first)):
            shared = {"title": other.title, "event_id": other.event_id, "start": clash.overlap_start}
            marked[(mine.event_id, mine.occurrence_date)].append(shared | {"end": clash.overlap_end})
    return marked


def _item(occurrence: OccurrencePublic, marked: dict[tuple[UUID, date], list[dict[str, Any]]]) -> dict[str, Any]:
    """One occurrence as the planner lists it, with the clashes it has."""
    return {"o": occurrence, "clashes": marked.get((occurrence.event_id, occurrence.occurrence_date), [])}


async def year_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    *,
    year: int,
    blocked: list[dict[str, Any]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The planner of a year: every event the team sees (drafts too), month by month, clashes marked."""
    event_filter = await calendar.resolve_filter(session, CalendarFilters())
    first, last = date(year, 1, 1), date(year, 12, 31)
    found, names = await calendar.shown_between(
        session, event_filter=event_filter, viewer=viewer_of(principal), first=first, last=last
    )
    marked = _clashes_by_occurrence(await clashes.clashes_in(session, year=year))
    months = [
        {"month": month.month, "items": [_item(occurrence, marked) for occurrence in month.occurrences]}
        for month in calendar.year_view(year, found, names).months
    ]
    drafts = len({occurrence.event.event_id for occurrence in found if occurrence.event.status == "draft"})
    return PAGES.render(
        request,
        "planner/year.html",
        status_code=status_code,
        year=year,
        months=months,
        drafts=drafts,
        clash_count=len({key for key, shared in marked.items() if shared}),
        published=shown if (shown := request.query_params.get("published", "")).isdigit() else None,
        blocked=blocked,
        **common(request, current="planner"),
    )


@router.get(PLANNER_PATH, response_class=HTMLResponse)
async def planner_now(request: Request, principal: Planner, clock: ClockDep) -> RedirectResponse:
    """The planner of the year it is now."""
    return see_other(request, f"{PLANNER_PATH}/{today(clock.now()).year}")


@router.get(PLANNER_PATH + "/{year}", response_class=HTMLResponse)
async def planner_page(year: str, request: Request, principal: Planner, session: ReadSessionDep) -> Response:
    """A year's events on one screen, by month: date, title, kind, status, tags, clashes; drafts told apart."""
    try:
        chosen = _year(year)
    except NotFound as error:
        return PAGES.problem(request, error, back=page_link(request, PLANNER_PATH))
    return await year_page(request, session, principal, year=chosen)


@router.post(PLANNER_PATH + "/{year}/publish", response_class=HTMLResponse)
async def publish_page(
    year: str, request: Request, principal: Planner, session: SessionDep, clock: ClockDep
) -> Response:
    """Publish every draft starting in the year, or none: the count, or each draft that blocks it and why."""
    try:
        chosen = _year(year)
    except NotFound as error:
        return PAGES.problem(request, error, back=page_link(request, PLANNER_PATH))
    try:
        published = await calendar.publish_year(session, year=chosen, principal=principal, now=clock.now())
    except UnprocessableContent as error:
        await undo(session)
        blocked = list(error.extensions.get("errors", []))
        return await year_page(request, session, principal, year=chosen, blocked=blocked, status_code=422)
    return see_other(request, f"{PLANNER_PATH}/{chosen}", [("published", len(published))])

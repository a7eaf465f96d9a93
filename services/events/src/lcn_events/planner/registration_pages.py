"""An event's registrations as pages: confirmed, pending (to approve or decline), the waiting list in order and the
cancelled, with the attendee list as a spreadsheet; the API's service functions do every step."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.events import repository as events
from lcn_events.events.models import Event
from lcn_events.events.state import view_of
from lcn_events.planner.common import EVENTS_PATH, PAGES, PLANNER_PATH, Planner, common, see_other, undo
from lcn_events.registrations import repository, service, views
from lcn_events.registrations.access import Caller, authorise_organiser
from lcn_events.registrations.router import Attendees, export_registrations
from lcn_shared.auth import Principal
from lcn_shared.clock import ClockDep
from lcn_shared.db import ReadSessionDep, SessionDep
from lcn_shared.pages import page_link
from lcn_shared.problems import NotFound, ProblemError

router = APIRouter(include_in_schema=False)
DECISIONS = ("approve", "decline")
SHOWN = ("confirmed", "pending", "waitlisted", "cancelled", "declined")
# The people behind these pages are registrants: no cache keeps them.
PRIVATE = {"Cache-Control": "no-store"}


async def _organised(session: AsyncSession, event_id: UUID, principal: Principal) -> Event:
    """The event when the principal may see its registrations (404 unknown, 403 someone else's)."""
    event = await events.get(session, event_id)
    if event is None:
        raise NotFound(f"No event {event_id}.")
    authorise_organiser(event, principal)
    return event


@router.get(EVENTS_PATH + "/{event_id}/registrations", response_class=HTMLResponse)
async def registrations_page(event_id: UUID, request: Request, principal: Planner, session: ReadSessionDep) -> Response:
    """The event's registrations by status (the waiting list in its order), the counts and the spreadsheet."""
    try:
        event = await _organised(session, event_id, principal)
    except ProblemError as error:
        return PAGES.problem(request, error, back=page_link(request, PLANNER_PATH))
    rows = await repository.listed(session, event_id=event_id, occurrence_date=None, status=None)
    listed = await views.listed(session, event, rows)
    groups = {status: [found for found in listed if found.status == status] for status in SHOWN}
    groups["waitlisted"].sort(key=lambda found: (found.position is None, found.position or 0))
    response = PAGES.render(
        request,
        "planner/registrations.html",
        event=await view_of(session, event),
        counts=await views.counts(session, event, None),
        groups=groups,
        decided=decided if (decided := request.query_params.get("decided")) in DECISIONS else None,
        csv=page_link(request, f"{EVENTS_PATH}/{event_id}/registrations.csv", keep_language=False),
        **common(request, current="event"),
    )
    response.headers.update(PRIVATE)
    return response


@router.get(EVENTS_PATH + "/{event_id}/registrations.csv", response_class=Response)
async def registrations_spreadsheet(
    event_id: UUID, request: Request, principal: Planner, session: ReadSessionDep
) -> Response:
    """The attendee list as the API's spreadsheet (the same function makes it), for a signed-in browser."""
    try:
        event = await _organised(session, event_id, principal)
    except ProblemError as error:
        return PAGES.problem(request, error, back=page_link(request, PLANNER_PATH))
    return await export_registrations(event_id, session, Attendees(event, None, None))


@router.post(PLANNER_PATH + "/registrations/{registration_id}/{decision}", response_class=HTMLResponse)
async def decide_page(
    registration_id: UUID, decision: str, request: Request, principal: Planner, session: SessionDep, clock: ClockDep
) -> Response:
    """Approve or decline a pending registration, as the API does; back to the event's registrations."""
    caller = Caller(principal=principal)
    try:
        if decision == "approve":
            registration = (
                await service.approve(session, registration_id=registration_id, caller=caller, now=clock.now())
            ).registration
        elif decision == "decline":
            registration, _ = await service.decline(
                session, registration_id=registration_id, caller=caller, now=clock.now()
            )
        else:
            raise NotFound(f"No decision {decision[:20]!r}: approve or decline.")
    except ProblemError as error:
        await undo(session)
        return PAGES.problem(request, error, back=page_link(request, PLANNER_PATH))
    path = f"{EVENTS_PATH}/{registration.event_id}/registrations"
    return see_other(request, path, [("decided", decision)])

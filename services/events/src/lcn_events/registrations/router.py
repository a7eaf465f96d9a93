"""HTTP endpoints of registrations: register (no account needed), the person's own link, the organiser's list,
spreadsheet and decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse, Response

from lcn_events.events import repository as events
from lcn_events.events.models import Event
from lcn_events.registrations import repository, service, views
from lcn_events.registrations.access import Caller, authorise_organiser
from lcn_events.registrations.schemas import (
    OccurrenceDate,
    RegistrationCreate,
    RegistrationDetail,
    RegistrationLink,
    RegistrationPublic,
    RegistrationReceipt,
    RegistrationsPage,
    RegistrationStatus,
    Token,
)
from lcn_shared.auth import OPTIONAL_KEY, Principal, Role, identify, require
from lcn_shared.clock import ClockDep
from lcn_shared.db import ReadSessionDep, SessionDep
from lcn_shared.problems import NotFound, problem_responses
from lcn_shared.spreadsheets import CsvSeparator, csv_download
from lcn_shared.urls import url_of

router = APIRouter(tags=["registrations"])
REGISTER_PROBLEMS = problem_responses(404, 409, 413, 422)
LINK_PROBLEMS = problem_responses(401, 403, 404, 409, 422)
ORGANISER_PROBLEMS = problem_responses(401, 403, 404, 409, 422)
LIST_PROBLEMS = problem_responses(400, 401, 403, 404, 422)
REPEATED: dict[int | str, dict[str, Any]] = {
    200: {"model": RegistrationReceipt, "description": "The address had registered already: no link this time."}
}
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "A CSV file."}
}
Organiser = Annotated[Principal, Depends(require(Role.CONFERENCE_TEAM, Role.PARTNER))]
LinkToken = Annotated[Token | None, Query(description="The secret of the person's own link (given once).")]
OccurrenceQuery = Annotated[OccurrenceDate | None, Query(description="Only this occurrence of a series.")]
StatusQuery = Annotated[RegistrationStatus | None, Query(description="Only registrations in this status.")]
Separator = Annotated[CsvSeparator, Query(description="`semicolon` for Excel with Dutch regional settings.")]


async def person_or_organiser(
    principal: Annotated[Principal | None, Depends(identify)], token: LinkToken = None
) -> Caller:
    """The caller of a registration's own routes: its link's secret, or an organiser's (or the team's) key."""
    return Caller(principal=principal, token=token)


PersonOrOrganiser = Annotated[Caller, Depends(person_or_organiser)]
# Answers that hold personal data or a link's secret are kept by no cache, shared or private.
NO_STORE = {"Cache-Control": "no-store"}


def _private(response: Response) -> None:
    """Mark an answer as not to be stored."""
    response.headers.update(NO_STORE)


@router.post(
    "/events/{event_id}/registrations",
    status_code=status.HTTP_201_CREATED,
    response_model=RegistrationReceipt,
    responses=REPEATED | REGISTER_PROBLEMS,
)
async def register(
    event_id: UUID, data: RegistrationCreate, session: SessionDep, clock: ClockDep, request: Request
) -> JSONResponse:
    """Register for a published event (for a series: one occurrence), no account needed: 201 with the status
    (`confirmed`, `waitlisted` with the place on the list, or `pending` approval) and the person's own link, given
    this once. The same address again answers 200 with the same registration and no link."""
    registered = await service.register(session, event_id=event_id, data=data, now=clock.now())
    body = views.receipt(request, registered)
    location = url_of(request, "get_registration", registration_id=str(body.registration_id))
    return JSONResponse(
        body.model_dump(mode="json"),
        status_code=201 if registered.token is not None else 200,
        headers={"Location": location} | NO_STORE,
    )


@dataclass(frozen=True)
class Attendees:
    """Which registrations a list or spreadsheet shows: of an event its caller organises (or the team), filtered."""

    event: Event
    occurrence_date: date | None
    status: RegistrationStatus | None


async def attendees(
    event_id: UUID,
    session: ReadSessionDep,
    principal: Organiser,
    occurrence_date: OccurrenceQuery = None,
    status: StatusQuery = None,
) -> Attendees:
    """The event when the caller organises it or is the conference team (404 unknown, 403 someone else's), and the
    filters."""
    event = await events.get(session, event_id)
    if event is None:
        raise NotFound(f"No event {event_id}.")
    authorise_organiser(event, principal)
    return Attendees(event, occurrence_date, status)


AttendeesDep = Annotated[Attendees, Depends(attendees)]


@router.get("/events/{event_id}/registrations", response_model=RegistrationsPage, responses=LIST_PROBLEMS)
async def list_registrations(
    event_id: UUID,
    session: ReadSessionDep,
    shown: AttendeesDep,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=500, description="`next_cursor` of the page before.")] = None,
) -> RegistrationsPage:
    """The event's registrations with the people's details, in the order they were made, and the counts; for its
    organiser and the conference team."""
    _private(response)
    page, next_cursor = await service.attendees_page(
        session,
        event_id=event_id,
        occurrence_date=shown.occurrence_date,
        status=shown.status,
        cursor=cursor,
        limit=limit,
    )
    return RegistrationsPage(
        event_id=event_id,
        occurrence_date=shown.occurrence_date,
        counts=await views.counts(session, shown.event, shown.occurrence_date),
        data=await views.listed(session, shown.event, page),
        next_cursor=next_cursor,
    )


@router.get("/events/{event_id}/registrations.csv", response_class=Response, responses=CSV_RESPONSE | LIST_PROBLEMS)
async def export_registrations(
    event_id: UUID, session: ReadSessionDep, shown: AttendeesDep, separator: Separator = CsvSeparator.COMMA
) -> Response:
    """The attendee list as a spreadsheet (UTF-8 with a BOM, no cell a spreadsheet would run as a formula); for the
    event's organiser and the conference team."""
    rows = await repository.listed(
        session, event_id=event_id, occurrence_date=shown.occurrence_date, status=shown.status
    )
    lines = views.spreadsheet_rows(await views.listed(session, shown.event, rows))
    occurrence_date = shown.occurrence_date
    suffix = f"-{occurrence_date.isoformat()}" if occurrence_date is not None else ""
    download = csv_download(
        views.CSV_HEADER, lines, separator=separator, filename=f"aanmeldingen-{event_id}{suffix}.csv"
    )
    _private(download)
    return download


@router.get(
    "/registrations/{registration_id}",
    response_model=RegistrationDetail,
    responses=LINK_PROBLEMS,
    name="get_registration",
    openapi_extra=OPTIONAL_KEY,
)
async def get_registration(
    registration_id: UUID, session: ReadSessionDep, caller: PersonOrOrganiser, response: Response
) -> RegistrationDetail:
    """One registration with its history: for the person through their link (`?token=`), or for the organiser and
    the conference team through their keys."""
    _private(response)
    registration, place = await service.readable(session, registration_id=registration_id, caller=caller)
    return await views.detail(session, registration, place)


@router.post(
    "/registrations/{registration_id}/cancel",
    response_model=RegistrationPublic,
    responses=LINK_PROBLEMS,
    name="cancel_registration",
    openapi_extra=OPTIONAL_KEY,
)
@router.delete(
    "/registrations/{registration_id}",
    response_model=RegistrationPublic,
    responses=LINK_PROBLEMS,
    name="delete_registration",
    openapi_extra=OPTIONAL_KEY,
)
async def cancel_registration(
    registration_id: UUID, session: SessionDep, caller: PersonOrOrganiser, clock: ClockDep
) -> RegistrationPublic:
    """Cancel a registration (`POST .../cancel`, or `DELETE` the registration: it stays, cancelled, with its counts
    and history): the person through their link, or the organiser or conference team; a confirmed place goes to the
    first on the waiting list. Cancelling again changes nothing."""
    registration, place = await service.cancel(session, registration_id=registration_id, caller=caller, now=clock.now())
    return views.public(registration, place, None)


@router.post(
    "/registrations/{registration_id}/approve", response_model=RegistrationPublic, responses=ORGANISER_PROBLEMS
)
async def approve_registration(
    registration_id: UUID, session: SessionDep, principal: Organiser, clock: ClockDep
) -> RegistrationPublic:
    """Approve a pending registration (organiser, conference team): confirmed while there is room, else on the
    waiting list."""
    approved = await service.approve(
        session, registration_id=registration_id, caller=Caller(principal=principal), now=clock.now()
    )
    return views.public(approved.registration, approved.place, approved.position)


@router.post(
    "/registrations/{registration_id}/decline", response_model=RegistrationPublic, responses=ORGANISER_PROBLEMS
)
async def decline_registration(
    registration_id: UUID, session: SessionDep, principal: Organiser, clock: ClockDep
) -> RegistrationPublic:
    """Decline a pending registration (organiser, conference team)."""
    registration, place = await service.decline(
        session, registration_id=registration_id, caller=Caller(principal=principal), now=clock.now()
    )
    return views.public(registration, place, None)


@router.post("/registrations/{registration_id}/link", response_model=RegistrationLink, responses=ORGANISER_PROBLEMS)
async def renew_link(
    registration_id: UUID, session: SessionDep, principal: Organiser, clock: ClockDep, request: Request
) -> RegistrationLink:
    """A new link for a person who lost theirs (organiser, conference team: hand it over once you know it is them);
    the old link stops working."""
    caller = Caller(principal=principal)
    token = await service.renew_link(session, registration_id=registration_id, caller=caller, now=clock.now())
    registration, _ = await service.readable(session, registration_id=registration_id, caller=caller)
    return views.links(request, registration, token)

"""What the API shows of registrations: the person's receipt, the registration with its details, the attendee list
and its spreadsheet."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.events import repository as events
from lcn_events.events.models import Event
from lcn_events.registrations import repository
from lcn_events.registrations.models import Registration
from lcn_events.registrations.places import Place, place_of
from lcn_events.registrations.schemas import (
    RegistrationChangePublic,
    RegistrationCounts,
    RegistrationDetail,
    RegistrationLink,
    RegistrationPublic,
    RegistrationReceipt,
)
from lcn_events.registrations.service import Registered
from lcn_shared.urls import url_of

CSV_HEADER = [
    "registratie_id",
    "datum",
    "status",
    "plek_op_wachtlijst",
    "naam",
    "e-mail",
    "organisatie",
    "aangemeld_op",
    "bevestigd_op",
    "geannuleerd_op",
    "geanonimiseerd_op",
]


def public(registration: Registration, place: Place, position: int | None) -> RegistrationPublic:
    """A registration with the person's details (null once anonymised)."""
    return RegistrationPublic.model_validate(
        {**registration.model_dump(), "starts_at": place.starts_at, "position": position}
    )


async def detail(session: AsyncSession, registration: Registration, place: Place) -> RegistrationDetail:
    """A registration with its turn and its history."""
    history = [
        RegistrationChangePublic.model_validate(change, from_attributes=True)
        for change in await repository.changes_of(session, registration.registration_id)
    ]
    shown = public(registration, place, await repository.position_of(session, registration))
    return RegistrationDetail(**shown.model_dump(), history=history)


def links(request: Request, registration: Registration, token: str) -> RegistrationLink:
    """The person's own links, each carrying the secret."""
    query = urlencode({"token": token})
    registration_id = str(registration.registration_id)
    return RegistrationLink(
        registration_id=registration.registration_id,
        view_url=f"{url_of(request, 'get_registration', registration_id=registration_id)}?{query}",
        cancel_url=f"{url_of(request, 'cancel_registration', registration_id=registration_id)}?{query}",
        calendar_url=f"{url_of(request, 'personal_calendar', registration_id=registration_id)}?{query}",
    )


def receipt(request: Request, registered: Registered) -> RegistrationReceipt:
    """The answer to registering; the links only when the registration was made now."""
    registration = registered.registration
    given = links(request, registration, registered.token) if registered.token is not None else None
    return RegistrationReceipt(
        registration_id=registration.registration_id,
        event_id=registration.event_id,
        occurrence_date=registration.occurrence_date,
        starts_at=registered.place.starts_at,
        status=registration.status,
        position=registered.position,
        registered_at=registration.registered_at,
        repeated=registered.token is None,
        view_url=given.view_url if given else None,
        cancel_url=given.cancel_url if given else None,
        calendar_url=given.calendar_url if given else None,
    )


async def counts(session: AsyncSession, event: Event, occurrence_date: date | None) -> RegistrationCounts:
    """The event's (or occurrence's) registrations by status, over every page."""
    found = await repository.status_counts(session, event_id=event.event_id, occurrence_date=occurrence_date)
    return RegistrationCounts(
        confirmed=found["confirmed"], waitlisted=found["waitlisted"], pending=found["pending"], capacity=event.capacity
    )


async def listed(session: AsyncSession, event: Event, rows: Sequence[Registration]) -> list[RegistrationPublic]:
    """Registrations of one event with their turn and where their occurrence stands (each computed once)."""
    overrides = (await events.overrides_of(session, [event.event_id]))[event.event_id]
    turns = await repository.positions(session, event.event_id) if any(row.queued for row in rows) else {}
    places: dict[date | None, Place] = {}
    shown = []
    for row in rows:
        if row.occurrence_date not in places:
            places[row.occurrence_date] = place_of(event, overrides, row.occurrence_date)
        shown.append(public(row, places[row.occurrence_date], turns.get(row.registration_id)))
    return shown


def spreadsheet_rows(registrations: Sequence[RegistrationPublic]) -> list[list[Any]]:
    """The attendee list's lines, in the header's order."""
    return [
        [
            found.registration_id,
            found.occurrence_date,
            found.status,
            found.position,
            found.name,
            found.email,
            found.organisation,
            found.registered_at,
            found.confirmed_at,
            found.cancelled_at,
            found.anonymised_at,
        ]
        for found in registrations
    ]

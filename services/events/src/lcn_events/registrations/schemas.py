"""Registrations as the API reads and writes them: a strict body, the person's receipt, the organiser's views."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from lcn_events.events.schemas import Day
from lcn_events.events.times import check_year

RegistrationStatus = Literal["pending", "confirmed", "waitlisted", "declined", "cancelled"]
# Text a person types on one line: something visible, no control characters (a CSV cell or a header stays one line).
ONE_LINE = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
# A pragmatic address check (RFC 5321 lengths, a dotted domain); the proof is the person reading their link.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
# The link's secret: 32 random bytes, base64url without padding.
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{43}$"


def _in_calendar(day: date) -> date:
    """A date within the calendar's years (a date near the year 9999 would overflow the occurrence arithmetic)."""
    check_year(day, "occurrence_date")
    return day


PersonName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200, pattern=ONE_LINE)]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=EMAIL_PATTERN),
    Field(description="Registering again with this address (in any case) gives the same registration."),
]
OccurrenceDate = Annotated[
    Day,
    AfterValidator(_in_calendar),
    Field(description="For a series: the occurrence's date in the series, as the calendar lists it."),
]
Token = Annotated[str, StringConstraints(pattern=TOKEN_PATTERN)]


class RegistrationCreate(BaseModel):
    """A person registering: who they are, and for a series which occurrence."""

    model_config = ConfigDict(extra="forbid")

    name: PersonName
    email: Email
    organisation: PersonName | None = Field(None, description="Where the person works or studies, if anywhere.")
    occurrence_date: OccurrenceDate | None = None


class RegistrationState(BaseModel):
    """Where a registration stands: for which event (or occurrence), when it starts now, its status and turn."""

    registration_id: UUID
    event_id: UUID
    occurrence_date: date | None
    starts_at: datetime | None = Field(description="When the event (or occurrence) starts now; null when gone.")
    status: RegistrationStatus
    position: int | None = Field(description="The place on the waiting list (1 is next); null when not waiting.")
    registered_at: datetime


class RegistrationReceipt(RegistrationState):
    """The answer to registering: the status, the place on the waiting list and, the first time only, the person's
    own link (to read and cancel the registration). It holds nothing the person typed in."""

    repeated: bool = Field(description="True when this address had registered already: the link is not given again.")
    view_url: str | None = Field(description="The person's link to their registration; given once.")
    cancel_url: str | None = Field(description="Where the person cancels (POST, or DELETE on `view_url`); given once.")
    calendar_url: str | None = Field(
        description="The person's own calendar feed (every confirmed place under this address); given once."
    )


class RegistrationLink(BaseModel):
    """A new secret link for a registration (the old one stops working)."""

    registration_id: UUID
    view_url: str
    cancel_url: str
    calendar_url: str


class RegistrationChangePublic(BaseModel):
    """One step of a registration."""

    change: str
    old_status: RegistrationStatus | None
    new_status: RegistrationStatus | None
    actor: str
    origin: str
    changed_at: datetime


class RegistrationPublic(RegistrationState):
    """A registration with the person's details, for the person (through their link), the organiser and the
    conference team; the details are null once anonymised."""

    name: str | None
    email: str | None
    organisation: str | None
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    anonymised_at: datetime | None


class RegistrationDetail(RegistrationPublic):
    """One registration with its history."""

    history: list[RegistrationChangePublic]


class RegistrationCounts(BaseModel):
    """How many registrations there are in each status that holds or awaits a place, and the places."""

    confirmed: int
    waitlisted: int
    pending: int
    capacity: int | None = Field(description="Places per occurrence; null: no limit.")


class RegistrationsPage(BaseModel):
    """A page of an event's registrations in the order they were made; the counts cover every page."""

    event_id: UUID
    occurrence_date: date | None
    counts: RegistrationCounts
    data: list[RegistrationPublic]
    next_cursor: str | None

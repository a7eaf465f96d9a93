"""Events the events service publishes: a calendar event became public, moved, was cancelled, or changed otherwise.

Each carries the event's whole public state and version (as the registry's `CommunityState` does, ADR 0013), so a
read model (notify, the calendar feeds) takes the newest state and needs no earlier event. Nothing in them names a
person: organisers are organisations (or the conference team), and who made a change stays in the service's
history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from lcn_shared.contracts.base import EventContract
from lcn_shared.contracts.vocabulary import Landsdeel, SocietalChallenge, Term, Topsector

EVENT_TOPIC = "lcn.events.event"
EVENTS_SOURCE = "/lcn/events"
# The statuses an event has once it was published; a draft is never on the wire.
PublicStatus = Literal["published", "rescheduled", "cancelled", "completed"]
OverrideState = Literal["moved", "cancelled"]


class EventKind(Term):
    """What kind of gathering an event is."""

    CONFERENCE = ("conference", "Congres", "conferentie", "congres", "jaarcongres")
    NETWORK_MEETING = ("network-meeting", "Netwerkbijeenkomst", "netwerkbijeenkomst")
    MASTERCLASS = ("masterclass", "Masterclass")
    WORKSHOP = ("workshop", "Workshop")
    WEBINAR = ("webinar", "Webinar")
    INFORMATION_DAY = ("information-day", "Informatiedag", "voorlichtingsdag")
    TEACH_THE_TEACHER = ("teach-the-teacher", "Teach-the-teacher")
    THEME_SESSION = ("theme-session", "Themasessie", "themabijeenkomst")
    QUARTERLY_MEETING = ("quarterly-meeting", "Kwartaalbijeenkomst", "kwartaaloverleg")
    OTHER = ("other", "Overig", "overig")


class VenueState(BaseModel):
    """Where an event takes place in person."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str | None = None
    address: str
    postal_code: str | None = None
    city: str


class CommunityRef(BaseModel):
    """A community an event concerns, with its name as the registry last said it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    community_id: UUID
    name: str | None = Field(None, description="None while the registry's events about it have not arrived.")


class OccurrenceOverrideState(BaseModel):
    """One occurrence of a series that was moved or cancelled on its own."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    occurrence_date: date = Field(description="The local date the occurrence had in the series (RECURRENCE-ID).")
    original_starts_at: datetime
    state: OverrideState
    all_day: bool
    start_date: date
    end_date: date | None = Field(None, description="None while the series has no end.")
    starts_at: datetime | None = Field(None, description="None for an all-day event.")
    ends_at: datetime | None = None
    sequence: int = Field(description="RFC 5545 SEQUENCE of this occurrence.")


class EventState(BaseModel):
    """The whole public event after the change (event-carried state transfer): newer versions win."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    version: int = Field(description="The event's version after this change; newer versions win.")
    sequence: int = Field(description="RFC 5545 SEQUENCE: grows with every change that matters to an attendee.")
    status: PublicStatus
    title: str
    kind: EventKind
    major: bool = Field(description="A conference, or flagged major: such events warn when they clash.")
    organiser_id: UUID | None = Field(description="The organising organisation; None: the conference team.")
    organiser_name: str | None
    description: str | None = None
    communities: list[CommunityRef] = Field(default_factory=list)
    timezone: str = Field(description="The IANA time zone the event's times are in.")
    all_day: bool
    start_date: date
    end_date: date
    starts_at: datetime | None = Field(None, description="In the event's time zone; None for an all-day event.")
    ends_at: datetime | None = None
    recurrence: str | None = Field(None, description="An RFC 5545 RRULE over the start; None for a single event.")
    overrides: list[OccurrenceOverrideState] = Field(default_factory=list)
    venue: VenueState | None = None
    online_url: str | None = None
    landsdelen: list[Landsdeel] = Field(default_factory=list, description="Empty: national.")
    topsectors: list[Topsector] = Field(default_factory=list)
    themes: list[SocietalChallenge] = Field(default_factory=list)
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    requires_approval: bool = False
    published_at: datetime
    updated_at: datetime


class CalendarEvent(EventContract):
    """An event about one calendar event, keyed by its id so its events stay in order."""

    topic: ClassVar[str] = EVENT_TOPIC
    source: ClassVar[str] = EVENTS_SOURCE

    event_id: UUID
    state: EventState

    def aggregate_id(self) -> str:
        """The event id."""
        return str(self.event_id)


class EventPublished(CalendarEvent):
    """A draft became public."""

    event_type: ClassVar[str] = "nl.lcn.events.event.published.v1"
    summary: ClassVar[str] = "A calendar event was published: it is public from now on."

    published_at: datetime


class EventRescheduled(CalendarEvent):
    """A public event, or one occurrence of a series, moved in time."""

    event_type: ClassVar[str] = "nl.lcn.events.event.rescheduled.v1"
    summary: ClassVar[str] = "A public calendar event, or one occurrence of its series, moved to another time."

    occurrence_date: date | None = Field(description="The occurrence that moved; None: the event (or series) itself.")
    previous_start_date: date
    previous_starts_at: datetime | None = Field(description="None for an all-day event.")
    rescheduled_at: datetime


class EventCancelled(CalendarEvent):
    """A public event, or one occurrence of a series, was cancelled."""

    event_type: ClassVar[str] = "nl.lcn.events.event.cancelled.v1"
    summary: ClassVar[str] = "A public calendar event, or one occurrence of its series, was cancelled."

    occurrence_date: date | None = Field(description="The occurrence cancelled; None: the whole event (or series).")
    cancelled_at: datetime


class EventUpdated(CalendarEvent):
    """Anything else changed on a public event: its details, or it was completed."""

    event_type: ClassVar[str] = "nl.lcn.events.event.updated.v1"
    summary: ClassVar[str] = (
        "A public calendar event's details changed, or it was completed (not moved, not cancelled)."
    )

    changed_fields: list[str]
    updated_at: datetime


# Registrations (ADR 0031): ids, statuses and counts only. A registration is a person's, so no event about it ever
# carries a name, an e-mail address or an organisation's name (AVG); who registered stays in the events service.
REGISTRATION_TOPIC = "lcn.events.registration"
RegistrationStatus = Literal["pending", "confirmed", "waitlisted", "declined", "cancelled"]


class PlaceCounts(BaseModel):
    """The places of the event (or occurrence) after the change: how many, never who."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    confirmed: int
    waitlisted: int
    capacity: int | None = Field(description="Places per occurrence; None: no limit.")


class RegistrationEvent(EventContract):
    """An event about one registration, keyed by its id so its events stay in order."""

    topic: ClassVar[str] = REGISTRATION_TOPIC
    source: ClassVar[str] = EVENTS_SOURCE

    registration_id: UUID
    event_id: UUID
    occurrence_date: date | None = Field(description="The occurrence's date in its series; None for a single event.")
    occurrence_starts_at: datetime | None = Field(
        description="When that occurrence starts now (an all-day one at its first midnight); None for a single event."
    )
    status: RegistrationStatus = Field(description="The registration's status after the change.")
    counts: PlaceCounts

    def aggregate_id(self) -> str:
        """The registration id."""
        return str(self.registration_id)


class RegistrationConfirmed(RegistrationEvent):
    """A registration got a place: at once, or when the organiser approved it."""

    event_type: ClassVar[str] = "nl.lcn.events.registration.confirmed.v1"
    summary: ClassVar[str] = "A registration got a place at an event (at once, or when approved)."

    confirmed_at: datetime


class RegistrationWaitlisted(RegistrationEvent):
    """A registration joined the waiting list: the event (or occurrence) was full."""

    event_type: ClassVar[str] = "nl.lcn.events.registration.waitlisted.v1"
    summary: ClassVar[str] = "A registration joined an event's waiting list because the event was full."

    position: int = Field(description="Its place on the waiting list when it joined (1 is next).")
    waitlisted_at: datetime


class RegistrationPromoted(RegistrationEvent):
    """A registration on the waiting list got a place that came free."""

    event_type: ClassVar[str] = "nl.lcn.events.registration.promoted.v1"
    summary: ClassVar[str] = "A registration on an event's waiting list got a place that came free."

    promoted_at: datetime


class RegistrationCancelled(RegistrationEvent):
    """A registration was cancelled, by the person through their link or by the organiser."""

    event_type: ClassVar[str] = "nl.lcn.events.registration.cancelled.v1"
    summary: ClassVar[str] = "A registration was cancelled, by the person (through their link) or by the organiser."

    previous_status: RegistrationStatus
    cancelled_by: Literal["registrant", "organiser"]
    cancelled_at: datetime


class RegistrationReminderDue(RegistrationEvent):
    """A reminder of a confirmed registration is due under a rule (once per registration and rule)."""

    event_type: ClassVar[str] = "nl.lcn.events.registration.reminder-due.v1"
    summary: ClassVar[str] = "A confirmed registration's reminder is due, a rule's time before its event starts (once)."

    rule: str = Field(description="The rule, as configured: `7d`, `12h`, `30m`.")
    starts_at: datetime = Field(description="The start the reminder is for, as it is now.")
    due_at: datetime = Field(description="The start less the rule's time.")

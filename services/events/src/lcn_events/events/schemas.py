"""Calendar events as the API reads and writes them: strict bodies (a PATCH is checked as the event it makes) and
the views."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal, Self
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    Strict,
    StrictBool,
    StringConstraints,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from lcn_events.clashes.schemas import Clash
from lcn_events.events.recurrence import RRULE_PATTERN, Series, parse_series
from lcn_events.events.times import DEFAULT_TIMEZONE, TIMEZONE_PATTERN, Span, given_span, wall_clock, zone_of
from lcn_shared.contracts.events import EventKind, OverrideState
from lcn_shared.contracts.vocabulary import Landsdeel, SocietalChallenge, Topsector

STRICT = ConfigDict(extra="forbid")
CONFERENCE_TEAM = "conference-team"
Status = Literal["draft", "published", "rescheduled", "cancelled", "completed"]
VISIBLE = r"\S"
# http or https, a host name, an optional port, then anything but white space.
LINK_PATTERN = r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::[0-9]{1,5})?(?:[/?#]\S*)?$"
UNIQUE: dict[str, Any] = {"uniqueItems": True}


def _once_each(values: list[Any]) -> list[Any]:
    """A list that names no value twice."""
    if len(values) != len(set(values)):
        raise ValueError("name each value once")
    return values


Title = Annotated[str, StringConstraints(min_length=3, max_length=200, pattern=VISIBLE)]
LongText = Annotated[str, StringConstraints(max_length=10_000)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=VISIBLE)]
PostalCode = Annotated[str, StringConstraints(min_length=4, max_length=12, pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]*$")]
Url = Annotated[str, StringConstraints(max_length=2000, pattern=LINK_PATTERN), Field(description="http or https.")]
TimezoneName = Annotated[
    str, StringConstraints(max_length=64, pattern=TIMEZONE_PATTERN), Field(description="An IANA time zone.")
]
Rule = Annotated[
    str,
    StringConstraints(max_length=500, pattern=RRULE_PATTERN),
    Field(description="An RFC 5545 RRULE (FREQ DAILY to YEARLY), such as `FREQ=YEARLY;BYMONTH=3;BYDAY=2TH`."),
]
Organiser = Annotated[
    UUID | Literal["conference-team"],
    Field(description="An organisation's id (known from the registry), or `conference-team`."),
]


def _written_as(pattern: str, what: str) -> Callable[[Any], Any]:
    """A check that JSON text has this form before pydantic reads it (a number is no time, a time no date)."""
    form = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, str) and not form.match(value) or isinstance(value, int | float):
            raise ValueError(f"give {what}")
        return value

    return check


Moment = Annotated[
    datetime,
    BeforeValidator(_written_as(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}", "a date and time (ISO 8601)")),
    Field(description="With an offset, or without one: then in the event's time zone."),
]
Day = Annotated[date, BeforeValidator(_written_as(r"^\d{4}-\d{2}-\d{2}$", "a date (YYYY-MM-DD), not a time"))]
Capacity = Annotated[int, Strict(), Field(ge=1, le=100_000)]
CommunityIds = Annotated[list[UUID], Field(max_length=50, json_schema_extra=UNIQUE), AfterValidator(_once_each)]
Landsdelen = Annotated[
    list[Landsdeel],
    Field(max_length=len(Landsdeel), json_schema_extra=UNIQUE, description="Empty: national."),
    AfterValidator(_once_each),
]
Topsectors = Annotated[
    list[Topsector], Field(max_length=len(Topsector), json_schema_extra=UNIQUE), AfterValidator(_once_each)
]
Themes = Annotated[
    list[SocietalChallenge],
    Field(max_length=len(SocietalChallenge), json_schema_extra=UNIQUE),
    AfterValidator(_once_each),
]
Reason = Annotated[str, StringConstraints(min_length=3, max_length=1000, pattern=VISIBLE)]


class Venue(BaseModel):
    """Where an event takes place in person."""

    model_config = STRICT

    name: Line | None = None
    address: Line = Field(description="Street and number.")
    postal_code: PostalCode | None = None
    city: Line


class EventCreate(BaseModel):
    """A whole event as written: a POST's body, and what a PATCH makes of the stored event."""

    model_config = STRICT

    title: Title
    kind: EventKind
    major: StrictBool = Field(False, description="Flag a major event (a conference always is one): clashes warn.")
    organiser: Organiser | None = Field(
        None, description="Absent: the caller's organisation (a partner), or the conference team."
    )
    description: LongText | None = None
    community_ids: CommunityIds = Field(default_factory=list, description="The communities it concerns.")
    timezone: TimezoneName = DEFAULT_TIMEZONE
    all_day: StrictBool = Field(False, description="All-day events take `start_date` and `end_date` (dates).")
    starts_at: Moment | None = None
    ends_at: Moment | None = Field(None, description="Required to publish.")
    start_date: Day | None = None
    end_date: Day | None = Field(None, description="The last day, for an all-day event; required to publish.")
    recurrence: Rule | None = None
    venue: Venue | None = None
    online_url: Url | None = None
    landsdelen: Landsdelen = Field(default_factory=list)
    topsectors: Topsectors = Field(default_factory=list)
    themes: Themes = Field(default_factory=list)
    capacity: Capacity | None = None
    registration_opens_at: Moment | None = None
    registration_closes_at: Moment | None = None
    requires_approval: StrictBool = False

    _span: Span = PrivateAttr()
    _series: Series | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _when(self) -> Self:
        """The zone exists, the times fit the kind of event and follow each other, the rule fits the start."""
        zone = zone_of(self.timezone)
        self._span = given_span(
            zone,
            all_day=self.all_day,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            start_date=self.start_date,
            end_date=self.end_date,
        )
        if self.recurrence is not None:
            self._series = parse_series(self.recurrence, start=self._span.start, zone=zone)
        opens, closes = self.registration_opens_at, self.registration_closes_at
        opening = wall_clock(opens, zone, "registration_opens_at") if opens is not None else None
        closing = wall_clock(closes, zone, "registration_closes_at") if closes is not None else None
        if opening is not None and closing is not None and closing < opening:
            raise ValueError("`registration_closes_at` is before `registration_opens_at`")
        return self

    @property
    def span(self) -> Span:
        """When the (first) occurrence takes place."""
        return self._span

    @property
    def series(self) -> Series | None:
        """The series, for a recurring event."""
        return self._series


# What a merge patch may remove (null); the other fields hold a value, so they change but are never removed.
REMOVABLE = frozenset(
    {
        "description",
        "ends_at",
        "end_date",
        "recurrence",
        "venue",
        "online_url",
        "capacity",
        "registration_opens_at",
        "registration_closes_at",
    }
)


class EventUpdate(BaseModel):
    """A merge patch: absent fields stay; `null` removes the removable ones. A new `timezone` without times keeps the
    wall-clock times; `all_day: true` without dates keeps the days, `all_day: false` needs `starts_at`."""

    model_config = STRICT

    title: Title | SkipJsonSchema[None] = None
    kind: EventKind | SkipJsonSchema[None] = None
    major: StrictBool | SkipJsonSchema[None] = None
    organiser: Organiser | SkipJsonSchema[None] = None
    description: LongText | None = None
    community_ids: CommunityIds | SkipJsonSchema[None] = None
    timezone: TimezoneName | SkipJsonSchema[None] = None
    all_day: StrictBool | SkipJsonSchema[None] = None
    starts_at: Moment | SkipJsonSchema[None] = None
    ends_at: Moment | None = None
    start_date: Day | SkipJsonSchema[None] = None
    end_date: Day | None = None
    recurrence: Rule | None = None
    venue: Venue | None = None
    online_url: Url | None = None
    landsdelen: Landsdelen | SkipJsonSchema[None] = None
    topsectors: Topsectors | SkipJsonSchema[None] = None
    themes: Themes | SkipJsonSchema[None] = None
    capacity: Capacity | None = None
    registration_opens_at: Moment | None = None
    registration_closes_at: Moment | None = None
    requires_approval: StrictBool | SkipJsonSchema[None] = None

    @model_validator(mode="after")
    def _kept(self) -> Self:
        """Only the removable fields may be null."""
        nulled = {name for name in self.model_fields_set if getattr(self, name) is None} - REMOVABLE
        if nulled:
            raise ValueError(f"{', '.join(sorted(nulled))} cannot be removed (null); send a value")
        return self


class OccurrenceMove(BaseModel):
    """Where one occurrence of a series moves to: times (dates for an all-day series); without an end it keeps the
    series' length."""

    model_config = STRICT

    starts_at: Moment | None = None
    ends_at: Moment | None = None
    start_date: Day | None = None
    end_date: Day | None = None


class CancelIn(BaseModel):
    """Why an event (or an occurrence) is cancelled: kept in its history, never published (it may name persons)."""

    model_config = STRICT

    reason: Reason | None = None


class CommunityPublic(BaseModel):
    """A community an event concerns."""

    community_id: UUID
    name: str | None = Field(description="As the registry last said it; null while unknown.")


class VenuePublic(BaseModel):
    """Where an event takes place in person."""

    name: str | None
    address: str
    postal_code: str | None
    city: str


class OverridePublic(BaseModel):
    """An occurrence of the series moved or cancelled on its own."""

    occurrence_date: date
    state: OverrideState
    all_day: bool
    start_date: date
    end_date: date | None
    starts_at: datetime | None
    ends_at: datetime | None
    sequence: int


class EventShown(BaseModel):
    """What every view of an event shows: times in its own zone (dates for all-day events), place, audience."""

    event_id: UUID
    status: Status
    sequence: int = Field(description="RFC 5545 SEQUENCE: grows with every change that matters to an attendee.")
    title: str
    kind: EventKind
    major: bool = Field(description="Flagged major (a conference is major whatever this flag says).")
    organiser: Organiser
    organiser_name: str | None
    timezone: str
    all_day: bool
    start_date: date
    end_date: date | None
    starts_at: datetime | None
    ends_at: datetime | None
    venue: VenuePublic | None
    online_url: str | None
    landsdelen: list[Landsdeel]
    topsectors: list[Topsector]
    themes: list[SocietalChallenge]


class EventPublic(EventShown):
    """A calendar event, with names beside ids."""

    version: int
    description: str | None
    communities: list[CommunityPublic]
    recurrence: str | None
    overrides: list[OverridePublic]
    capacity: int | None
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    requires_approval: bool
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


class EventWritten(EventPublic):
    """The event after a write that may make it clash: created, changed, published, or an occurrence moved."""

    clash_warnings: list[Clash] = Field(description="Major events it now clashes with; they never block the write.")


class ChangePublic(BaseModel):
    """One entry of an event's history."""

    change_id: int
    version: int
    change: str
    changes: dict[str, Any]
    actor: str
    origin: str
    changed_at: datetime


class HistoryPublic(BaseModel):
    """A page of an event's history, oldest first."""

    event_id: UUID
    data: list[ChangePublic]
    next_cursor: str | None

"""The calendar's views as the API shows them, and their filters as query parameters."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from lcn_events.clashes.schemas import Clash
from lcn_events.events.schemas import EventPublic, EventShown, Organiser, Status
from lcn_shared.contracts.events import EventKind
from lcn_shared.contracts.vocabulary import Landsdeel, Topsector

# The longest range one list answers (a daily series over it stays within what one series expands to).
MAX_RANGE_DAYS = 3 * 366


class CalendarFilters(BaseModel):
    """Filters of every view; fields are AND."""

    model_config = ConfigDict(extra="forbid")

    landsdeel: Landsdeel | None = Field(None, description="Events for this landsdeel, and national ones (none).")
    topsector: Topsector | None = Field(None, description="Events naming this top sector.")
    kind: EventKind | None = None
    organiser: Organiser | None = None
    status: Status | None = Field(None, description="Only events in this status (drafts only for who may see them).")


class OccurrenceListParams(CalendarFilters):
    """A page of the list: the filters, the days (`from` today, `to` a year later by default), page size, cursor."""

    from_: date | None = Field(None, alias="from", description="The first day (default: today).")
    to: date | None = Field(None, description=f"The last day (default: a year after `from`; at most {MAX_RANGE_DAYS}).")
    limit: int = Field(100, ge=1, le=500)
    cursor: str | None = Field(None, max_length=500, description="`next_cursor` of the page before.")


class OccurrencePublic(EventShown):
    """One occurrence on the calendar: a single event, or one of a series (its date in the series names it)."""

    occurrence_date: date = Field(description="Its date in the series (a single event's start date).")
    occurrence_state: Literal["scheduled", "moved", "cancelled"]
    recurring: bool


class OccurrencesPage(BaseModel):
    """A page of occurrences by start; `next_cursor` is null on the last page."""

    data: list[OccurrencePublic]
    next_cursor: str | None


class MonthPublic(BaseModel):
    """The occurrences that take place in a month (a multi-day one in every month it touches)."""

    month: int
    occurrences: list[OccurrencePublic]


class YearPublic(BaseModel):
    """A year of the calendar, month by month."""

    year: int
    months: list[MonthPublic]


class DayPublic(BaseModel):
    """The occurrences that take place on a day."""

    date: date
    occurrences: list[OccurrencePublic]


class MonthViewPublic(BaseModel):
    """A month of the calendar, day by day (only the days with occurrences)."""

    year: int
    month: int
    days: list[DayPublic]


class CalendarPublished(BaseModel):
    """A planned year published at once: every draft starting in it, and the clashes they now have."""

    year: int
    published: list[EventPublic]
    clash_warnings: list[Clash]

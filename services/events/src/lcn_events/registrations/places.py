"""What a registration is for: a single event, or one occurrence of a series named by its date in the series, as it
takes place now (moved, cancelled, or gone from a series whose rule changed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lcn_events.events.models import Event, OccurrenceOverride
from lcn_events.events.occurrences import occurrence_on, span_of
from lcn_shared.problems import UnprocessableContent

# Occurrences of a series take registrations this far ahead at most (as far as the calendar's list reaches), which
# also bounds the walk along a rule that never ends.
REGISTRATION_HORIZON = timedelta(days=3 * 366)


@dataclass(frozen=True)
class Place:
    """An event or one occurrence as it takes place now; no start when the occurrence is no longer in its series."""

    event: Event
    occurrence_date: date | None
    starts_at: datetime | None
    ends_at: datetime | None
    cancelled: bool

    @property
    def occurrence_starts_at(self) -> datetime | None:
        """The occurrence's start, for a series (None for a single event)."""
        return self.starts_at if self.occurrence_date is not None else None

    @property
    def live(self) -> bool:
        """It still takes place: the event is published (or rescheduled) and this occurrence is neither cancelled
        nor gone."""
        return self.event.status in ("published", "rescheduled") and not self.cancelled and self.starts_at is not None

    def over(self, now: datetime) -> bool:
        """It has ended (or, without an end, started) by `now`."""
        end = self.ends_at or self.starts_at
        return end is not None and end <= now


def place_of(event: Event, overrides: Sequence[OccurrenceOverride], occurrence_date: date | None) -> Place:
    """The event, or its occurrence of that date in the series, as it is now."""
    if occurrence_date is None or event.recurrence is None:
        span = span_of(event)
        return Place(event, None, span.starts_at, span.ends_at, event.status == "cancelled")
    occurrence = occurrence_on(event, overrides, occurrence_date)
    if occurrence is None:
        return Place(event, occurrence_date, None, None, False)
    span = occurrence.span
    return Place(event, occurrence_date, span.starts_at, span.ends_at, occurrence.cancelled)


def chosen_place(
    event: Event, overrides: Sequence[OccurrenceOverride], occurrence_date: date | None, *, now: datetime
) -> Place:
    """The place a registration asks for: 422 unless a series names one of its occurrences (within the horizon)
    and a single event names none."""
    if event.recurrence is None:
        if occurrence_date is not None:
            raise UnprocessableContent(f"Event {event.event_id} is a single event: register without `occurrence_date`.")
        return place_of(event, overrides, None)
    if occurrence_date is None:
        raise UnprocessableContent(
            f"Event {event.event_id} is a series: name the occurrence with `occurrence_date` (its date in the series)."
        )
    if occurrence_date > (now + REGISTRATION_HORIZON).date():
        raise UnprocessableContent(
            f"Occurrences take registrations at most {REGISTRATION_HORIZON.days} days ahead; "
            f"{occurrence_date.isoformat()} is further."
        )
    place = place_of(event, overrides, occurrence_date)
    if place.starts_at is None:
        raise UnprocessableContent(f"Event {event.event_id} has no occurrence on {occurrence_date.isoformat()}.")
    return place

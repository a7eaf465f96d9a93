"""Occurrences: a single event's one, or a series' expanded over a range of days, with the overrides applied.

An override is keyed by the instant its occurrence had in the series. When the series' occurrences shift (its start,
zone or rule changed), each override moves to the new occurrence on the same local day, else to the one at the same
place in the series (the third stays the third), so a moved or cancelled occurrence stays so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from lcn_events.events.models import Event, OccurrenceOverride
from lcn_events.events.recurrence import Series, parse_series
from lcn_events.events.times import ONE_DAY, Span, day_start, instant, local

OccurrenceState = Literal["scheduled", "moved", "cancelled"]


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event: the date it has in its series, when it takes place now, and its SEQUENCE."""

    event: Event
    occurrence_date: date
    original_starts_at: datetime
    span: Span
    state: OccurrenceState
    sequence: int

    @property
    def cancelled(self) -> bool:
        """Cancelled on its own, or with its whole event."""
        return self.state == "cancelled" or self.event.status == "cancelled"


def span_of(event: Event) -> Span:
    """When the event's (first) occurrence takes place."""
    return Span.stored(timezone=event.timezone, all_day=event.all_day, starts_at=event.starts_at, ends_at=event.ends_at)


def series_of(event: Event) -> Series | None:
    """The event's series (its rule was checked when written), or None for a single event."""
    if event.recurrence is None:
        return None
    span = span_of(event)
    return parse_series(event.recurrence, start=span.start, zone=span.zone, check=False)


def override_span(series_span: Span, override: OccurrenceOverride) -> Span:
    """When an overridden occurrence takes place: its own times, its end following the series' length when it was
    moved without one."""
    zone = series_span.zone
    start = local(override.starts_at, zone)
    if override.ends_at is not None:
        return Span(zone, series_span.all_day, start, local(override.ends_at, zone))
    return series_span.moved_to(start)


def _occurrence(event: Event, span: Span, start: datetime, override: OccurrenceOverride | None) -> Occurrence:
    """The occurrence the series has at `start` (wall clock), as the override (if any) changed it."""
    original = instant(start, span.zone)
    if override is None:
        return Occurrence(event, start.date(), original, span.moved_to(start), "scheduled", event.sequence)
    state: OccurrenceState = "moved" if override.state == "moved" else "cancelled"
    return Occurrence(event, start.date(), original, override_span(span, override), state, override.sequence)


def expand(event: Event, overrides: Iterable[OccurrenceOverride], *, first: date, last: date) -> list[Occurrence]:
    """The event's occurrences that take place on any day from `first` to `last`, by start."""
    span = span_of(event)
    series = series_of(event)
    if series is None:
        single = Occurrence(event, span.start_date, event.starts_at, span, "scheduled", event.sequence)
        return [single] if span.overlaps_days(first, last) else []
    by_original = {override.original_starts_at: override for override in overrides}
    # Occurrences that start before the range may still run into it.
    reach = (span.duration or ONE_DAY) + ONE_DAY
    found: dict[datetime, Occurrence] = {}
    for start in series.between(day_start(first) - reach, day_start(last) + ONE_DAY):
        occurrence = _occurrence(event, span, start, by_original.get(instant(start, span.zone)))
        found[occurrence.original_starts_at] = occurrence
    for original, override in by_original.items():  # moved into the range from further away
        if original not in found:
            found[original] = _occurrence(event, span, local(original, span.zone), override)
    kept = (occurrence for occurrence in found.values() if occurrence.span.overlaps_days(first, last))
    return sorted(kept, key=lambda occurrence: occurrence.span.starts_at)


def occurrence_on(event: Event, overrides: Iterable[OccurrenceOverride], day: date) -> Occurrence | None:
    """The series' occurrence whose date in the series is `day` (wherever it was moved), or None."""
    series = series_of(event)
    if series is None:
        return None
    start = series.on(day)
    if start is None:
        return None
    span = span_of(event)
    original = instant(start, span.zone)
    override = next((found for found in overrides if found.original_starts_at == original), None)
    return _occurrence(event, span, start, override)


def rekeyed(
    overrides: Sequence[OccurrenceOverride],
    *,
    before: Series,
    before_span: Span,
    after: Series | None,
    after_span: Span,
) -> tuple[dict[datetime, OccurrenceOverride], list[OccurrenceOverride]]:
    """Where each override goes when the series changes: by new original start, and the ones whose occurrence is
    gone (the series ended sooner, or stopped recurring)."""
    kept: dict[datetime, OccurrenceOverride] = {}
    dropped: list[OccurrenceOverride] = []
    for override in sorted(overrides, key=lambda found: found.original_starts_at):
        start = local(override.original_starts_at, before_span.zone)
        target = None
        if after is not None:
            target = after.on(start.date())
            index = before.index_of(start) if target is None else None
            target = after.nth(index) if index is not None else target
        key = instant(target, after_span.zone) if target is not None else None
        if key is None or key in kept:
            dropped.append(override)
        else:
            kept[key] = override
    return kept, dropped

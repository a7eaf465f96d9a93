"""The clash rule: two major events (a conference, or flagged major) take place on overlapping days for an
overlapping audience: a shared landsdeel (an event without one is national and reaches every landsdeel) or a shared
top sector. A clash warns; it never refuses a write. Cancelled events and occurrences never clash."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.calendar import service as calendar
from lcn_events.clashes.schemas import Clash, ClashSide
from lcn_events.events import repository
from lcn_events.events.access import Viewer, viewer_of
from lcn_events.events.models import Event
from lcn_events.events.occurrences import Occurrence, expand, span_of
from lcn_events.events.repository import EventFilter
from lcn_shared.auth import Principal
from lcn_shared.contracts.vocabulary import Landsdeel

MAJOR_KIND = "conference"
# How far ahead a series' occurrences are checked when it is written.
SERIES_HORIZON = timedelta(days=731)


def is_major(event: Event) -> bool:
    """A conference is always major; other kinds when flagged."""
    return event.major or event.kind == MAJOR_KIND


def shared_audience(first: Event, second: Event) -> tuple[list[str], list[str]] | None:
    """The landsdelen and top sectors both events reach; None when their audiences do not overlap."""
    reach = [set(event.landsdelen) or {landsdeel.value for landsdeel in Landsdeel} for event in (first, second)]
    landsdelen = [landsdeel.value for landsdeel in Landsdeel if landsdeel.value in reach[0] & reach[1]]
    topsectors = sorted(set(first.topsectors) & set(second.topsectors))
    return (landsdelen, topsectors) if landsdelen or topsectors else None


def _side(occurrence: Occurrence) -> ClashSide:
    """One occurrence of a clash."""
    return ClashSide(
        event_id=occurrence.event.event_id,
        title=occurrence.event.title,
        status=occurrence.event.status,
        occurrence_date=occurrence.occurrence_date,
        start_date=occurrence.span.start_date,
        end_date=occurrence.span.end_date,
    )


def clash_of(first: Occurrence, second: Occurrence) -> Clash | None:
    """The clash of two occurrences of different major events, if they clash."""
    if first.event.event_id == second.event.event_id or first.cancelled or second.cancelled:
        return None
    overlap_start = max(first.span.start_date, second.span.start_date)
    overlap_end = min(first.span.end_date, second.span.end_date)
    audience = shared_audience(first.event, second.event) if overlap_start <= overlap_end else None
    if audience is None:
        return None
    return Clash(
        first=_side(first),
        second=_side(second),
        overlap_start=overlap_start,
        overlap_end=overlap_end,
        landsdelen=audience[0],
        topsectors=audience[1],
    )


async def _major_occurrences(session: AsyncSession, *, first: date, last: date, viewer: Viewer) -> list[Occurrence]:
    """The occurrences of the major events the viewer may see, from `first` to `last`, cancelled ones left out."""
    found = await calendar.occurrences_between(
        session, event_filter=EventFilter(major_only=True), viewer=viewer, first=first, last=last
    )
    return [occurrence for occurrence in found if not occurrence.cancelled]


def _ordered(clashes: Sequence[Clash]) -> list[Clash]:
    """Clashes by the first day they share, then by the events."""
    return sorted(
        clashes, key=lambda clash: (clash.overlap_start, str(clash.first.event_id), str(clash.second.event_id))
    )


async def warnings_for(session: AsyncSession, event: Event, *, principal: Principal, today: date) -> list[Clash]:
    """The clashes of a written event with the major events its writer may see: a single event's own days, a
    series' occurrences over the next two years (from its start, if that is later)."""
    if not is_major(event) or event.status == "cancelled":
        return []
    span = span_of(event)
    first, last = span.start_date, span.end_date
    if event.recurrence is not None:
        first = max(first, today)
        last = first + SERIES_HORIZON
    overrides = (await repository.overrides_of(session, [event.event_id]))[event.event_id]
    own = [found for found in expand(event, overrides, first=first, last=last) if not found.cancelled]
    if not own:
        return []
    first = min(occurrence.span.start_date for occurrence in own)
    last = max(occurrence.span.end_date for occurrence in own)
    others = await _major_occurrences(session, first=first, last=last, viewer=viewer_of(principal))
    return _ordered([clash for mine in own for other in others if (clash := clash_of(mine, other)) is not None])


async def clashes_in(session: AsyncSession, *, year: int) -> list[Clash]:
    """Every clash in a year among all major events, drafts included (the conference team plans with them)."""
    found = await _major_occurrences(
        session, first=date(year, 1, 1), last=date(year, 12, 31), viewer=Viewer(sees_all=True)
    )
    clashes = [
        clash
        for index, first in enumerate(found)
        for second in found[index + 1 :]
        if (clash := clash_of(first, second)) is not None
    ]
    return _ordered(clashes)

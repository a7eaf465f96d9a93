"""The calendar's views (occurrences of series expanded into the days asked for) and publishing a planned year."""

from __future__ import annotations

import calendar as gregorian
import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.calendar.schemas import (
    MAX_RANGE_DAYS,
    CalendarFilters,
    DayPublic,
    MonthPublic,
    MonthViewPublic,
    OccurrenceListParams,
    OccurrencePublic,
    YearPublic,
)
from lcn_events.directory import repository as directory
from lcn_events.directory.service import Names
from lcn_events.events import repository
from lcn_events.events.access import Viewer
from lcn_events.events.lifecycle import publish_draft, unpublishable
from lcn_events.events.models import Event
from lcn_events.events.occurrences import Occurrence, expand, span_of
from lcn_events.events.repository import EventFilter
from lcn_events.events.schemas import CONFERENCE_TEAM
from lcn_events.events.state import names_for
from lcn_events.events.times import DEFAULT_TIMEZONE, instants_around, local, zone_of
from lcn_shared.auth import Principal
from lcn_shared.cursors import cursor_text
from lcn_shared.problems import UnprocessableContent


async def resolve_filter(session: AsyncSession, params: CalendarFilters) -> EventFilter:
    """The validated filters: an organiser id must name an organisation the registry named (422 otherwise)."""
    organiser = params.organiser
    if isinstance(organiser, UUID) and not await directory.organisation_names(session, [organiser]):
        raise UnprocessableContent(
            f"No organisation {organiser} is known from the registry.",
            errors=[{"parameter": "organiser", "invalid": [str(organiser)]}],
        )
    return EventFilter(
        landsdeel=params.landsdeel.value if params.landsdeel else None,
        topsector=params.topsector.value if params.topsector else None,
        kind=params.kind.value if params.kind else None,
        organiser=organiser,
        status=params.status,
    )


def _order(occurrence: Occurrence) -> tuple[datetime, str, date]:
    """Occurrences by start, then event and date."""
    return occurrence.span.starts_at, str(occurrence.event.event_id), occurrence.occurrence_date


async def occurrences_between(
    session: AsyncSession, *, event_filter: EventFilter, viewer: Viewer, first: date, last: date
) -> list[Occurrence]:
    """Every occurrence the viewer may see under the filters on any day from `first` to `last`, by start."""
    earliest, latest = instants_around(first, last)
    events = await repository.in_range(
        session,
        event_filter,
        first=earliest,
        last=latest,
        sees_all=viewer.sees_all,
        organisation_id=viewer.organisation_id,
    )
    overrides = await repository.overrides_of(session, [event.event_id for event in events])
    found = [
        occurrence
        for event in events
        for occurrence in expand(event, overrides[event.event_id], first=first, last=last)
    ]
    return sorted(found, key=_order)


async def shown_between(
    session: AsyncSession, *, event_filter: EventFilter, viewer: Viewer, first: date, last: date
) -> tuple[list[Occurrence], Names]:
    """The occurrences from `first` to `last` (`occurrences_between`) and the names they show."""
    found = await occurrences_between(session, event_filter=event_filter, viewer=viewer, first=first, last=last)
    return found, await names_for(session, [occurrence.event for occurrence in found])


def occurrence_view(occurrence: Occurrence, names: Names) -> OccurrencePublic:
    """One occurrence as the views show it."""
    event = occurrence.event
    return OccurrencePublic.model_validate(
        {
            **{name: getattr(event, name) for name in ("event_id", "status", "title", "kind", "major", "timezone")},
            **{name: getattr(event, name) for name in ("venue", "online_url", "landsdelen", "topsectors", "themes")},
            **occurrence.span.shown(),
            "occurrence_date": occurrence.occurrence_date,
            "occurrence_state": occurrence.state,
            "recurring": event.recurrence is not None,
            "sequence": occurrence.sequence,
            "organiser": str(event.organiser_id) if event.organiser_id is not None else CONFERENCE_TEAM,
            "organiser_name": names.organisations.get(event.organiser_id) if event.organiser_id else None,
        }
    )


def year_view(year: int, occurrences: list[Occurrence], names: Names) -> YearPublic:
    """The year month by month; an occurrence in every month it touches."""
    months = []
    for month in range(1, 13):
        first, last = month_days(year, month)
        shown = [occurrence_view(found, names) for found in occurrences if found.span.overlaps_days(first, last)]
        months.append(MonthPublic(month=month, occurrences=shown))
    return YearPublic(year=year, months=months)


def month_days(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a month."""
    return date(year, month, 1), date(year, month, gregorian.monthrange(year, month)[1])


def month_view(year: int, month: int, occurrences: list[Occurrence], names: Names) -> MonthViewPublic:
    """The month day by day (the days with occurrences); an occurrence on every day it takes place."""
    days = []
    first, last = month_days(year, month)
    for number in range(last.day):
        day = first + timedelta(days=number)
        shown = [occurrence_view(found, names) for found in occurrences if found.span.overlaps_days(day, day)]
        if shown:
            days.append(DayPublic(date=day, occurrences=shown))
    return MonthViewPublic(year=year, month=month, days=days)


def list_range(params: OccurrenceListParams, *, now: datetime) -> tuple[date, date]:
    """The days of a list: `from` (today in the Netherlands by default) to `to` (a year later by default)."""
    first = params.from_ or local(now, zone_of(DEFAULT_TIMEZONE)).date()
    last = params.to or first + timedelta(days=365)
    problems = []
    if last < first:
        problems.append({"parameter": "to", "invalid": [last.isoformat()], "msg": "`to` is before `from`"})
    elif (last - first).days > MAX_RANGE_DAYS:
        problems.append({"parameter": "to", "invalid": [last.isoformat()], "msg": f"at most {MAX_RANGE_DAYS} days"})
    if not (2000 <= first.year and last.year <= 2200):
        problems.append({"parameter": "from", "invalid": [first.isoformat()], "msg": "the years 2000 to 2200"})
    if problems:
        raise UnprocessableContent("The list's days are out of range.", errors=problems)
    return first, last


def listing_tag(event_filter: EventFilter, first: date, last: date) -> str:
    """A digest of the filters and days: a cursor only continues the listing that issued it."""
    canonical = {**vars(event_filter), "organiser": str(event_filter.organiser), "days": [str(first), str(last)]}
    digest = hashlib.blake2b(json.dumps(canonical, sort_keys=True).encode(), digest_size=6).hexdigest()
    return f"occurrences:{digest}"


def cursor_position(occurrence: Occurrence) -> dict[str, Any]:
    """The position after an occurrence: its start, event and date."""
    start, event_id, day = _order(occurrence)
    return {"at": start.isoformat(), "id": event_id, "d": day.isoformat()}


def parse_position(position: dict[str, Any]) -> tuple[datetime, str, date]:
    """A cursor's position as the order compares it; ValueError or TypeError for anything else."""
    start = datetime.fromisoformat(cursor_text(position["at"]))
    if start.tzinfo is None:
        raise ValueError("a position's start has a time zone")
    return start, str(UUID(cursor_text(position["id"]))), date.fromisoformat(cursor_text(position["d"]))


def after(occurrences: list[Occurrence], position: tuple[datetime, str, date] | None) -> list[Occurrence]:
    """The occurrences after a cursor's position (all without one)."""
    return occurrences if position is None else [found for found in occurrences if _order(found) > position]


async def publish_year(session: AsyncSession, *, year: int, principal: Principal, now: datetime) -> list[Event]:
    """Publish every draft starting in the year, or none: 422 naming each draft that cannot be published."""
    earliest, latest = instants_around(date(year, 1, 1), date(year, 12, 31))
    drafts = [
        draft
        for draft in await repository.drafts_between(session, earliest, latest)
        if span_of(draft).start_date.year == year
    ]
    invalid = [
        {"event_id": str(draft.event_id), "title": draft.title, "problems": problems}
        for draft in drafts
        if (problems := unpublishable(draft))
    ]
    if invalid:
        raise UnprocessableContent(
            f"{len(invalid)} of the {len(drafts)} drafts of {year} cannot be published, so none was published.",
            errors=invalid,
        )
    for draft in drafts:
        await publish_draft(session, draft, principal=principal, now=now)
    await session.flush()
    return drafts

"""Writing and reading events: create, change (a merge patch checked as the whole event it makes), read, history.

Rules (ADR 0030): the conference team writes every event, a partner only its own organisation's; a draft is seen only
by them. A change of a public event's time makes it `rescheduled`; every change of a public event is announced
with its whole state; SEQUENCE grows with changes an attendee notices; overridden occurrences of a series follow
its edits.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.directory import service as directory
from lcn_events.events import repository, wire
from lcn_events.events.access import authorise_change, authorise_organiser, may_see
from lcn_events.events.changes import (
    TIME_FIELDS,
    announce,
    bump_sequence,
    changing,
    check_open,
    differences,
    publish_problems,
    record,
)
from lcn_events.events.models import PUBLIC_STATUSES, Event, EventChange, OccurrenceOverride
from lcn_events.events.occurrences import rekeyed, series_of, span_of
from lcn_events.events.recurrence import Series
from lcn_events.events.schemas import CONFERENCE_TEAM, EventCreate, EventUpdate
from lcn_events.events.times import Span, instant, wall_clock
from lcn_shared.auth import Principal
from lcn_shared.cursors import cursor_bigint, page_of, read_cursor
from lcn_shared.problems import NotFound, UnprocessableContent


def organiser_of(data: EventCreate | dict[str, Any], principal: Principal) -> UUID | None:
    """The organiser a body names (None: the conference team); absent, the caller's own organisation."""
    named = data.organiser if isinstance(data, EventCreate) else data.get("organiser")
    if named is None:
        return principal.organisation_id
    return None if named == CONFERENCE_TEAM else UUID(str(named))


def written_values(data: EventCreate, *, organiser_id: UUID | None, community_ids: list[UUID]) -> dict[str, Any]:
    """The columns a valid body sets: instants in UTC, codes for vocabularies."""
    span, series = data.span, data.series
    zone = span.zone
    last_end: datetime | None = span.ends_at or span.starts_at
    if series is not None:
        last = series.last()
        last_end = None if last is None else (span.moved_to(last).ends_at or instant(last, zone))

    def moment(value: datetime | None, what: str) -> datetime | None:
        return instant(wall_clock(value, zone, what), zone) if value is not None else None

    return {
        "title": data.title.strip(),
        "kind": data.kind.value,
        "major": data.major,
        "organiser_id": organiser_id,
        "description": data.description.strip() or None if data.description is not None else None,
        "community_ids": community_ids,
        "timezone": data.timezone,
        "all_day": data.all_day,
        "starts_at": span.starts_at,
        "ends_at": span.ends_at,
        "recurrence": series.text if series is not None else None,
        "last_ends_at": last_end,
        "venue": data.venue.model_dump() if data.venue is not None else None,
        "online_url": data.online_url,
        "landsdelen": [landsdeel.value for landsdeel in data.landsdelen],
        "topsectors": [topsector.value for topsector in data.topsectors],
        "themes": [theme.value for theme in data.themes],
        "capacity": data.capacity,
        "registration_opens_at": moment(data.registration_opens_at, "registration_opens_at"),
        "registration_closes_at": moment(data.registration_closes_at, "registration_closes_at"),
        "requires_approval": data.requires_approval,
    }


async def _checked_names(
    session: AsyncSession, principal: Principal, *, organiser_id: UUID | None, community_ids: list[UUID]
) -> list[UUID]:
    """403 for a partner naming another organiser, 422 for an organiser or community the registry never named;
    the communities as they are now (a merged-away id as its survivor)."""
    authorise_organiser(principal, organiser_id)
    if organiser_id is not None:
        await directory.check_organisation(session, organiser_id)
    return await directory.current_communities(session, community_ids)


async def create_event(session: AsyncSession, *, data: EventCreate, principal: Principal, now: datetime) -> Event:
    """A new draft, organised by the caller's organisation unless the conference team names another organiser."""
    organiser_id = organiser_of(data, principal)
    community_ids = await _checked_names(
        session, principal, organiser_id=organiser_id, community_ids=data.community_ids
    )
    values = written_values(data, organiser_id=organiser_id, community_ids=community_ids)
    event = Event(
        event_id=uuid.uuid4(),
        **values,
        status="draft",
        sequence=0,
        version=0,  # `record` makes it 1
        created_by=principal.actor,
        created_at=now,
        updated_by=principal.actor,
        updated_at=now,
    )
    given = {name: value for name, value in values.items() if value not in (None, [], False)}
    changes = differences({}, given | {"status": "draft"})
    record(session, event, change="created", changes=changes, principal=principal, now=now)
    await session.flush()
    return event


def _as_written(event: Event) -> dict[str, Any]:
    """The stored event as a body would give it: wall-clock times without an offset, so that a patch of the time
    zone alone keeps them."""
    span = span_of(event)
    if event.all_day:
        times: dict[str, Any] = {"start_date": span.start_date.isoformat()}
        times["end_date"] = span.end_date.isoformat() if span.end is not None else None
    else:
        times = {"starts_at": span.start.isoformat(), "ends_at": span.end.isoformat() if span.end else None}
    moments = {
        name: getattr(event, name).isoformat() if getattr(event, name) is not None else None
        for name in ("registration_opens_at", "registration_closes_at")
    }
    plain = ("title", "kind", "major", "description", "timezone", "all_day", "recurrence", "venue", "online_url")
    return {
        **{name: getattr(event, name) for name in plain},
        **{name: getattr(event, name) for name in ("landsdelen", "topsectors", "themes", "capacity")},
        "organiser": str(event.organiser_id) if event.organiser_id is not None else CONFERENCE_TEAM,
        "community_ids": [str(community_id) for community_id in event.community_ids],
        "requires_approval": event.requires_approval,
        **times,
        **moments,
    }


def patched(event: Event, patch: EventUpdate) -> EventCreate:
    """The whole event a merge patch makes, checked as a POST's body is (a 422 with each error's location)."""
    merged = _as_written(event)
    given = patch.model_dump(mode="json", exclude_unset=True)
    if given.get("all_day", event.all_day) != event.all_day:
        span = span_of(event)
        for name in ("starts_at", "ends_at", "start_date", "end_date"):
            merged.pop(name, None)
        if given["all_day"]:  # the days it had, unless the patch names others
            merged["start_date"] = span.start_date.isoformat()
            merged["end_date"] = span.end_date.isoformat() if span.end is not None else None
    try:
        return EventCreate.model_validate(merged | given)
    except ValidationError as error:
        raise RequestValidationError(
            [{**found, "loc": ("body", *found["loc"])} for found in error.errors(include_url=False)]
        ) from error


async def update_event(
    session: AsyncSession,
    *,
    event_id: UUID,
    patch: EventUpdate,
    expected_version: int | None,
    principal: Principal,
    now: datetime,
) -> Event:
    """Apply a merge patch; nothing changes (no version, no history) when it repeats what is there."""
    event = await changing(session, event_id=event_id, expected_version=expected_version, principal=principal)
    check_open(event)
    data = patched(event, patch)
    organiser_id = organiser_of(data, principal) if "organiser" in patch.model_fields_set else event.organiser_id
    community_ids = list(event.community_ids)
    if "community_ids" in patch.model_fields_set or organiser_id != event.organiser_id:
        community_ids = await _checked_names(
            session, principal, organiser_id=organiser_id, community_ids=data.community_ids
        )
    values = written_values(data, organiser_id=organiser_id, community_ids=community_ids)
    changes = differences({name: getattr(event, name) for name in values}, values)
    changes.pop("last_ends_at", None)  # follows from the others
    if not changes:
        return event
    if event.status in PUBLIC_STATUSES:
        problems = publish_problems(ends_at=values["ends_at"], venue=values["venue"], online_url=values["online_url"])
        if problems:
            raise UnprocessableContent(f"A public event must stay publishable: {'; '.join(problems)}.")
    before_span, before_series = span_of(event), series_of(event)
    for name, value in values.items():
        setattr(event, name, value)
    moved = set(changes) & TIME_FIELDS
    if moved and event.status in ("published", "rescheduled"):
        changes["status"] = {"old": event.status, "new": "rescheduled"}
        event.status = "rescheduled"
    if moved and before_series is not None:
        changes |= await _follow_series(session, event, before_span=before_span, before_series=before_series)
    await bump_sequence(session, event, set(changes))
    record(session, event, change="edited", changes=changes, principal=principal, now=now)
    if moved:
        await announce(session, event, partial(wire.rescheduled, event, before=before_span, now=now), now=now)
    else:
        await announce(session, event, partial(wire.updated, event, fields=sorted(changes), now=now), now=now)
    await session.flush()
    return event


async def _follow_series(
    session: AsyncSession, event: Event, *, before_span: Span, before_series: Series
) -> dict[str, Any]:
    """Re-key the overridden occurrences to the changed series; the history entry of those whose occurrence is gone."""
    overrides = (await repository.overrides_of(session, [event.event_id]))[event.event_id]
    if not overrides:
        return {}
    kept, dropped = rekeyed(
        overrides, before=before_series, before_span=before_span, after=series_of(event), after_span=span_of(event)
    )
    rows = [_rekeyed_row(override, key) for key, override in kept.items()]
    for override in overrides:
        session.expunge(override)
    await repository.replace_overrides(session, event.event_id, rows)
    if not dropped:
        return {}
    gone = [override.original_starts_at.isoformat() for override in dropped]
    return {"overrides_dropped": {"old": gone, "new": None}}


def _rekeyed_row(override: OccurrenceOverride, key: datetime) -> dict[str, Any]:
    """The override under its new key; one cancelled where it was scheduled follows the series' new time."""
    row = override.model_dump() | {"original_starts_at": key}
    if override.state == "cancelled" and override.starts_at == override.original_starts_at:
        row["starts_at"] = key
    return row


async def readable(session: AsyncSession, *, event_id: UUID, principal: Principal | None) -> Event:
    """The event when the caller may see it; NotFound otherwise, so that a draft's id tells nothing."""
    event = await repository.get(session, event_id)
    if event is None or not may_see(event, principal):
        raise NotFound(f"No event {event_id}.")
    return event


async def editable(session: AsyncSession, *, event_id: UUID, principal: Principal) -> Event:
    """The event when the caller may change it (its history is for them): 404 unknown, 403 someone else's."""
    event = await repository.get(session, event_id)
    if event is None:
        raise NotFound(f"No event {event_id}.")
    authorise_change(event, principal)
    return event


async def history(
    session: AsyncSession, *, event_id: UUID, cursor: str | None, limit: int
) -> tuple[list[EventChange], str | None]:
    """A page of the event's changes, oldest first, and the cursor of the next page."""
    tag = f"event-history:{event_id}"
    after = read_cursor(cursor, tag=tag, parse=lambda position: cursor_bigint(position["after"]))
    rows = await repository.changes(session, event_id, after=after, limit=limit + 1)
    return page_of(rows, limit=limit, position=lambda change: {"after": change.change_id}, tag=tag)

"""Queries on events: one event (locked for a change), its overrides and history, and the events a range of days
may hold under the calendar's filters (one statement per shape of filters, `execute_shape`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import (
    Boolean,
    ColumnElement,
    DateTime,
    Select,
    Text,
    Uuid,
    any_,
    bindparam,
    delete,
    func,
    literal_column,
    or_,
)
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.events.models import Event, EventChange, OccurrenceOverride
from lcn_shared.db import core_table, execute_shape

EVENT = core_table(Event)
OVERRIDE = core_table(OccurrenceOverride)
# In the SQL text: `execute_shape` binds named values only.
DRAFT: ColumnElement[Any] = literal_column("'draft'")
CONFERENCE: ColumnElement[Any] = literal_column("'conference'")


@dataclass(frozen=True)
class EventFilter:
    """The calendar's filters, validated: codes, an organisation id or `conference-team`, a status."""

    landsdeel: str | None = None
    topsector: str | None = None
    kind: str | None = None
    organiser: UUID | Literal["conference-team"] | None = None
    status: str | None = None
    major_only: bool = False


async def get(session: AsyncSession, event_id: UUID, *, for_update: bool = False) -> Event | None:
    """One event; `for_update` locks it until the transaction ends (and reads it afresh), so writers queue."""
    lock = True if for_update else None
    return await session.get(Event, event_id, with_for_update=lock, populate_existing=for_update)


async def many(session: AsyncSession, event_ids: Collection[UUID]) -> list[Event]:
    """These events, in one query."""
    if not event_ids:
        return []
    return list((await session.exec(select(Event).where(col(Event.event_id).in_(list(event_ids))))).all())


def add(session: AsyncSession, row: Event | OccurrenceOverride | EventChange) -> None:
    """Stage a row; the unit of work writes it."""
    session.add(row)


async def overrides_of(session: AsyncSession, event_ids: Collection[UUID]) -> dict[UUID, list[OccurrenceOverride]]:
    """The overridden occurrences of these events, by event (every id present)."""
    found: dict[UUID, list[OccurrenceOverride]] = {event_id: [] for event_id in event_ids}
    if event_ids:
        query = select(OccurrenceOverride).where(col(OccurrenceOverride.event_id).in_(list(event_ids)))
        for override in (await session.exec(query)).all():
            found[override.event_id].append(override)
    return found


async def replace_overrides(session: AsyncSession, event_id: UUID, rows: Sequence[dict[str, Any]]) -> None:
    """The event's overrides become `rows` (deleted and inserted: new keys may be old keys of others)."""
    await session.exec(delete(OVERRIDE).where(OVERRIDE.c.event_id == event_id))
    if rows:
        await session.exec(insert(OVERRIDE), params=list(rows))


async def bump_override_sequences(session: AsyncSession, event_id: UUID) -> None:
    """Every override of the event shows a change to its attendees (its series changed)."""
    await session.exec(
        update(OccurrenceOverride)
        .where(col(OccurrenceOverride.event_id) == event_id)
        .values(sequence=OccurrenceOverride.sequence + 1)
    )


async def changes(session: AsyncSession, event_id: UUID, *, after: int | None, limit: int) -> list[EventChange]:
    """The event's history, oldest first, after change `after` if given (keyset)."""
    query = (
        select(EventChange)
        .where(col(EventChange.event_id) == event_id)
        .order_by(col(EventChange.change_id))
        .limit(limit)
    )
    if after is not None:
        query = query.where(col(EventChange.change_id) > after)
    return list((await session.exec(query)).all())


async def drafts_between(session: AsyncSession, first: datetime, last: datetime) -> list[Event]:
    """The drafts starting from `first` to before `last`, locked in id order (concurrent plans cannot deadlock)."""
    query = (
        select(Event)
        .where(col(Event.status) == "draft", col(Event.starts_at) >= first, col(Event.starts_at) < last)
        .order_by(col(Event.event_id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.exec(query)).all())


def _range_params(
    event_filter: EventFilter, *, first: datetime, last: datetime, organisation_id: UUID | None, sees_all: bool
) -> dict[str, Any]:
    """The values bound by name; which names are present is the statement's shape."""
    params: dict[str, Any] = {"range_first": first, "range_last": last}
    for name in ("landsdeel", "topsector", "kind", "status"):
        value = getattr(event_filter, name)
        if value is not None:
            params[name] = value
    if isinstance(event_filter.organiser, UUID):
        params["organiser"] = event_filter.organiser
    if not sees_all and organisation_id is not None:
        params["viewer_organisation"] = organisation_id
    return params


def _range_statement(params: dict[str, Any], *, event_filter: EventFilter, sees_all: bool) -> Select[Any]:
    """The events whose occurrences may fall between the bounds, under the filters and the viewer's eyes."""
    first = bindparam("range_first", type_=DateTime(timezone=True))
    last = bindparam("range_last", type_=DateTime(timezone=True))
    moved_here = core_select(OVERRIDE.c.event_id).where(OVERRIDE.c.starts_at < last, OVERRIDE.c.starts_at >= first)
    conditions: list[ColumnElement[bool]] = [
        or_(
            (EVENT.c.starts_at < last) & (EVENT.c.last_ends_at.is_(None) | (EVENT.c.last_ends_at >= first)),
            EVENT.c.event_id.in_(moved_here),
        )
    ]
    if "landsdeel" in params:  # a national event (no landsdeel) concerns every landsdeel
        national = func.cardinality(EVENT.c.landsdelen) == literal_column("0")
        conditions.append(or_(bindparam("landsdeel", type_=Text()) == any_(EVENT.c.landsdelen), national))
    if "topsector" in params:
        conditions.append(bindparam("topsector", type_=Text()) == any_(EVENT.c.topsectors))
    if "kind" in params:
        conditions.append(EVENT.c.kind == bindparam("kind", type_=Text()))
    if "status" in params:
        conditions.append(EVENT.c.status == bindparam("status", type_=Text()))
    if "organiser" in params:
        conditions.append(EVENT.c.organiser_id == bindparam("organiser", type_=Uuid()))
    elif event_filter.organiser is not None:
        conditions.append(EVENT.c.organiser_id.is_(None))
    if event_filter.major_only:
        conditions.append(or_(EVENT.c.major == literal_column("true", Boolean()), EVENT.c.kind == CONFERENCE))
    if not sees_all:
        visible = EVENT.c.status != DRAFT
        if "viewer_organisation" in params:
            visible = or_(visible, EVENT.c.organiser_id == bindparam("viewer_organisation", type_=Uuid()))
        conditions.append(visible)
    return core_select(*EVENT.c).where(*conditions).order_by(EVENT.c.starts_at, EVENT.c.event_id)


async def in_range(
    session: AsyncSession,
    event_filter: EventFilter,
    *,
    first: datetime,
    last: datetime,
    sees_all: bool,
    organisation_id: UUID | None = None,
) -> list[Event]:
    """The events the viewer may see, under the filters, that may have an occurrence from `first` to `last`
    (instants; the caller keeps the occurrences that fall in its days)."""
    params = _range_params(event_filter, first=first, last=last, organisation_id=organisation_id, sees_all=sees_all)
    shape = ("events-in-range", sees_all, event_filter.major_only, event_filter.organiser is not None, *params)
    build = partial(_range_statement, params, event_filter=event_filter, sees_all=sees_all)
    result = await execute_shape(session, shape, build, params)
    names = tuple(result.keys())
    return [_event(dict(zip(names, row, strict=True))) for row in result.all()]


def _event(row: dict[str, Any]) -> Event:
    """An event of a row as asyncpg gives it (ids in asyncpg's own UUID type)."""
    row["community_ids"] = [UUID(str(community_id)) for community_id in row["community_ids"]]
    return Event(**row)

"""Queries on registrations: the standing one of an address, counts and the waiting list of a place, the attendee
list (keyset by the order they were made), history. `occurrence_date` None means every occurrence, which for a
single event is its only one."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, bindparam, func, text
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.registrations.models import STANDING, Registration, RegistrationChange
from lcn_shared.db import core_table


def _at(event_id: UUID, occurrence_date: date | None) -> list[ColumnElement[bool]]:
    """The registrations of the event, or of one occurrence."""
    conditions = [col(Registration.event_id) == event_id]
    if occurrence_date is not None:
        conditions.append(col(Registration.occurrence_date) == occurrence_date)
    return conditions


def _by_place(query: Any, *, occurrence: bool) -> Any:
    """The query limited to a place, its event and occurrence given as bound parameters when it is run."""
    query = query.where(col(Registration.event_id) == bindparam("event_id"))
    return query.where(col(Registration.occurrence_date) == bindparam("occurrence_date")) if occurrence else query


# The statements every registration runs, built once (building them per request was a tenth of its CPU): for one
# occurrence of a series, and for a whole event.
_STANDING = {
    occurrence: _by_place(select(Registration), occurrence=occurrence).where(
        col(Registration.email_key) == bindparam("email_key"), col(Registration.status).in_(STANDING)
    )
    for occurrence in (True, False)
}
_COUNTS = {
    occurrence: _by_place(select(col(Registration.status), func.count()), occurrence=occurrence).group_by(
        col(Registration.status)
    )
    for occurrence in (True, False)
}
_INSERT = insert(core_table(Registration)).returning(*core_table(Registration).c)


def _place_parameters(event_id: UUID, occurrence_date: date | None) -> dict[str, Any]:
    """The bound parameters of a place."""
    return {"event_id": event_id} | ({"occurrence_date": occurrence_date} if occurrence_date is not None else {})


async def standing_for(
    session: AsyncSession, *, event_id: UUID, occurrence_date: date | None, email_key: str
) -> Registration | None:
    """The address's registration for the place that still stands (any but a cancelled one)."""
    query = _STANDING[occurrence_date is not None]
    parameters = _place_parameters(event_id, occurrence_date) | {"email_key": email_key}
    found: Registration | None = (await session.exec(query, params=parameters)).first()
    return found


async def insert_registration(session: AsyncSession, values: dict[str, Any]) -> Registration:
    """Insert a registration (its `seq` from the identity, so the order of arrival) and return it (as Core: the
    ORM's insert machinery cost more than the statement)."""
    row = (await session.exec(_INSERT, params=values)).one()
    return Registration.model_validate(row._mapping)


async def get(session: AsyncSession, registration_id: UUID, *, for_update: bool = False) -> Registration | None:
    """One registration; `for_update` locks it (and reads it afresh)."""
    lock = True if for_update else None
    return await session.get(Registration, registration_id, with_for_update=lock, populate_existing=for_update)


def add(session: AsyncSession, row: Registration | RegistrationChange) -> None:
    """Stage a row; the unit of work writes it."""
    session.add(row)


async def status_counts(session: AsyncSession, *, event_id: UUID, occurrence_date: date | None) -> Counter[str]:
    """How many registrations of the place are in each status."""
    query = _COUNTS[occurrence_date is not None]
    rows = await session.exec(query, params=_place_parameters(event_id, occurrence_date))
    return Counter(dict(rows.all()))


async def next_in_queue(session: AsyncSession, event_id: UUID) -> int:
    """The turn the next registration to join the event's waiting list takes (the caller holds the event's lock)."""
    query = select(func.max(col(Registration.queued))).where(col(Registration.event_id) == event_id)
    return ((await session.exec(query)).one() or 0) + 1


async def first_waiting(
    session: AsyncSession, *, event_id: UUID, occurrence_date: date | None, limit: int
) -> list[Registration]:
    """The first `limit` on the place's waiting list, locked, in their turn."""
    query = (
        select(Registration)
        .where(*_at(event_id, occurrence_date), col(Registration.status) == "waitlisted")
        .order_by(col(Registration.queued))
        .limit(limit)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.exec(query)).all())


async def position_of(session: AsyncSession, registration: Registration) -> int | None:
    """Its place on the waiting list (1 is next), or None when it is not waiting."""
    if registration.status != "waitlisted":
        return None
    query = select(func.count()).where(
        *_at(registration.event_id, registration.occurrence_date),
        col(Registration.status) == "waitlisted",
        col(Registration.queued) <= registration.queued,
    )
    return int((await session.exec(query)).one())


async def positions(session: AsyncSession, event_id: UUID) -> dict[UUID, int]:
    """The place of every waiting registration of the event on its occurrence's waiting list."""
    turn = func.row_number().over(partition_by=col(Registration.occurrence_date), order_by=col(Registration.queued))
    query = select(col(Registration.registration_id), turn).where(
        col(Registration.event_id) == event_id, col(Registration.status) == "waitlisted"
    )
    return {registration_id: int(position) for registration_id, position in (await session.exec(query)).all()}


async def listed(
    session: AsyncSession,
    *,
    event_id: UUID,
    occurrence_date: date | None,
    status: str | None,
    after: int | None = None,
    limit: int | None = None,
) -> list[Registration]:
    """The event's (or occurrence's) registrations in the order they were made, after `seq` `after`."""
    query = select(Registration).where(*_at(event_id, occurrence_date)).order_by(col(Registration.seq))
    if status is not None:
        query = query.where(col(Registration.status) == status)
    if after is not None:
        query = query.where(col(Registration.seq) > after)
    if limit is not None:
        query = query.limit(limit)
    return list((await session.exec(query)).all())


async def changes_of(session: AsyncSession, registration_id: UUID) -> list[RegistrationChange]:
    """A registration's history, oldest first."""
    query = (
        select(RegistrationChange)
        .where(col(RegistrationChange.registration_id) == registration_id)
        .order_by(col(RegistrationChange.change_id))
    )
    return list((await session.exec(query)).all())


# Live places whose waiting list could move up: someone waits, and a place is free (or there is no limit). Past ones
# are left out: their waiting list stays as it was.
WITH_ROOM = text("""
    SELECT w.event_id, w.occurrence_date
    FROM (SELECT DISTINCT event_id, occurrence_date FROM registration WHERE status = 'waitlisted') w
    JOIN event e ON e.event_id = w.event_id
    WHERE e.status IN ('published', 'rescheduled')
      AND (e.last_ends_at IS NULL OR e.last_ends_at > :now)
      AND (w.occurrence_date IS NULL OR w.occurrence_date >= :yesterday)
      AND (e.capacity IS NULL OR e.capacity > (
          SELECT count(*) FROM registration c
          WHERE c.event_id = w.event_id AND c.occurrence_date IS NOT DISTINCT FROM w.occurrence_date
            AND c.status = 'confirmed'))
    ORDER BY w.event_id, w.occurrence_date
""")


async def places_with_room(session: AsyncSession, *, now: datetime) -> list[tuple[UUID, date | None]]:
    """The (event, occurrence) places of live events with someone waiting and a place free, in event order."""
    rows = await session.exec(  # type: ignore[call-overload]
        WITH_ROOM, params={"now": now, "yesterday": (now - timedelta(days=1)).date()}
    )
    return [(row.event_id, row.occurrence_date) for row in rows]


async def confirmed_of(session: AsyncSession, registration: Registration) -> list[Registration]:
    """The confirmed registrations made with this registration's address (only itself once it is anonymised)."""
    same = (
        col(Registration.email_key) == registration.email_key
        if registration.email_key is not None
        else col(Registration.registration_id) == registration.registration_id
    )
    query = select(Registration).where(same, col(Registration.status) == "confirmed").order_by(col(Registration.seq))
    return list((await session.exec(query)).all())

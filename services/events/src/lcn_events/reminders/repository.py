"""Queries of the reminders: which (registration, rule) pairs are due now and unsent, and recording them once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.registrations.models import Registration
from lcn_events.registrations.schedule import PLACE_TIMES
from lcn_events.reminders.models import ReminderSent
from lcn_events.reminders.rules import ReminderRule

# A rule is due for a confirmed registration of a live event (occurrence not cancelled) once the start, as it is
# now, less the rule has come and the start has not; not when that moment had passed before the registration got its
# place, nor when the next rule's moment has passed too (no stale reminders); not when it was sent already.
DUE = text(f"""
    WITH rules AS (
        SELECT rule, seconds * interval '1 second' AS before, next_seconds * interval '1 second' AS next_before
        FROM unnest(CAST(:rules AS text[]), CAST(:seconds AS float8[]), CAST(:next_seconds AS float8[]))
            AS given (rule, seconds, next_seconds)
    )
    SELECT p.registration_id, p.event_id, p.occurrence_date, p.starts_at, rules.rule,
           p.starts_at - rules.before AS due_at
    FROM ({PLACE_TIMES}) p CROSS JOIN rules
    WHERE p.status = 'confirmed' AND p.event_status IN ('published', 'rescheduled')
      AND (p.last_ends_at IS NULL OR p.last_ends_at > :now) AND p.first_starts_at <= :now + rules.before
      AND p.occurrence_state IS DISTINCT FROM 'cancelled'
      AND p.starts_at > :now AND p.starts_at - rules.before <= :now
      AND p.confirmed_at <= p.starts_at - rules.before
      AND (rules.next_before IS NULL OR p.starts_at - rules.next_before > :now)
      AND NOT EXISTS (SELECT FROM reminder_sent s WHERE s.registration_id = p.registration_id AND s.rule = rules.rule)
    ORDER BY p.registration_id, rules.rule
""")


@dataclass(frozen=True)
class DueReminder:
    """A reminder due now: for which registration and place, under which rule, for which start."""

    registration_id: UUID
    event_id: UUID
    occurrence_date: date | None
    starts_at: datetime
    rule: str
    due_at: datetime


async def due(session: AsyncSession, *, rules: Sequence[ReminderRule], now: datetime) -> list[DueReminder]:
    """The unsent reminders due at `now` (rules the furthest from the start first)."""
    seconds = [rule.before.total_seconds() for rule in rules]
    params = {"rules": [rule.name for rule in rules], "seconds": seconds, "next_seconds": [*seconds[1:], None]}
    rows = await session.exec(DUE, params=params | {"now": now})  # type: ignore[call-overload]
    return [DueReminder(**row._mapping) for row in rows]


async def still_confirmed(session: AsyncSession, registration_ids: Sequence[UUID]) -> dict[UUID, Registration]:
    """Those of the registrations that are still confirmed, each locked against a change (a cancellation) until the
    reminder is recorded; in id order, so concurrent checks wait for each other instead of deadlocking."""
    query = (
        select(Registration)
        .where(
            col(Registration.registration_id).in_(sorted(set(registration_ids))),
            col(Registration.status) == "confirmed",
        )
        .order_by(col(Registration.registration_id))
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    )
    return {registration.registration_id: registration for registration in (await session.exec(query)).all()}


async def mark_sent(session: AsyncSession, reminders: Sequence[DueReminder], *, now: datetime) -> set[tuple[UUID, str]]:
    """Record the reminders, skipping those recorded already (by another run or replica); the ones recorded now."""
    if not reminders:
        return set()
    rows = [
        {"registration_id": found.registration_id, "rule": found.rule, "starts_at": found.starts_at, "sent_at": now}
        for found in sorted(reminders, key=lambda found: (found.registration_id, found.rule))
    ]
    statement = (
        insert(ReminderSent)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(col(ReminderSent.registration_id), col(ReminderSent.rule))
    )
    return {(registration_id, rule) for registration_id, rule in (await session.exec(statement)).all()}

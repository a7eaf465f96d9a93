"""Reminders, exactly once per registration and rule: each run computes what is due from the events' current starts
(a moved event is reminded of at its new time), then in its one transaction inserts a row per (registration, rule)
under the primary key and records `registration.reminder-due` for exactly the rows it inserted. A rerun, a restart or
another replica finds them sent (ADR 0031)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.events import repository as events
from lcn_events.events.models import Event
from lcn_events.registrations import wire
from lcn_events.registrations.models import Registration
from lcn_events.registrations.places import Place, place_of
from lcn_events.reminders import repository
from lcn_events.reminders.repository import DueReminder
from lcn_events.reminders.rules import ReminderRule
from lcn_shared.contracts.events import RegistrationReminderDue
from lcn_shared.messaging.outbox import record_event

log = logging.getLogger(__name__)
PlaceKey = tuple[UUID, date | None]


async def _places(session: AsyncSession, keys: set[PlaceKey]) -> dict[PlaceKey, Place]:
    """Where each (event, occurrence) stands now, by the calendar's own rules (a date that left its series has no
    start)."""
    event_ids = sorted({event_id for event_id, _ in keys})
    found = {
        event.event_id: event
        for event in (await session.exec(select(Event).where(col(Event.event_id).in_(event_ids)))).all()
    }
    overrides = await events.overrides_of(session, event_ids)
    return {key: place_of(found[key[0]], overrides[key[0]], key[1]) for key in keys}


async def send_due_reminders(session: AsyncSession, *, rules: Sequence[ReminderRule], now: datetime) -> int:
    """Record `registration.reminder-due` for every reminder due at `now` and not yet sent; how many."""
    if not rules:
        return 0
    candidates = await repository.due(session, rules=rules, now=now)
    if not candidates:
        return 0
    places = await _places(session, {(found.event_id, found.occurrence_date) for found in candidates})
    candidates = [found for found in candidates if places[(found.event_id, found.occurrence_date)].live]
    registrations = await repository.still_confirmed(session, [found.registration_id for found in candidates])
    candidates = [found for found in candidates if found.registration_id in registrations]
    sent = await repository.mark_sent(session, candidates, now=now)
    tallies: dict[PlaceKey, wire.Tally] = {}
    for found in candidates:
        if (found.registration_id, found.rule) not in sent:
            continue
        key = (found.event_id, found.occurrence_date)
        if key not in tallies:
            tallies[key] = await wire.tally_of(session, places[key])
        _record(session, found, registrations[found.registration_id], places[key], tallies[key], now)
    if sent:
        log.info("recorded %d reminders", len(sent))
    return len(sent)


def _record(
    session: AsyncSession,
    found: DueReminder,
    registration: Registration,
    place: Place,
    tally: wire.Tally,
    now: datetime,
) -> None:
    """`registration.reminder-due` for one reminder recorded now."""
    event = RegistrationReminderDue(
        **wire.about(registration, place, tally), rule=found.rule, starts_at=found.starts_at, due_at=found.due_at
    )
    record_event(session, event, occurred_at=now)

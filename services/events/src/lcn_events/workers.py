"""The events service's checks besides its consumer: reminders due, places come free for the waiting list, personal
data past its time; each run in its own transaction on the service's clock (lcn_shared.workers)."""

from __future__ import annotations

from datetime import timedelta

from lcn_events.registrations.retention import anonymise_past
from lcn_events.registrations.waiting import fill_free_places
from lcn_events.reminders.service import send_due_reminders
from lcn_events.settings import EventsSettings
from lcn_shared.db import unit_of_work
from lcn_shared.runtime import ServiceRuntime
from lcn_shared.workers import Worker, periodic


async def reminder_check(runtime: ServiceRuntime) -> int:
    """Record the reminders due now (once each)."""
    rules = EventsSettings().reminder_rules
    async with unit_of_work(runtime.sessions()) as session:
        return await send_due_reminders(session, rules=rules, now=runtime.clock.now())


async def waiting_list_check(runtime: ServiceRuntime) -> int:
    """Give places that came free (a capacity raised) to those waiting."""
    async with unit_of_work(runtime.sessions()) as session:
        return await fill_free_places(session, now=runtime.clock.now())


async def anonymise_check(runtime: ServiceRuntime) -> int:
    """Anonymise the registrations of events that ended long enough ago."""
    after = timedelta(days=EventsSettings().anonymise_after_days)
    async with unit_of_work(runtime.sessions()) as session:
        return await anonymise_past(session, now=runtime.clock.now(), after=after)


# The intervals are read after each run, so a setting changed for a test (or an operator) takes effect.
WORKERS: list[Worker] = [
    periodic("reminder-check", reminder_check, seconds=lambda: EventsSettings().reminder_check_seconds),
    periodic("waiting-list-check", waiting_list_check, seconds=lambda: EventsSettings().waiting_list_check_seconds),
    periodic("anonymise-check", anonymise_check, seconds=lambda: EventsSettings().anonymise_check_seconds),
]

"""The registrations' events on the wire: ids, statuses and counts, never a name, an address or an organisation
(ADR 0031). Each is recorded on the session; the unit of work writes it to the outbox with the change."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.registrations import repository
from lcn_events.registrations.access import Role
from lcn_events.registrations.models import Registration
from lcn_events.registrations.places import Place
from lcn_shared.contracts.events import (
    PlaceCounts,
    RegistrationCancelled,
    RegistrationConfirmed,
    RegistrationPromoted,
    RegistrationWaitlisted,
)
from lcn_shared.messaging.outbox import record_event


@dataclass
class Tally:
    """The registrations of one place by status while its event is locked, kept up to date by the changes."""

    capacity: int | None
    counts: Counter[str]

    @property
    def free(self) -> int | None:
        """Places left (never below 0); None without a limit."""
        return None if self.capacity is None else max(self.capacity - self.counts["confirmed"], 0)

    def has_room(self) -> bool:
        """A place is free."""
        return self.free is None or self.free > 0

    def moved(self, old: str | None, new: str) -> None:
        """A registration went from `old` (None: it is new) to `new`."""
        if old is not None:
            self.counts[old] -= 1
        self.counts[new] += 1

    def public(self) -> PlaceCounts:
        """The counts as events carry them."""
        return PlaceCounts(
            confirmed=self.counts["confirmed"], waitlisted=self.counts["waitlisted"], capacity=self.capacity
        )


async def tally_of(session: AsyncSession, place: Place) -> Tally:
    """The place's registrations by status now (the caller holds the event's lock)."""
    counts = await repository.status_counts(
        session, event_id=place.event.event_id, occurrence_date=place.occurrence_date
    )
    return Tally(place.event.capacity, counts)


def about(registration: Registration, place: Place, tally: Tally) -> dict[str, Any]:
    """What every registration event carries."""
    return {
        "registration_id": registration.registration_id,
        "event_id": registration.event_id,
        "occurrence_date": registration.occurrence_date,
        "occurrence_starts_at": place.occurrence_starts_at,
        "status": registration.status,
        "counts": tally.public(),
    }


def confirmed(session: AsyncSession, registration: Registration, place: Place, tally: Tally, now: datetime) -> None:
    """`registration.confirmed`: it got a place."""
    record_event(session, RegistrationConfirmed(**about(registration, place, tally), confirmed_at=now), occurred_at=now)


def waitlisted(
    session: AsyncSession, registration: Registration, place: Place, tally: Tally, now: datetime, *, position: int
) -> None:
    """`registration.waitlisted`: it joined the waiting list at `position`."""
    event = RegistrationWaitlisted(**about(registration, place, tally), position=position, waitlisted_at=now)
    record_event(session, event, occurred_at=now)


def promoted(session: AsyncSession, registration: Registration, place: Place, tally: Tally, now: datetime) -> None:
    """`registration.promoted`: a place came free for it."""
    record_event(session, RegistrationPromoted(**about(registration, place, tally), promoted_at=now), occurred_at=now)


def cancelled(
    session: AsyncSession,
    registration: Registration,
    place: Place,
    tally: Tally,
    now: datetime,
    *,
    previous_status: str,
    by: Role,
) -> None:
    """`registration.cancelled`, by the person or the organiser."""
    event = RegistrationCancelled(
        **about(registration, place, tally), previous_status=previous_status, cancelled_by=by, cancelled_at=now
    )
    record_event(session, event, occurred_at=now)

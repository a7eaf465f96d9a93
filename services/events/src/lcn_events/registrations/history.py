"""A registration's history: every step, with who took it (never the person's name) and from where."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.registrations import repository
from lcn_events.registrations.models import Registration, RegistrationChange


def remember(
    session: AsyncSession,
    registration: Registration,
    *,
    change: str,
    old_status: str | None,
    actor: str,
    origin: str,
    now: datetime,
) -> None:
    """Stage the history entry of a step that left the registration in its current status."""
    entry = RegistrationChange(
        registration_id=registration.registration_id,
        change=change,
        old_status=old_status,
        new_status=registration.status,
        actor=actor,
        origin=origin,
        changed_at=now,
    )
    repository.add(session, entry)

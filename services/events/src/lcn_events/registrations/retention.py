"""Personal data is kept only as long as needed (AVG): a set time after its event (or occurrence) ended, a
registration loses the person's name, e-mail address and organisation. The row stays, with its status, so the
counts stay right; its history says when."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.registrations.schedule import PLACE_TIMES

ANONYMISE = text(f"""
    WITH due AS (
        SELECT p.registration_id FROM ({PLACE_TIMES}) p
        WHERE p.anonymised_at IS NULL AND p.first_starts_at <= :cutoff AND COALESCE(p.ends_at, p.starts_at) <= :cutoff
    ),
    done AS (
        UPDATE registration r
        SET name = NULL, email = NULL, email_key = NULL, organisation = NULL, anonymised_at = :now, updated_at = :now
        FROM due WHERE r.registration_id = due.registration_id
        RETURNING r.registration_id, r.status
    )
    INSERT INTO registration_change (registration_id, change, old_status, new_status, actor, origin, changed_at)
    SELECT registration_id, 'anonymised', status, status, 'system', 'worker', :now FROM done
    RETURNING registration_id
""")


async def anonymise_past(session: AsyncSession, *, now: datetime, after: timedelta) -> int:
    """Anonymise the registrations whose event (or occurrence) ended `after` ago or longer; how many now (a rerun,
    or another replica's run, finds them done)."""
    rows = await session.exec(ANONYMISE, params={"now": now, "cutoff": now - after})  # type: ignore[call-overload]
    return len(rows.all())

"""Retention: old sent outbox rows, old inbox rows and expired idempotency keys are purged."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg

log = logging.getLogger(__name__)


async def purge_expired(
    conn: asyncpg.Connection[Any], *, outbox_days: float, inbox_days: float, idempotency_hours: float = 24.0
) -> tuple[int, int]:
    """Delete sent outbox rows and inbox rows older than their retention; return the counts.
    Idempotency keys expire too, in services that keep them: a retry comes within hours, not weeks."""
    outbox = await conn.execute(
        "DELETE FROM outbox_message WHERE sent_at < now() - make_interval(secs => $1)", outbox_days * 86400
    )
    inbox = await conn.execute(
        "DELETE FROM inbox_message WHERE received_at < now() - make_interval(secs => $1)", inbox_days * 86400
    )
    if await conn.fetchval("SELECT to_regclass('idempotent_request') IS NOT NULL"):
        await conn.execute(
            "DELETE FROM idempotent_request WHERE created_at < now() - make_interval(secs => $1)",
            idempotency_hours * 3600,
        )
    counts = int(outbox.split()[-1]), int(inbox.split()[-1])
    if any(counts):
        log.info("retention purged %d outbox and %d inbox rows", *counts)
    return counts

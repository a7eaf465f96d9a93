"""`lcn monitor rebuild`: the read model of communities made anew from a replay of the registry's topic.

Every figure is computed from the read model and the monitor's own tables (indicators, periods, reports, practices)
at the moment it is asked for, so rebuilding the read model rebuilds every figure. The rebuild runs in one
transaction that first locks the read model: the live consumer's writes wait for it (a transient wait, never a dead
letter) and then apply only what is newer than the rebuilt rows. The replay reads up to the topic's end as it is once
the lock is held, so nothing the live consumer applied before is missed. It needs the whole topic: a topic whose
retention has dropped its first records is refused (ADR 0029).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities import service
from lcn_monitor.communities.consumers import community_projection
from lcn_shared.db import create_engine, create_session_factory, unit_of_work
from lcn_shared.envelope import Envelope
from lcn_shared.messaging.replay import replay
from lcn_shared.settings import ServiceConfig


@dataclass
class Rebuilt:
    """What a rebuild did."""

    events: int = 0
    ignored: int = 0  # other event types on the topic, which the read model does not keep
    rejected: int = 0  # events that do not fit their contract (the live consumer dead-letters them)
    communities: int = 0
    seconds: float = 0.0

    @property
    def events_per_second(self) -> float:
        """Replayed events per second."""
        return self.events / self.seconds if self.seconds > 0 else 0.0


def decoded(envelopes: Sequence[Envelope], found: Rebuilt) -> list[tuple[Any, Envelope]]:
    """The events the projection applies, parsed as their contracts; the rest counted."""
    contracts = {contract.event_type: contract for contract in community_projection.contracts}
    events: list[tuple[Any, Envelope]] = []
    for envelope in envelopes:
        contract = contracts.get(envelope.type)
        if contract is None:
            found.ignored += 1
            continue
        try:
            events.append((envelope.validate(contract), envelope))
        except ValidationError:
            found.rejected += 1
    return events


async def rebuild_in(
    session: AsyncSession, *, bootstrap_servers: str, topic: str, on_batch: Callable[[int], None] | None = None
) -> Rebuilt:
    """Lock and empty the read model, then project every event of the topic into it, in the session's transaction."""
    found = Rebuilt()
    started = time.perf_counter()
    await session.exec(text("LOCK TABLE community IN EXCLUSIVE MODE"))  # type: ignore[call-overload]
    await session.exec(text("DELETE FROM community"))  # type: ignore[call-overload]
    async for batch in replay(bootstrap_servers, topic, require_complete=True):
        events = decoded(batch.events, found)
        await service.project_all(session, events)
        found.events += len(events)
        found.rejected += batch.unreadable
        if on_batch is not None:
            on_batch(len(batch.events) + batch.unreadable)
    await session.flush()
    counted = await session.exec(text("SELECT count(*) FROM community WHERE merged_into IS NULL"))  # type: ignore[call-overload]
    found.communities = int(counted.scalar_one())
    found.seconds = time.perf_counter() - started
    return found


async def rebuild(config: ServiceConfig, *, on_batch: Callable[[int], None] | None = None) -> Rebuilt:
    """Rebuild the monitor's read model on its database from the registry's community topic."""
    engine = create_engine(config.database_url, pool_size=1, application_name="lcn-monitor-rebuild")
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            return await rebuild_in(
                session,
                bootstrap_servers=config.platform.kafka_bootstrap_servers,
                topic=config.platform.topic(community_projection.topic),
                on_batch=on_batch,
            )
    finally:
        await engine.dispose()

"""`lcn monitor rebuild`: the read model of communities made anew from a replay of the registry's topic.

Every figure is computed from the read model and the monitor's own tables (indicators, periods, reports, practices)
at the moment it is asked for, so rebuilding the read model rebuilds every figure. The rebuild runs in one
transaction that first locks the read model: the live consumer's writes wait for it (a transient wait, never a dead
letter) and then apply only what is newer than the rebuilt rows. The replay reads up to the topic's end as it is once
the lock is held, so nothing the live consumer applied before is missed. It needs the whole topic: a topic whose
retention has dropped its first records is refused (ADR 0029).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from aiokafka import ConsumerRecord
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities import service
from lcn_monitor.communities.consumers import community_projection
from lcn_shared.contracts import CommunityMerged
from lcn_shared.db import create_engine, create_session_factory, unit_of_work
from lcn_shared.envelope import CE_PREFIX, Envelope, EnvelopeError, from_kafka
from lcn_shared.messaging.replay import records_to_end
from lcn_shared.settings import ServiceConfig

# Events validated and projected together: large enough that each community's newest state is one upsert.
PROJECTED_AT_ONCE = 5_000
TYPE_HEADER = f"{CE_PREFIX}type"


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


class _Probe(BaseModel):
    """The two facts of an event that decide whether its state is the newest (parsed without the whole contract)."""

    model_config = ConfigDict(extra="ignore")

    community_id: UUID
    state: _Version | None = None


class _Version(BaseModel):
    """A state's version."""

    model_config = ConfigDict(extra="ignore")

    version: int


_Probe.model_rebuild()


def record_type(record: ConsumerRecord[bytes, bytes]) -> str | None:
    """The event type a record's `ce_type` header names (binary mode, what every platform producer writes); None
    when it has none (structured mode, or no CloudEvent), for the full decoding to read or reject."""
    for name, value in record.headers:
        if name == TYPE_HEADER:
            return str(value.decode(errors="replace"))
    return None


def deciding_records(
    records: Sequence[ConsumerRecord[bytes, bytes]], kept_types: Collection[str], merged_type: str, found: Rebuilt
) -> list[Envelope]:
    """The events whose projection decides the read model, in topic order: each community's newest state (later
    states carry what earlier ones changed, ADR 0013), every merge and every event without a state. The projection
    of the rest would be skipped as older anyway; only the deciding records are decoded as CloudEvents, which spares
    decoding and validating most of a topic. Other event types are counted as ignored, unreadable records as
    rejected."""
    newest: dict[UUID, tuple[int, int]] = {}
    candidates: list[tuple[ConsumerRecord[bytes, bytes], str | None, _Probe | None]] = []
    for record in records:
        event_type = record_type(record)
        if event_type is not None and event_type not in kept_types:
            found.ignored += 1
            continue
        try:
            probe = _Probe.model_validate_json(record.value) if record.value else None
        except ValidationError:
            probe = None  # left for the full validation to reject, as the live consumer would
        if probe is not None and probe.state is not None and event_type not in (merged_type, None):
            version = probe.state.version
            if probe.community_id not in newest or version >= newest[probe.community_id][0]:
                newest[probe.community_id] = (version, len(candidates))
        candidates.append((record, event_type, probe))
    kept = {position for _, position in newest.values()}
    envelopes: list[Envelope] = []
    for position, (record, event_type, probe) in enumerate(candidates):
        if position in kept or probe is None or probe.state is None or event_type in (merged_type, None):
            try:
                envelope = from_kafka(record.headers, record.value)
            except EnvelopeError:
                found.rejected += 1
                continue
            if envelope.type in kept_types:
                envelopes.append(envelope)
            else:
                found.ignored += 1
    return envelopes


def decoded(envelopes: Sequence[Envelope], found: Rebuilt) -> list[tuple[Any, Envelope]]:
    """The events parsed as their contracts; those that do not fit are counted as rejected and left out."""
    contracts = {contract.event_type: contract for contract in community_projection.contracts}
    events: list[tuple[Any, Envelope]] = []
    for envelope in envelopes:
        try:
            events.append((envelope.validate(contracts[envelope.type]), envelope))
        except ValidationError:
            found.rejected += 1
    return events


async def rebuild_in(
    session: AsyncSession, *, bootstrap_servers: str, topic: str, on_batch: Callable[[int], None] | None = None
) -> Rebuilt:
    """Lock and empty the read model, then project the topic's events that decide it, in the session's transaction."""
    found = Rebuilt()
    started = time.perf_counter()
    await session.exec(text("LOCK TABLE community IN EXCLUSIVE MODE"))  # type: ignore[call-overload]
    records: list[ConsumerRecord[bytes, bytes]] = []
    async for batch in records_to_end(bootstrap_servers, [topic], require_complete=True):
        records += batch
        if on_batch is not None:
            on_batch(len(batch))
    found.events = len(records)
    kept_types = {contract.event_type for contract in community_projection.contracts}
    deciding = deciding_records(records, kept_types, CommunityMerged.event_type, found)
    await session.exec(text("DELETE FROM community"))  # type: ignore[call-overload]
    for start in range(0, len(deciding), PROJECTED_AT_ONCE):
        events = decoded(deciding[start : start + PROJECTED_AT_ONCE], found)
        await service.project_all(session, events)
        # The rows are written; letting the session forget them keeps its bookkeeping of each merge's update short.
        session.expunge_all()
    await session.flush()
    counted = await session.exec(text("SELECT count(*) FROM community WHERE merged_into IS NULL"))  # type: ignore[call-overload]
    found.communities = int(counted.scalar_one())
    found.seconds = time.perf_counter() - started
    return found


async def rebuild(config: ServiceConfig, *, on_batch: Callable[[int], None] | None = None) -> Rebuilt:
    """Rebuild the monitor's read model on its database from the registry's community topic."""
    engine = create_engine(config.database_url, pool_size=1, application_name="lcn-monitor-rebuild")
    # The replay holds every event of the topic at once; none of it is cyclic garbage, but each full collection
    # walked all of it (a fifth of a 50,000-event rebuild's time), so the collector waits until the end.
    collecting = gc.isenabled()
    gc.disable()
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
        if collecting:
            gc.enable()

"""`lcn monitor rebuild`: the read model of communities made anew from a replay of the registry's topic.

Every figure is computed from the read model and the monitor's own tables (indicators, periods, reports, practices)
at the moment it is asked for, so rebuilding the read model rebuilds every figure. The rebuild runs in one
transaction that first locks the read model: the live consumer's writes wait for it (a transient wait, never a dead
letter) and then apply only what is newer than the rebuilt rows. The replay reads up to the topic's end as it is once
the lock is held, so nothing the live consumer applied before is missed. It needs the whole topic: a topic whose
retention has dropped its first records is refused (ADR 0029).

The reading is shared by worker processes, a portion of the partitions each (a community's events share a key, so
a partition holds all of them): each reads, chooses the records that decide the read model, validates them and
makes the rows of their states. The command's own process writes, in its one transaction. The workers are started
before the lock is taken, so the live consumer waits only for the work itself.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import time
from collections.abc import Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import msgspec
from aiokafka import ConsumerRecord
from pydantic import ValidationError
from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities import repository, service
from lcn_monitor.communities.consumers import community_projection
from lcn_shared.contracts import CommunityMerged
from lcn_shared.db import create_engine, create_session_factory, unit_of_work
from lcn_shared.envelope import CE_PREFIX, Envelope, EnvelopeError, from_kafka
from lcn_shared.messaging.replay import records_to_end
from lcn_shared.settings import ServiceConfig

TYPE_HEADER = f"{CE_PREFIX}type"
KEPT_TYPES = frozenset(contract.event_type for contract in community_projection.contracts)
MERGED_TYPE = CommunityMerged.event_type
# How long the workers may take to start (a worker that cannot start breaks the barrier instead of hanging it).
WORKERS_START_SECONDS = 120.0


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


class _Version(msgspec.Struct):
    """A state's version."""

    version: int


class _Probe(msgspec.Struct):
    """The two facts of an event that decide whether its state is the newest, decoded without the rest (msgspec skips
    the fields it is not asked for: a fifth of what parsing the whole document costs). The id stays text: the full
    validation later checks it, and text hashes faster than a UUID."""

    community_id: str
    state: _Version | None = None


_probe = msgspec.json.Decoder(_Probe)


def record_type(record: ConsumerRecord[bytes, bytes]) -> str | None:
    """The event type a record's `ce_type` header names (binary mode, what every platform producer writes); None
    when it has none (structured mode, or no CloudEvent), for the full decoding to read or reject."""
    for name, value in record.headers:
        if name == TYPE_HEADER:
            return str(value.decode(errors="replace"))
    return None


class DecidingRecords:
    """The records whose projection decides the read model, chosen batch by batch as the replay reads them: each
    community's newest state by version (later states carry what earlier ones changed, ADR 0013; a redriven dead
    letter may come later with an older one), every merge and every event without a state. The projection of the
    rest would be skipped as older anyway, so only the deciding records are decoded as CloudEvents, which spares
    decoding and validating most of a topic, and the rest are let go as soon as their batch is read."""

    def __init__(self, found: Rebuilt) -> None:
        self._found = found
        # Community id -> (version, record) of its newest state so far.
        self._newest: dict[str, tuple[int, ConsumerRecord[bytes, bytes]]] = {}
        # Merges, events without a state and records the probe cannot read (the full decoding rejects them).
        self._always: list[ConsumerRecord[bytes, bytes]] = []

    def add(self, records: Iterable[ConsumerRecord[bytes, bytes]]) -> None:
        """Choose among the next records of the replay; other event types are counted as ignored."""
        for record in records:
            event_type = record_type(record)
            if event_type is not None and event_type not in KEPT_TYPES:
                self._found.ignored += 1
                continue
            try:
                probe = _probe.decode(record.value) if record.value else None
            except msgspec.DecodeError:
                probe = None  # left for the full validation to reject, as the live consumer would
            if probe is None or probe.state is None or event_type in (MERGED_TYPE, None):
                self._always.append(record)
                continue
            held = self._newest.get(probe.community_id)
            if held is None or probe.state.version >= held[0]:
                self._newest[probe.community_id] = (probe.state.version, record)

    def newest_states(self) -> list[Envelope]:
        """The newest state of each community, as CloudEvents."""
        return envelopes_of(((record.headers, record.value) for _, record in self._newest.values()), self._found)

    def the_others(self) -> list[Record]:
        """The merges, the events without a state and the unreadable records, in replay order."""
        return [(list(record.headers), record.value) for record in self._always]


Record = tuple[list[tuple[str, bytes]], bytes | None]  # a record's headers and value


def envelopes_of(records: Iterable[Record], found: Rebuilt) -> list[Envelope]:
    """The records as CloudEvents of the kept types; other types are counted as ignored, what is no CloudEvent as
    rejected."""
    envelopes: list[Envelope] = []
    for headers, value in records:
        try:
            envelope = from_kafka(headers, value)
        except EnvelopeError:
            found.rejected += 1
            continue
        if envelope.type in KEPT_TYPES:
            envelopes.append(envelope)
        else:
            found.ignored += 1
    return envelopes


def decoded(envelopes: Iterable[Envelope], found: Rebuilt) -> list[tuple[Any, Envelope]]:
    """The events parsed as their contracts; those that do not fit are counted as rejected and left out."""
    contracts = {contract.event_type: contract for contract in community_projection.contracts}
    events: list[tuple[Any, Envelope]] = []
    for envelope in envelopes:
        try:
            events.append((envelope.validate(contracts[envelope.type]), envelope))
        except ValidationError:
            found.rejected += 1
    return events


@dataclass
class Portion:
    """What a worker replayed of its partitions: the counts, the rows of the newest states as the read model's COPY
    input (their columns and documents), and the merges and events without a state as records. Bytes cross to the
    writing process at no cost; validated events or rows would have to be rebuilt object by object there."""

    found: Rebuilt
    columns: tuple[str, ...]
    states: bytes
    others: list[Record]


def replay_portion(bootstrap_servers: str, topic: str, portion: tuple[int, int]) -> Portion:
    """In a worker: read a portion of the topic's partitions to the end, choose, validate, and make the rows."""
    return asyncio.run(_replayed_portion(bootstrap_servers, topic, portion))


async def _replayed_portion(bootstrap_servers: str, topic: str, portion: tuple[int, int]) -> Portion:
    """See replay_portion."""
    found = Rebuilt()
    chosen = DecidingRecords(found)
    async for batch in records_to_end(bootstrap_servers, [topic], require_complete=True, portion=portion):
        found.events += len(batch)
        chosen.add(batch)
    rows = [
        service.state_row(event.community_id, event.state, envelope=envelope)
        for event, envelope in decoded(chosen.newest_states(), found)
    ]
    return Portion(found, tuple(rows[0]) if rows else (), repository.as_documents(rows), chosen.the_others())


async def rebuild_in(
    session: AsyncSession, pool: Executor, *, workers: int, bootstrap_servers: str, topic: str
) -> Rebuilt:
    """Lock and empty the read model, have the workers replay the topic, and write what decides the read model in
    the session's transaction: the newest states first, then the merges and the events without a state."""
    found = Rebuilt()
    started = time.perf_counter()
    await session.exec(text("LOCK TABLE community IN EXCLUSIVE MODE"))  # type: ignore[call-overload]
    # PostgreSQL empties the table while the workers read: the session is not used again until it is done.
    emptied = asyncio.ensure_future(session.exec(text("DELETE FROM community")))  # type: ignore[call-overload]
    loop = asyncio.get_running_loop()
    replaying = [
        loop.run_in_executor(pool, replay_portion, bootstrap_servers, topic, (index, workers))
        for index in range(workers)
    ]
    portions: list[Portion] = []
    try:
        await emptied
        # Each portion's rows go to the staging table as soon as its worker is done, while the others still read.
        for replayed in asyncio.as_completed(replaying):
            portions.append(portion := await replayed)
            await repository.stage(session, portion.states)
    finally:
        # A worker that failed leaves the others running: they are waited for, not abandoned in the pool.
        await asyncio.gather(emptied, *replaying, return_exceptions=True)
    for portion in portions:
        found.events += portion.found.events
        found.ignored += portion.found.ignored
        found.rejected += portion.found.rejected
    if columns := next((portion.columns for portion in portions if portion.columns), ()):
        await repository.upsert_staged(session, columns)
    others = envelopes_of((record for portion in portions for record in portion.others), found)
    await service.project_all(session, decoded(others, found))
    await session.flush()
    counted = await session.exec(text("SELECT count(*) FROM community WHERE merged_into IS NULL"))  # type: ignore[call-overload]
    found.communities = int(counted.scalar_one())
    found.seconds = time.perf_counter() - started
    return found


async def rebuild(config: ServiceConfig) -> Rebuilt:
    """Rebuild the monitor's read model on its database from the registry's community topic."""
    # A worker per partition, up to two per core: on a small machine the system shares the cores between them fairly,
    # where fewer workers than partitions would leave one worker with twice the reading.
    workers = max(1, min(config.platform.kafka_partitions, 2 * (os.cpu_count() or 1)))
    started = multiprocessing.get_context("spawn").Barrier(workers + 1)
    engine = create_engine(config.database_url, pool_size=1, application_name="lcn-monitor-rebuild")
    try:
        with ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker, initargs=(started,)
        ) as pool:
            # Each worker waits at the barrier once it is up, so none of them is still starting when the lock is held.
            waiting = [pool.submit(_wait_until_all_started) for _ in range(workers)]
            await asyncio.to_thread(started.wait, WORKERS_START_SECONDS)
            for future in waiting:
                future.result()
            async with unit_of_work(create_session_factory(engine)) as session:
                return await rebuild_in(
                    session,
                    pool,
                    workers=workers,
                    bootstrap_servers=config.platform.kafka_bootstrap_servers,
                    topic=config.platform.topic(community_projection.topic),
                )
    finally:
        await engine.dispose()


_started: Any = None  # the barrier of a worker process, set by _start_worker


def _start_worker(started: Any) -> None:
    """Set up a worker process: the barrier to meet, and no cyclic garbage collection (a replay makes millions of
    objects and none of them is cyclic garbage; each full collection walked them all)."""
    global _started
    _started = started
    gc.disable()


def _wait_until_all_started() -> None:
    """Meet the other workers and the command at the barrier."""
    _started.wait(WORKERS_START_SECONDS)

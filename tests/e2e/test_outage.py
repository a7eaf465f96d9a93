"""Acceptance (outage): the monitor's database refuses connections while the registry keeps writing."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from lcn_monitor.main import create_app as create_monitor
from lcn_registry.main import create_app as create_registry
from lcn_shared.auth import Role
from lcn_shared.contracts.registry import COMMUNITY_TOPIC
from lcn_shared.messaging.consumer import DLQ_SUFFIX
from lcn_shared.messaging.dlq import read_dead_letters
from lcn_shared.settings import PlatformSettings, asyncpg_dsn
from lcn_shared.testing.fixtures import run_service, service_config, wait_until
from tests.e2e.consistency import differences, monitor_communities
from tests.e2e.flow import post_community

OUTAGE_SECONDS = 30.0
CATCH_UP_SECONDS = 120.0
COMMUNITIES = 150
EVENTS_PER_COMMUNITY = 7  # registered, five updates (PATCH with If-Match), a status change: 1,050 events
log = logging.getLogger(__name__)
RENAMES = ("Noord", "Oost", "Zuid", "West", "Midden")
WRITERS = 12
PROJECTION = "monitor.community-projection"


@asynccontextmanager
async def database_refusing_connections(platform: PlatformSettings, owner: str) -> AsyncIterator[None]:
    """The owner's database refuses new connections and its open ones are terminated, until the block ends."""
    name = platform.database_name(owner)
    admin = await asyncpg.connect(asyncpg_dsn(platform.server_url()))
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
        yield
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()


class Observer:
    """Another consumer of the topic, in a group of its own: counts what reaches it, and when."""

    def __init__(self, platform: PlatformSettings) -> None:
        self.consumer = AIOKafkaConsumer(
            platform.topic(COMMUNITY_TOPIC),
            bootstrap_servers=platform.kafka_bootstrap_servers,
            group_id=f"{platform.topic_prefix}observer",
            auto_offset_reset="earliest",
        )
        self.arrivals: list[float] = []

    async def run(self) -> None:
        """Read until cancelled."""
        await self.consumer.start()
        try:
            while True:
                batch = await self.consumer.getmany(timeout_ms=200)
                self.arrivals += [time.monotonic()] * sum(len(records) for records in batch.values())
        finally:
            await self.consumer.stop()

    def between(self, start: float, end: float) -> int:
        """How many records arrived in the window."""
        return sum(start <= arrival <= end for arrival in self.arrivals)


async def write_community(registry: httpx.AsyncClient, key: str, index: int) -> tuple[str, int]:
    """Register a community, change it five times with If-Match, end it; return its id and final version."""
    auth = {"Authorization": f"Bearer {key}"}
    response = await post_community(registry, key, name=f"Leergemeenschap Outage {index:04d}")
    assert response.status_code == 201, response.text
    community_id = response.json()["community_id"]
    for step, region in enumerate(RENAMES):
        change: dict[str, Any] = {"name": f"Leergemeenschap Outage {index:04d} {region}"}
        if step == 2:
            change |= {"landsdeel": "oost", "topsectors": ["energie", "htsm"]}
        response = await registry.patch(
            f"/v1/communities/{community_id}", json=change, headers=auth | {"If-Match": response.headers["etag"]}
        )
        assert response.status_code == 200, response.text
    response = await registry.post(
        f"/v1/communities/{community_id}/status",
        json={"status": "ended", "reason": "Funding ended"},
        headers=auth | {"If-Match": response.headers["etag"]},
    )
    assert response.status_code == 200, response.text
    return community_id, response.json()["version"]


async def write_all(registry: httpx.AsyncClient, key: str) -> dict[str, int]:
    """All the writes, a few clients at a time."""
    limit = asyncio.Semaphore(WRITERS)

    async def one(index: int) -> tuple[str, int]:
        async with limit:
            return await write_community(registry, key, index)

    return dict(await asyncio.gather(*(one(index) for index in range(COMMUNITIES))))


@pytest.mark.slow
async def test_acceptance_outage_monitor_database_away_30s_loses_nothing_and_dead_letters_nothing(
    platform: PlatformSettings, api_key: Callable[..., Awaitable[str]]
) -> None:
    """30 s without the monitor's database while the registry emits 1,050 events; then the two agree."""
    key = await api_key(Role.COORDINATOR)
    observer = Observer(platform)
    watching = asyncio.create_task(observer.run())
    async with (
        run_service(create_registry, service_config(platform, "registry")) as (_, registry),
        run_service(create_monitor, service_config(platform, "monitor")) as (monitor_app, monitor),
    ):
        metrics = monitor_app.state.runtime.metrics
        started = time.monotonic()
        async with database_refusing_connections(platform, "monitor"):
            versions = await write_all(registry, key)
            log.info("%d communities written %.1f s into the outage", len(versions), time.monotonic() - started)
            stalled = await wait_until(
                lambda: _stalled(monitor), timeout=OUTAGE_SECONDS, what="the monitor to report its consumer stalled"
            )
            await wait_until(
                lambda: len(observer.arrivals) >= EVENTS_PER_COMMUNITY * len(versions),
                timeout=60,
                what="the other consumer to read all",
            )
            await asyncio.sleep(max(OUTAGE_SECONDS - (time.monotonic() - started), 0))
            ended = time.monotonic()
        assert {entry["kind"] for entry in stalled} == {"transient"}
        assert all(entry["consumer"] == PROJECTION for entry in stalled)
        emitted = EVENTS_PER_COMMUNITY * len(versions)
        assert emitted >= 1000
        assert observer.between(started, ended) >= emitted  # the other consumer kept flowing

        log.info("outage ended %.1f s after it began; waiting for the monitor", ended - started)
        if not await _within(CATCH_UP_SECONDS, lambda: _caught_up(monitor, versions)):
            pytest.fail(await _diagnosis(platform, monitor, versions))
        assert await differences(registry, monitor, versions) == {}
        assert (await monitor.get("/health/ready")).json()["checks"]["consumers"] == "ok"
        dead_lettered = metrics.consumer_messages.labels(PROJECTION, "dead_lettered")._value.get()
        transient_retries = metrics.consumer_retries.labels(PROJECTION, "transient")._value.get()
    watching.cancel()
    await asyncio.gather(watching, return_exceptions=True)
    assert dead_lettered == 0
    assert transient_retries > 0
    dlq = platform.topic(COMMUNITY_TOPIC) + DLQ_SUFFIX
    assert await read_dead_letters(platform.kafka_bootstrap_servers, [dlq]) == []


async def _stalled(monitor: httpx.AsyncClient) -> list[dict[str, Any]] | None:
    """The monitor's stalled partitions, once readiness reports some."""
    body = (await monitor.get("/health/ready")).json()
    return body.get("stalled") or None


async def _caught_up(monitor: httpx.AsyncClient, versions: dict[str, int]) -> bool:
    """True when the monitor lists every community at the version the registry answered last."""
    try:
        held = await monitor_communities(monitor)
    except httpx.HTTPStatusError:  # a pooled connection from before the outage fails once
        return False
    return all(community_id in held and held[community_id]["version"] == v for community_id, v in versions.items())


async def _within(seconds: float, check: Callable[[], Awaitable[bool]]) -> bool:
    """True as soon as the check passes; False when it has not within `seconds`."""
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.5)
    return True


async def _diagnosis(platform: PlatformSettings, monitor: httpx.AsyncClient, versions: dict[str, int]) -> str:
    """Why the monitor did not catch up: its readiness, what it holds, and its group's offsets per partition."""
    held = await monitor_communities(monitor)
    behind = {community_id: (held.get(community_id, {}).get("version"), v) for community_id, v in versions.items()}
    behind = {community_id: pair for community_id, pair in behind.items() if pair[0] != pair[1]}
    topic = platform.topic(COMMUNITY_TOPIC)
    probe = AIOKafkaConsumer(
        bootstrap_servers=platform.kafka_bootstrap_servers, group_id=platform.consumer_group("monitor")
    )
    await probe.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(probe.partitions_for_topic(topic) or ())]
        ends = await probe.end_offsets(partitions)
        offsets = {tp.partition: (await probe.committed(tp), ends[tp]) for tp in partitions}
    finally:
        await probe.stop()
    ready = (await monitor.get("/health/ready")).json()
    return (
        f"the monitor did not catch up within {CATCH_UP_SECONDS:.0f} s: {len(behind)} of {len(versions)} "
        f"communities differ (held version, expected), e.g. {dict(list(behind.items())[:5])}; "
        f"committed/end offsets per partition: {offsets}; readiness: {json.dumps(ready)}"
    )

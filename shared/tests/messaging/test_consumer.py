"""The consumer on the real broker and PostgreSQL: a failing partition waits, the others flow."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared.app import ServiceDefinition, create_service_app
from lcn_shared.contracts.base import EventContract
from lcn_shared.envelope import Envelope, to_kafka
from lcn_shared.messaging.consumer import DLQ_SUFFIX, EventConsumer, Handler
from lcn_shared.messaging.dlq import read_dead_letters
from lcn_shared.messaging.failures import TransientError
from lcn_shared.settings import PlatformSettings, ServiceConfig, ServiceSettings, asyncpg_dsn
from lcn_shared.testing.fixtures import TEST_SERVICE_SETTINGS, execute, fetch, run_service, wait_until

TOPIC = "lcn.kit.things"
# Any service database will do: each holds the kit's inbox table. This test adds a table of its own.
HOST_DATABASE = "monitor"
APPLIED_TABLE = "CREATE TABLE applied (seq bigserial PRIMARY KEY, thing text NOT NULL, partition int NOT NULL)"


class ThingHappened(EventContract):
    """A test event: something happened to a thing."""

    event_type: ClassVar[str] = "nl.lcn.kit.thing.happened.v1"
    topic: ClassVar[str] = TOPIC
    source: ClassVar[str] = "/lcn/kit-test"
    summary: ClassVar[str] = "Test event."

    thing: str
    partition: int

    def aggregate_id(self) -> str:
        """The thing."""
        return self.thing


class Faults:
    """What the handler does to a thing: fail transiently while the partner is away, reject bad ones."""

    def __init__(self) -> None:
        self.partner_away = True

    async def apply(self, session: AsyncSession, event: ThingHappened, _: Envelope) -> None:
        if event.thing.startswith("needs-partner") and self.partner_away:
            raise TransientError("the partner system is away")
        if event.thing.startswith("bad"):
            raise ValueError(f"{event.thing} is rejected")
        await session.exec(  # type: ignore[call-overload]
            text("INSERT INTO applied (thing, partition) VALUES (:thing, :partition)"),
            params={"thing": event.thing, "partition": event.partition},
        )


@pytest.fixture
async def consuming(platform: PlatformSettings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient, Faults]]:
    """A service with one consumer of the test topic (two partitions), on a database of its own."""
    await execute(platform, HOST_DATABASE, APPLIED_TABLE)
    faults = Faults()
    consumer = EventConsumer(name="kit.things", topic=TOPIC, handlers=[Handler(ThingHappened, faults.apply)])
    definition = ServiceDefinition(name="kittest", title="Kit test", description="", consumers=[consumer])
    settings = ServiceSettings(
        **TEST_SERVICE_SETTINGS,
        relay_enabled=False,
        database_url=asyncpg_dsn(platform.database_url_for(HOST_DATABASE)),
    )
    config = ServiceConfig(name="kittest", platform=platform, service=settings)
    async with run_service(lambda cfg: create_service_app(definition, cfg), config) as (app, client):
        yield app, client, faults


async def publish(platform: PlatformSettings, *things: tuple[str, int]) -> None:
    """Publish (thing, partition) events to the test topic, in order."""
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap_servers)
    await producer.start()
    try:
        for thing, partition in things:
            headers, value = to_kafka(
                event_id=str(uuid.uuid4()),
                source=ThingHappened.source,
                event_type=ThingHappened.event_type,
                subject=thing,
                time=datetime.now(UTC),
                data={"thing": thing, "partition": partition},
            )
            await producer.send_and_wait(
                platform.topic(TOPIC), value=value, key=thing.encode(), headers=headers, partition=partition
            )
    finally:
        await producer.stop()


async def applied(platform: PlatformSettings) -> list[str]:
    """The things applied so far, in the order they were applied."""
    return [row["thing"] for row in await fetch(platform, HOST_DATABASE, "SELECT thing FROM applied ORDER BY seq")]


async def dead_letters(platform: PlatformSettings) -> list[Any]:
    """What sits in the test topic's DLQ."""
    return await read_dead_letters(platform.kafka_bootstrap_servers, [platform.topic(TOPIC) + DLQ_SUFFIX])


async def test_transient_failure_stalls_only_its_partition_and_recovers_without_dead_letters(
    platform: PlatformSettings, consuming: tuple[FastAPI, httpx.AsyncClient, Faults]
) -> None:
    """Partition 0 waits on a transient failure with no attempt limit; partition 1 flows; then 0 catches up."""
    app, client, faults = consuming
    metrics = app.state.runtime.metrics
    await publish(platform, ("needs-partner-1", 0), ("after-1", 0), ("flowing-1", 1), ("flowing-2", 1))
    await wait_until(lambda: _contains(platform, {"flowing-1", "flowing-2"}), timeout=20, what="partition 1")

    retries = metrics.consumer_retries.labels("kit.things", "transient")
    limit = TEST_SERVICE_SETTINGS["consumer_max_retries"] + 2
    await wait_until(lambda: retries._value.get() >= limit, timeout=20, what="retries past the deterministic limit")
    await publish(platform, ("flowing-3", 1))
    await wait_until(lambda: _contains(platform, {"flowing-3"}), timeout=20, what="partition 1 during the stall")
    assert not {"needs-partner-1", "after-1"} & set(await applied(platform))

    ready = await client.get("/health/ready")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "degraded"
    assert body["checks"]["consumers"] == "stalled"
    [stall] = body["stalled"]
    assert (stall["consumer"], stall["topic"], stall["partition"]) == ("kit.things", platform.topic(TOPIC), 0)
    assert stall["kind"] == "transient"
    assert "partner system is away" in stall["reason"]
    assert metrics.consumer_stalled.labels("kit.things", platform.topic(TOPIC), "0", "transient")._value.get() == 1
    exposition = (await client.get("/metrics")).text
    assert 'lcn_consumer_stalled{consumer="kit.things"' in exposition

    faults.partner_away = False
    await wait_until(lambda: _contains(platform, {"needs-partner-1", "after-1"}), timeout=20, what="recovery")
    things = await applied(platform)
    assert things.index("needs-partner-1") < things.index("after-1")  # the partition kept its order
    assert len(things) == len(set(things)) == 5  # each applied once
    recovered = (await client.get("/health/ready")).json()
    assert recovered["status"] == "ok"
    assert recovered["checks"]["consumers"] == "ok"
    assert "lcn_consumer_stalled{" not in (await client.get("/metrics")).text
    assert await dead_letters(platform) == []
    assert metrics.consumer_messages.labels("kit.things", "dead_lettered")._value.get() == 0


async def test_deterministic_failure_is_dead_lettered_after_the_bounded_retries(
    platform: PlatformSettings, consuming: tuple[FastAPI, httpx.AsyncClient, Faults]
) -> None:
    """A rejected record is retried consumer_max_retries times, then dead-lettered; its partition moves on."""
    _, _, _ = consuming
    await publish(platform, ("bad-1", 0), ("after-bad", 0), ("flowing", 1))
    await wait_until(lambda: _contains(platform, {"after-bad", "flowing"}), timeout=20, what="records around it")
    letters = await wait_until(lambda: dead_letters(platform), timeout=20, what="a dead letter")
    assert [json.loads(letter.value)["thing"] for letter in letters] == ["bad-1"]
    assert letters[0].headers["lcn-dlq-attempts"] == str(TEST_SERVICE_SETTINGS["consumer_max_retries"] + 1)
    assert letters[0].headers["lcn-dlq-error-type"] == "ValueError"
    assert "bad-1" not in await applied(platform)


async def _contains(platform: PlatformSettings, things: set[str]) -> bool:
    """True when all these things were applied."""
    return things <= set(await applied(platform))

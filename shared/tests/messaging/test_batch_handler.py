"""A batch handler on the real broker and PostgreSQL: one call per poll with the poll's new events in topic
order, an event delivered twice applied once, and a record it rejects dead-lettered alone."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared.app import ServiceDefinition, create_service_app
from lcn_shared.envelope import Envelope, to_kafka
from lcn_shared.messaging.consumer import BatchHandler, EventConsumer
from lcn_shared.settings import PlatformSettings, ServiceConfig, ServiceSettings, asyncpg_dsn
from lcn_shared.testing.fixtures import TEST_SERVICE_SETTINGS, execute, run_service, wait_until
from shared.tests.messaging.test_consumer import (
    APPLIED_TABLE,
    HOST_DATABASE,
    TOPIC,
    ThingHappened,
    applied,
    dead_letters,
)


class Batches:
    """Applies things a poll at a time and remembers the size of each call; rejects things named bad-*."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    async def apply(self, session: AsyncSession, events: Sequence[tuple[ThingHappened, Envelope]]) -> None:
        self.calls.append([event.thing for event, _ in events])
        if any(event.thing.startswith("bad") for event, _ in events):
            raise ValueError("a bad thing is rejected")
        for event, _ in events:
            await session.exec(  # type: ignore[call-overload]
                text("INSERT INTO applied (thing, partition) VALUES (:thing, :partition)"),
                params={"thing": event.thing, "partition": event.partition},
            )


@pytest.fixture
async def batches(platform: PlatformSettings) -> AsyncIterator[Batches]:
    """A service whose one consumer applies the test topic with a batch handler."""
    await execute(platform, HOST_DATABASE, APPLIED_TABLE)
    handler = Batches()
    consumer = EventConsumer(name="kit.batches", topic=TOPIC, handlers=[BatchHandler((ThingHappened,), handler.apply)])
    definition = ServiceDefinition(name="kittest", title="Kit test", description="", consumers=[consumer])
    settings = ServiceSettings(
        **TEST_SERVICE_SETTINGS,
        relay_enabled=False,
        database_url=asyncpg_dsn(platform.database_url_for(HOST_DATABASE)),
    )
    config = ServiceConfig(name="kittest", platform=platform, service=settings)
    async with run_service(lambda cfg: create_service_app(definition, cfg), config):
        yield handler


async def publish_all(platform: PlatformSettings, things: list[tuple[str, str]]) -> None:
    """Publish (event id, thing) pairs to partition 0 in one go, so one poll can take them together."""
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap_servers, linger_ms=50)
    await producer.start()
    try:
        deliveries = []
        for event_id, thing in things:
            headers, value = to_kafka(
                event_id=event_id,
                source=ThingHappened.source,
                event_type=ThingHappened.event_type,
                subject=thing,
                time=datetime.now(UTC),
                data={"thing": thing, "partition": 0},
            )
            deliveries.append(
                await producer.send(platform.topic(TOPIC), value=value, key=b"k", headers=headers, partition=0)
            )
        for delivery in deliveries:
            await delivery
    finally:
        await producer.stop()


async def test_a_batch_handler_gets_a_polls_events_in_order_and_a_duplicate_once(
    platform: PlatformSettings, batches: Batches
) -> None:
    """Events published together reach the handler in few calls, in topic order; a redelivered id is skipped."""
    twice = str(uuid.uuid4())
    things = [(str(uuid.uuid4()), f"thing-{index}") for index in range(20)]
    await publish_all(platform, [*things[:10], (twice, "delivered-twice"), *things[10:], (twice, "delivered-twice")])
    expected = [thing for _, thing in things[:10]] + ["delivered-twice"] + [thing for _, thing in things[10:]]
    await wait_until(lambda: _applied_count(platform, len(expected)), timeout=20, what="every thing applied")
    assert await applied(platform) == expected
    assert [thing for call in batches.calls for thing in call] == expected
    assert len(batches.calls) < len(expected)  # batched: fewer calls than events


async def test_a_record_a_batch_handler_rejects_is_dead_lettered_alone(
    platform: PlatformSettings, batches: Batches
) -> None:
    """The poll fails as a whole, is tried record by record, and only the rejected one goes to the DLQ."""
    await publish_all(platform, [(str(uuid.uuid4()), thing) for thing in ("before", "bad-1", "after")])
    await wait_until(lambda: _applied_count(platform, 2), timeout=20, what="the good things applied")
    letters = await wait_until(lambda: dead_letters(platform), timeout=30, what="a dead letter")
    assert [json.loads(letter.value)["thing"] for letter in letters] == ["bad-1"]
    assert await applied(platform) == ["before", "after"]


async def _applied_count(platform: PlatformSettings, count: int) -> bool:
    """True once `count` things were applied."""
    return len(await applied(platform)) >= count

"""Acceptance (relay order): when one record of a key fails to publish, the key's later records wait for it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError
from opentelemetry.sdk.trace import TracerProvider

from lcn_registry.main import create_app as create_registry
from lcn_shared.auth import Role
from lcn_shared.contracts.registry import COMMUNITY_TOPIC
from lcn_shared.messaging.relay import OutboxRelay
from lcn_shared.settings import PlatformSettings, asyncpg_dsn
from lcn_shared.telemetry.metrics import KitMetrics
from lcn_shared.testing.fixtures import fetch, run_service, service_config
from tests.e2e.flow import post_community, read_topic

UNSENT = "SELECT event_id, sent_at FROM outbox_message WHERE message_key = $1 ORDER BY seq"


def fail_once(producer: AIOKafkaProducer, event_id: str) -> list[str]:
    """Make the producer fail the send of one event (by its CloudEvents id) the first time; return the log."""
    original = producer.send
    failures: list[str] = []

    async def send(topic: str, **kwargs: Any) -> Awaitable[Any]:
        headers = dict(kwargs.get("headers") or [])
        if headers.get("ce_id", b"").decode() == event_id and not failures:
            failures.append(event_id)
            raise KafkaConnectionError("simulated: the broker dropped the connection")
        return await original(topic, **kwargs)

    producer.send = send  # type: ignore[method-assign]
    return failures


async def test_acceptance_relay_order_later_records_of_a_key_follow_its_failed_record(
    platform: PlatformSettings, api_key: Callable[..., Awaitable[str]]
) -> None:
    """Four versions of community K and another community; version 2 of K fails once to publish.

    The first drain sends version 1 and the other community, and leaves versions 2-4 of K unsent.
    The topic then holds K's records in version order: 1, 2, 3, 4.
    """
    key = await api_key(Role.COORDINATOR)
    auth = {"Authorization": f"Bearer {key}"}
    config = service_config(platform, "registry", relay_enabled=False)
    async with run_service(create_registry, config) as (_, registry):
        community_id = (await post_community(registry, key, name="Fieldlab Waterstof")).json()["community_id"]
        for version in (2, 3, 4):
            current = await registry.get(f"/v1/communities/{community_id}")
            patched = await registry.patch(
                f"/v1/communities/{community_id}",
                json={"name": f"Fieldlab Waterstof v{version}"},
                headers=auth | {"If-Match": current.headers["etag"]},
            )
            assert patched.status_code == 200, patched.text
        other_id = (await post_community(registry, key, name="Energy College Noord")).json()["community_id"]
    rows = await fetch(platform, "registry", UNSENT, community_id)
    assert len(rows) == 4
    chosen = str(rows[1]["event_id"])  # version 2

    relay = OutboxRelay(
        service="registry",
        dsn=asyncpg_dsn(platform.database_url_for("registry")),
        platform=platform,
        settings=config.service,
        metrics=KitMetrics(),
        tracer_provider=TracerProvider(),
    )
    producer = await relay.start_producer()
    conn = await asyncpg.connect(relay.dsn)
    try:
        failures = fail_once(producer, chosen)
        await relay.drain_once(conn, producer)
        assert failures == [chosen]
        after_first = await fetch(platform, "registry", UNSENT, community_id)
        assert [row["sent_at"] is not None for row in after_first] == [True, False, False, False]
        assert (await fetch(platform, "registry", UNSENT, other_id))[0]["sent_at"] is not None
        for _ in range(100):  # the failed row backs off (at most relay_backoff_max_seconds), then all go out
            await relay.drain_once(conn, producer)
            if all(row["sent_at"] for row in await fetch(platform, "registry", UNSENT, community_id)):
                break
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
        await producer.stop()

    records = await read_topic(platform, COMMUNITY_TOPIC, expected=5)
    of_k = sorted((record for record in records if record.key == community_id.encode()), key=lambda r: r.offset)
    assert [json.loads(record.value)["version"] for record in of_k] == [1, 2, 3, 4]
    assert [dict(record.headers)["ce_id"].decode() for record in of_k] == [str(row["event_id"]) for row in rows]

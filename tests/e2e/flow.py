"""Helpers for the cross-service tests: communities to post, and reading topics."""

from __future__ import annotations

from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, ConsumerRecord

from lcn_shared.settings import PlatformSettings

ENERGY_COLLEGE = {"name": "Energy College", "kind": "civ", "landsdeel": "noord", "topsectors": ["energie"]}


def create_community(**changes: Any) -> dict[str, Any]:
    """A valid community body, with changes."""
    return {**ENERGY_COLLEGE, **changes}


async def post_community(client: httpx.AsyncClient, key: str, **changes: Any) -> httpx.Response:
    """POST a community to the registry with a key."""
    return await client.post(
        "/v1/communities", json=create_community(**changes), headers={"Authorization": f"Bearer {key}"}
    )


async def read_topic(
    platform: PlatformSettings, topic: str, *, expected: int, timeout_ms: int = 10_000
) -> list[ConsumerRecord[bytes, bytes]]:
    """Read a topic from the start until `expected` records arrived (or the timeout passed)."""
    consumer = AIOKafkaConsumer(
        platform.topic(topic),
        bootstrap_servers=platform.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        while len(records) < expected:
            batch = await consumer.getmany(timeout_ms=timeout_ms)
            if not batch:
                break
            for partition_records in batch.values():
                records.extend(partition_records)
    finally:
        await consumer.stop()
    return records

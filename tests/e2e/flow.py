"""Helpers for the cross-service tests: communities to post, and reading topics."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, ConsumerRecord

from lcn_shared.settings import PlatformSettings

ENERGY_COLLEGE = {"name": "Energy College", "kinds": ["civ"], "landsdeel": "noord", "topsectors": ["energie"]}


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


async def run_lcn(platform: PlatformSettings, *args: str) -> tuple[int, str]:
    """Run the `lcn` CLI as an operator would, against the test's databases, broker and topics."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lcn_shared.cli",
        *args,
        env=platform_env(platform),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await proc.communicate()
    return proc.returncode or 0, output.decode()


def platform_env(platform: PlatformSettings, **extra: str) -> dict[str, str]:
    """The environment that points a child process (the CLI, a service) at the test's platform."""
    return dict(
        os.environ,
        DATABASE_URL=platform.database_url,
        LCN_DATABASE_PREFIX=platform.database_prefix,
        KAFKA_BOOTSTRAP_SERVERS=platform.kafka_bootstrap_servers,
        LCN_TOPIC_PREFIX=platform.topic_prefix,
        **extra,
    )

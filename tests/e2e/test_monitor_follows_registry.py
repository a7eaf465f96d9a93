"""Acceptance: the monitor's read model follows registry changes, including merges, over the real broker.

The registry's endpoints that emit these events are built separately, so this test publishes the
registry's CloudEvents itself: the same contracts, the same binary-mode encoding, the same keys.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from lcn_monitor.main import create_app as create_monitor
from lcn_shared.contracts import (
    CommunityMerged,
    CommunityRegistered,
    CommunityStatusChanged,
    CommunityUpdated,
    MembershipChanged,
)
from lcn_shared.contracts.registry import CommunityEvent
from lcn_shared.envelope import to_kafka
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, run_service, service_config, wait_until

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
async def producer(platform: PlatformSettings) -> AsyncIterator[AIOKafkaProducer]:
    """A plain Kafka producer on the test's broker, standing in for the registry's relay."""
    kafka = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap_servers, acks="all")
    await kafka.start()
    try:
        yield kafka
    finally:
        await kafka.stop()


async def publish(producer: AIOKafkaProducer, platform: PlatformSettings, event: CommunityEvent) -> str:
    """Publish `event` as the registry's relay does (binary-mode CloudEvent, keyed by community); return its id."""
    event_id = str(uuid.uuid4())
    headers, value = to_kafka(
        event_id=event_id,
        source=event.source,
        event_type=event.event_type,
        subject=event.aggregate_id(),
        time=datetime.now(UTC),
        data=event.model_dump(mode="json"),
    )
    await producer.send_and_wait(
        platform.topic(event.topic), value=value, key=event.aggregate_id().encode(), headers=headers
    )
    return event_id


async def shown(monitor: httpx.AsyncClient, community_id: uuid.UUID, check: Callable[[dict[str, Any]], bool]) -> Any:
    """The monitor's view of the community once `check` holds for it (else None)."""
    response = await monitor.get(f"/v1/communities/{community_id}")
    if response.status_code != 200:
        return None
    community: dict[str, Any] = response.json()
    return community if check(community) else None


def create_registered(name: str) -> CommunityRegistered:
    """A `registered` event of a new community in Noord."""
    return CommunityRegistered.model_validate(
        {
            "community_id": uuid.uuid4(),
            "name": name,
            "kind": "civ",
            "kinds": ["civ"],
            "landsdeel": "noord",
            "province": "drenthe",
            "topsectors": ["energie"],
            "registered_at": NOW,
        }
    )


def create_updated(community_id: uuid.UUID, version: int, changes: dict[str, Any]) -> CommunityUpdated:
    """An `updated` event of `changes`."""
    return CommunityUpdated(
        community_id=community_id,
        version=version,
        changed_fields=sorted(changes),
        changes=changes,
        updated_at=NOW,
        origin="api",
    )


async def test_the_monitors_read_model_follows_registry_changes_including_merges(
    platform: PlatformSettings, producer: AIOKafkaProducer
) -> None:
    """Acceptance item "The monitor's read model follows registry changes, including merges":
    registered, updated, status-changed, membership-changed, then merged (308 to the survivor)."""
    survivor, duplicate = create_registered("Energy College"), create_registered("Energy College Emmen")
    survivor_id, duplicate_id = survivor.community_id, duplicate.community_id
    organisation_id = uuid.uuid4()
    async with run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor):
        for registered in (survivor, duplicate):
            await publish(producer, platform, registered)
        await wait_until(lambda: shown(monitor, duplicate_id, bool), timeout=20, what="the duplicate registered")
        seen = await wait_until(lambda: shown(monitor, survivor_id, bool), timeout=20, what="registered")
        assert (seen["kinds"], seen["province"], seen["version"]) == (["civ"], "drenthe", 1)

        changes = {"name": "Energy College Drenthe", "topsectors": ["energie", "htsm"], "latitude": 52.8}
        await publish(producer, platform, create_updated(survivor_id, 2, changes))
        seen = await wait_until(
            lambda: shown(monitor, survivor_id, lambda c: c["version"] == 2), timeout=20, what="updated"
        )
        assert (seen["name"], seen["topsectors"]) == ("Energy College Drenthe", ["energie", "htsm"])

        status = CommunityStatusChanged.model_validate(
            {
                "community_id": survivor_id,
                "version": 3,
                "previous_status": "active",
                "status": "planned",
                "changed_at": NOW,
            }
        )
        await publish(producer, platform, status)
        await wait_until(
            lambda: shown(monitor, survivor_id, lambda c: c["status"] == "planned"), timeout=20, what="status"
        )

        joined = MembershipChanged.model_validate(
            {
                "community_id": survivor_id,
                "version": 4,
                "organisation_id": organisation_id,
                "organisation_name": "Drenthe College",
                "organisation_type": "school-mbo",
                "change": "added",
                "role": "lead",
                "changed_at": NOW,
            }
        )
        await publish(producer, platform, joined)
        seen = await wait_until(lambda: shown(monitor, survivor_id, lambda c: c["partners"]), timeout=20, what="member")
        assert seen["partners"] == [
            {
                "organisation_id": str(organisation_id),
                "name": "Drenthe College",
                "type": "school-mbo",
                "role": "lead",
                "can_edit": True,
            }
        ]

        merged = CommunityMerged(
            community_id=survivor_id, merged_community_id=duplicate_id, version=5, merged_at=NOW, reason="review"
        )
        await publish(producer, platform, merged)
        await wait_until(lambda: shown(monitor, survivor_id, lambda c: c["version"] == 5), timeout=20, what="merged")
        redirect = await monitor.get(f"/v1/communities/{duplicate_id}")
        assert redirect.status_code == 308
        assert redirect.headers["location"].endswith(f"/v1/communities/{survivor_id}")
        listed = (await monitor.get("/v1/communities")).json()
        assert [community["community_id"] for community in listed["data"]] == [str(survivor_id)]

        # A replay of an old change (as a rebuild would send, under a new event id) must not roll back.
        replay_id = await publish(producer, platform, create_updated(survivor_id, 2, {"name": "Energy College"}))
        inbox = "SELECT 1 FROM inbox_message WHERE event_id = $1"
        await wait_until(lambda: fetch(platform, "monitor", inbox, replay_id), timeout=20, what="the replay consumed")
        final = (await monitor.get(f"/v1/communities/{survivor_id}")).json()
    assert (final["name"], final["status"], final["version"]) == ("Energy College Drenthe", "planned", 5)

"""Acceptance: a community POSTed to the registry reaches the monitor's read model over the real broker."""

from __future__ import annotations

import uuid

from lcn_monitor.main import create_app as create_monitor
from lcn_registry.main import create_app as create_registry
from lcn_shared.auth import Role
from lcn_shared.contracts.registry import COMMUNITY_TOPIC
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import run_service, service_config, wait_until
from tests.e2e.flow import post_community, read_topic

CLOUDEVENTS_HEADERS = {"ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time", "ce_subject", "content-type"}


async def test_posted_community_is_readable_from_the_monitor(platform: PlatformSettings, api_key) -> None:  # type: ignore[no-untyped-def]
    """Item 5: registry row + event in one transaction, relay, Kafka, monitor consumer, monitor API."""
    organisation_id = uuid.uuid4()
    key = await api_key(Role.PARTNER, organisation_id=organisation_id, organisation_name="Hanzehogeschool")
    async with (
        run_service(create_registry, service_config(platform, "registry")) as (_, registry),
        run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor),
    ):
        created = await post_community(registry, key, name="Energy College hotspot Emmen")
        assert created.status_code == 201, created.text
        community = created.json()
        assert community["owner_organisation_id"] == str(organisation_id)
        assert created.headers["location"].endswith(f"/v1/communities/{community['community_id']}")

        async def projected() -> dict[str, object] | None:
            response = await monitor.get(f"/v1/communities/{community['community_id']}")
            return response.json() if response.status_code == 200 else None

        seen = await wait_until(projected, timeout=10, what="the community in the monitor")
        assert seen["name"] == "Energy College hotspot Emmen"
        assert seen["landsdeel"] == "noord"
        assert seen["topsectors"] == ["energie"]


async def test_kafka_record_carries_cloudevents_binary_headers(platform: PlatformSettings, api_key) -> None:  # type: ignore[no-untyped-def]
    """Acceptance: the record has ce_* headers, JSON data as value, trace context, and the aggregate as key."""
    key = await api_key(Role.COORDINATOR)
    async with run_service(create_registry, service_config(platform, "registry")) as (_, registry):
        created = await post_community(registry, key)
        community_id = created.json()["community_id"]
        records = await read_topic(platform, COMMUNITY_TOPIC, expected=1)
    assert len(records) == 1
    record = records[0]
    headers = {name: value.decode() for name, value in record.headers}
    assert CLOUDEVENTS_HEADERS <= headers.keys()
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_type"] == "nl.lcn.registry.community.registered.v1"
    assert headers["ce_source"] == "/lcn/registry"
    assert headers["ce_subject"] == community_id
    assert headers["content-type"] == "application/json"
    assert uuid.UUID(headers["ce_id"])
    assert headers["traceparent"].startswith("00-")
    assert record.key == community_id.encode()
    assert record.value is not None
    assert b'"community_id"' in record.value

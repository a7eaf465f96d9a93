"""Acceptance: `lcn keys` issues checked keys, lists and revokes them; `lcn dlq list` shows whole ids;
every service publishes a usable AsyncAPI document."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaProducer

from lcn_events.main import create_app as create_events
from lcn_monitor.main import create_app as create_monitor
from lcn_notify.main import create_app as create_notify
from lcn_registry.main import create_app as create_registry
from lcn_shared.auth import Role
from lcn_shared.messaging.topics import ensure_topics
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import run_service, service_config
from tests.e2e.flow import post_community, run_lcn


async def test_lcn_keys_create_issues_a_key_the_services_accept(platform: PlatformSettings, api_key) -> None:  # type: ignore[no-untyped-def]
    """An admin issues a key for a registered organisation; the registry accepts it for that organisation."""
    coordinator = {"Authorization": f"Bearer {await api_key(Role.COORDINATOR)}"}
    async with run_service(create_registry, service_config(platform, "registry")) as (_, registry):
        organisation = await registry.post(
            "/v1/organisations", json={"name": "Da Vinci College", "type": "school-mbo"}, headers=coordinator
        )
        assert organisation.status_code == 201, organisation.text
        organisation_id = organisation.json()["organisation_id"]
        code, output = await run_lcn(
            platform, "keys", "create", "--role", "partner", "--organisation-id", organisation_id
        )
        assert code == 0, output
        key = output.strip().splitlines()[-1]
        assert key.startswith("lcn_")
        me = (await registry.get("/v1/me", headers={"Authorization": f"Bearer {key}"})).json()
        assert me["organisation_name"] == "Da Vinci College"  # taken from the registry
        created = await post_community(registry, key)
    assert created.status_code == 201
    assert created.json()["owner_organisation_id"] == organisation_id


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--role", "partner", "--organisation-id", str(uuid.uuid4())], "has no organisation"),
        (["--role", "feed", "--feed-source", "Katapult; DROP"], "is not a feed source"),
        (["--role", "feed", "--feed-source", "x"], "is not a feed source"),
    ],
    ids=["unknown-organisation", "malformed-source", "too-short-source"],
)
async def test_lcn_keys_create_refuses_what_the_registry_does_not_know(
    platform: PlatformSettings, options: list[str], said: str
) -> None:
    """An organisation the registry does not hold, or a source its feeds API would refuse, gets no key."""
    code, output = await run_lcn(platform, "keys", "create", *options)
    assert code != 0
    assert said in " ".join(output.split())
    code, listing = await run_lcn(platform, "keys", "list")
    assert code == 0, listing
    assert listing.strip().splitlines()[1:] == []  # the header only: no key was stored


async def test_lcn_keys_list_shows_no_secret_and_revoke_marks_the_key(platform: PlatformSettings, api_key) -> None:  # type: ignore[no-untyped-def]
    """The list names each key by id, role and source, never its secret; a revoked key shows when."""
    feed_key = await api_key(Role.FEED, feed_source="regional:utrecht")
    admin_key = await api_key(Role.ADMIN)
    code, listing = await run_lcn(platform, "keys", "list")
    assert code == 0, listing
    rows = {line.split("\t")[0]: line.split("\t") for line in listing.strip().splitlines()[1:]}
    feed_id, admin_id = feed_key.split("_")[1], admin_key.split("_")[1]
    assert rows[feed_id][1:4] == ["feed", "", "regional:utrecht"]
    assert rows[feed_id][6] == ""
    assert feed_key.split("_", 2)[2] not in listing
    assert admin_key.split("_", 2)[2] not in listing

    code, output = await run_lcn(platform, "keys", "revoke", admin_key)
    assert code == 0, output
    assert f"revoked key {admin_id}" in output
    code, listing = await run_lcn(platform, "keys", "list")
    rows = {line.split("\t")[0]: line.split("\t") for line in listing.strip().splitlines()[1:]}
    assert rows[admin_id][6] != ""
    assert rows[feed_id][6] == ""
    code, output = await run_lcn(platform, "keys", "revoke", "nope-not-a-key")
    assert code != 0
    assert "0 keys match" in output


async def test_lcn_dlq_list_prints_whole_ids_that_show_accepts(platform: PlatformSettings) -> None:
    """Piped (not a terminal), `lcn dlq list` prints each id whole, and `lcn dlq show` finds the letter by it."""
    topic = platform.topic("a-rather-long-producer.some-aggregate-with-a-long-name") + ".dlq"
    await ensure_topics(platform.kafka_bootstrap_servers, [topic], partitions=1)
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap_servers)
    await producer.start()
    try:
        headers = [("ce_id", str(uuid.uuid4()).encode()), ("lcn-dlq-error", b"a long\nerror message " * 20)]
        await producer.send_and_wait(topic, b"{}", key=b"k", headers=headers)
    finally:
        await producer.stop()
    code, listing = await run_lcn(platform, "dlq", "list")
    assert code == 0, listing
    assert f"{topic}:0:0\t" in listing
    assert "…" not in listing
    code, shown = await run_lcn(platform, "dlq", "show", f"{topic}:0:0")
    assert code == 0, shown
    assert "lcn-dlq-error" in shown


async def test_lcn_keys_create_refuses_a_partner_key_without_organisation(platform: PlatformSettings) -> None:
    """A partner key must be bound to an organisation."""
    code, output = await run_lcn(platform, "keys", "create", "--role", "partner")
    assert code != 0
    assert "organisation" in output


@pytest.mark.parametrize(
    ("factory", "name", "channel_fragment"),
    [
        (create_registry, "registry", "lcn.registry.community"),
        (create_monitor, "monitor", "lcn.registry.community"),
        (create_events, "events", None),
        (create_notify, "notify", None),
    ],
)
async def test_each_service_serves_asyncapi_3_and_openapi(  # type: ignore[no-untyped-def]
    platform: PlatformSettings, factory, name: str, channel_fragment: str | None
) -> None:
    """AsyncAPI 3 names the topics a service publishes or consumes, with the event's payload schema."""
    async with run_service(factory, service_config(platform, name), wait_ready=False) as (_, client):
        asyncapi = (await client.get("/asyncapi.json")).json()
        openapi = (await client.get("/openapi.json")).json()
    assert asyncapi["asyncapi"].startswith("3.")
    assert openapi["info"]["title"].startswith("LCN")
    if channel_fragment:
        addresses = [channel["address"] for channel in asyncapi["channels"].values()]
        assert any(channel_fragment in address for address in addresses), addresses
    if name == "registry":
        schemas = asyncapi["components"]["schemas"]
        assert any("community_id" in schema.get("properties", {}) for schema in schemas.values())

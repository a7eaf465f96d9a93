"""Acceptance: `lcn keys create` issues a working key; every service publishes a usable AsyncAPI document."""

from __future__ import annotations

import pytest

from lcn_events.main import create_app as create_events
from lcn_monitor.main import create_app as create_monitor
from lcn_notify.main import create_app as create_notify
from lcn_registry.main import create_app as create_registry
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import run_service, service_config
from tests.e2e.flow import post_community, run_lcn


async def test_lcn_keys_create_issues_a_key_the_services_accept(platform: PlatformSettings) -> None:
    """An admin issues a partner key on the command line; the registry accepts it for that organisation."""
    organisation_id = "5ca90c2b-a7a2-5c0d-9260-fa0df9648304"
    code, output = await run_lcn(
        platform, "keys", "create", "--role", "partner", "--organisation-id", organisation_id, "--name", "Da Vinci"
    )
    assert code == 0, output
    key = output.strip().splitlines()[-1]
    assert key.startswith("lcn_")
    async with run_service(create_registry, service_config(platform, "registry")) as (_, registry):
        created = await post_community(registry, key)
    assert created.status_code == 201
    assert created.json()["owner_organisation_id"] == organisation_id


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

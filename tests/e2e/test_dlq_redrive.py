"""Acceptance (issue 7): a dead-lettered community event, redriven after later ones, loses nothing; and a
renamed organisation reaches the monitor."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from lcn_monitor.main import create_app as create_monitor
from lcn_registry.main import create_app as create_registry
from lcn_shared.auth import Role
from lcn_shared.contracts.registry import COMMUNITY_TOPIC
from lcn_shared.messaging.dlq import read_dead_letters
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import execute, fetch, run_service, service_config, wait_until
from tests.e2e.consistency import COMPARED_FIELDS
from tests.e2e.flow import run_lcn

KeyFactory = Callable[..., Awaitable[str]]

# A defect that hits exactly one version of the community: the monitor cannot store the name it
# carries, so that event fails the same way every time and is dead-lettered; a later name passes.
POISONED_NAME = "Fieldlab Vergiftigd"
POISON_TRIGGER = f"""
CREATE FUNCTION reject_poisoned_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name = '{POISONED_NAME}' THEN RAISE EXCEPTION 'simulated defect for %', NEW.name; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER reject_poisoned_name BEFORE INSERT OR UPDATE ON community
    FOR EACH ROW EXECUTE FUNCTION reject_poisoned_name();
"""
# Every field the monitor keeps that the registry's community API shows under the same name, and when it changed.
SHARED_FIELDS = (*COMPARED_FIELDS, "updated_at")


async def registry_view(registry: httpx.AsyncClient, community_id: str) -> dict[str, Any]:
    """The registry's community in the monitor's shape: its fields, `kind`, `registered_at` and partners."""
    community = (await registry.get(f"/v1/communities/{community_id}")).json()
    members = (await registry.get(f"/v1/communities/{community_id}/organisations")).json()["data"]
    view = {name: community[name] for name in SHARED_FIELDS}
    return view | {
        "kind": community["kinds"][0],
        "registered_at": community["created_at"],
        "partners": sorted(
            (member["organisation_id"], member["name"], member["type"], member["role"]) for member in members
        ),
    }


async def monitor_view(monitor: httpx.AsyncClient, community_id: str) -> dict[str, Any] | None:
    """The monitor's community in the same shape, or None while it does not know it."""
    response = await monitor.get(f"/v1/communities/{community_id}")
    if response.status_code != 200:
        return None
    community = response.json()
    view = {name: community[name] for name in SHARED_FIELDS}
    return view | {
        "kind": community["kind"],
        "registered_at": community["registered_at"],
        "partners": sorted(
            (partner["organisation_id"], partner["name"], partner["type"], partner["role"])
            for partner in community["partners"]
        ),
    }


def same_instant(view: dict[str, Any]) -> dict[str, Any]:
    """Timestamps spelled one way (the two APIs may write UTC as `Z` or `+00:00`)."""
    return {name: value.replace("Z", "+00:00") if name.endswith("_at") else value for name, value in view.items()}


async def monitor_at(monitor: httpx.AsyncClient, community_id: str, version: int) -> dict[str, Any]:
    """Wait until the monitor holds the community at `version` or later."""

    async def reached() -> dict[str, Any] | None:
        view = await monitor_view(monitor, community_id)
        return view if view is not None and view["version"] >= version else None

    return await wait_until(reached, timeout=20, what=f"the monitor's {community_id} at version {version}")


async def changed(response: httpx.Response) -> str:
    """The new ETag of a successful change."""
    assert response.status_code == 200, response.text
    return response.headers["etag"]


async def test_acceptance_dead_letter_and_redrive_keep_every_field_of_the_community(
    platform: PlatformSettings, api_key: KeyFactory
) -> None:
    """One `community.updated` fails deterministically and is dead-lettered; later updates of the same
    community are applied; the cause is fixed and `lcn dlq redrive` runs; the monitor then equals the
    registry for that community in every field it keeps (the dead letter's own change included)."""
    partner_key = await api_key(Role.PARTNER, organisation_id=uuid.uuid4(), organisation_name="Hanzehogeschool")
    partner = f"Bearer {partner_key}"
    coordinator = {"Authorization": f"Bearer {await api_key(Role.COORDINATOR)}"}
    await execute(platform, "monitor", POISON_TRIGGER)
    dlq_topic = platform.topic(COMMUNITY_TOPIC) + ".dlq"
    async with (
        run_service(create_registry, service_config(platform, "registry")) as (_, registry),
        run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor),
    ):
        body = {"name": "Fieldlab Gezond", "kinds": ["fieldlab"], "province": "groningen", "topsectors": ["lsh"]}
        created = await registry.post("/v1/communities", json=body, headers={"Authorization": partner})
        assert created.status_code == 201, created.text
        community_id, etag = created.json()["community_id"], created.headers["etag"]
        await monitor_at(monitor, community_id, 1)

        # Version 2 is poisoned. Its municipality and phase are never touched again, so under the old
        # changed-fields-only events they would be lost once the redriven event is skipped as older.
        poisoned = {"name": POISONED_NAME, "municipality": "Groningen", "phase": "young"}
        etag = await changed(
            await registry.patch(
                f"/v1/communities/{community_id}", json=poisoned, headers=coordinator | {"If-Match": etag}
            )
        )
        letters = await wait_until(
            lambda: read_dead_letters(platform.kafka_bootstrap_servers, [dlq_topic]), timeout=30, what="the dead letter"
        )
        assert [(letter.headers["ce_subject"], letter.headers["ce_type"]) for letter in letters] == [
            (community_id, "nl.lcn.registry.community.updated.v1")
        ]
        assert "simulated defect" in letters[0].headers["lcn-dlq-error"]

        # Later changes of the same community: a new name (which the trigger lets pass), a partner, status (last: an
        # ended community is read-only).
        etag = await changed(
            await registry.patch(
                f"/v1/communities/{community_id}",
                json={"name": "Fieldlab Gezond Groningen", "education_levels": ["mbo", "hbo"]},
                headers=coordinator | {"If-Match": etag},
            )
        )
        organisation = await registry.post(
            "/v1/organisations", json={"name": "Martini Ziekenhuis", "type": "other"}, headers=coordinator
        )
        joined = await registry.put(
            f"/v1/communities/{community_id}/organisations/{organisation.json()['organisation_id']}",
            json={"role": "financier"},
            headers=coordinator | {"If-Match": etag},
        )
        assert joined.status_code == 204, joined.text
        etag = await changed(
            await registry.post(
                f"/v1/communities/{community_id}/status",
                json={"status": "ended", "reason": "Subsidie beëindigd"},
                headers=coordinator | {"If-Match": joined.headers["etag"]},
            )
        )
        latest = await registry_view(registry, community_id)
        assert latest["version"] == 5
        applied = await monitor_at(monitor, community_id, 5)
        assert applied["name"] == "Fieldlab Gezond Groningen"  # the later updates were applied

        await execute(platform, "monitor", "DROP TRIGGER reject_poisoned_name ON community")  # the cause is fixed
        code, output = await run_lcn(platform, "dlq", "redrive", "--all")
        assert code == 0, output
        assert "re-drove 1" in output

        async def redriven() -> bool:
            rows = await fetch(
                platform, "monitor", "SELECT 1 FROM inbox_message WHERE event_id = $1", letters[0].headers["ce_id"]
            )
            return bool(rows)

        await wait_until(redriven, timeout=30, what="the monitor applying the redriven event")
        final = await monitor_view(monitor, community_id)
        registry_now = await registry_view(registry, community_id)
    assert registry_now == latest
    assert final is not None
    assert same_instant(final) == same_instant(registry_now)
    assert (final["municipality"], final["phase"]) == ("Groningen", "young")  # the dead letter's own change


async def test_acceptance_renamed_organisation_reaches_the_monitor(
    platform: PlatformSettings, api_key: KeyFactory
) -> None:
    """`PUT /v1/organisations/{id}` with a new name: the monitor shows the partner under it."""
    partner_key = await api_key(
        Role.PARTNER, organisation_id=uuid.uuid4(), organisation_name="Hanzehogeschool Groningen"
    )
    coordinator = {"Authorization": f"Bearer {await api_key(Role.COORDINATOR)}"}
    async with (
        run_service(create_registry, service_config(platform, "registry")) as (_, registry),
        run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor),
    ):
        body = {"name": "Energy College", "kinds": ["civ"], "province": "drenthe", "topsectors": ["energie"]}
        created = await registry.post("/v1/communities", json=body, headers={"Authorization": f"Bearer {partner_key}"})
        assert created.status_code == 201, created.text
        community = created.json()
        await monitor_at(monitor, community["community_id"], 1)
        organisation_id = community["owner_organisation_id"]
        renamed = await registry.put(
            f"/v1/organisations/{organisation_id}", json={"name": "Hanze", "type": "school-hbo"}, headers=coordinator
        )
        assert renamed.status_code == 200, renamed.text
        view = await monitor_at(monitor, community["community_id"], 2)
    assert view["partners"] == [(organisation_id, "Hanze", "school-hbo", "lead")]

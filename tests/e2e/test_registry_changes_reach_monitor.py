"""Acceptance (monitor): changes made in the registry, merges included, reach the monitor's read model."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from lcn_monitor.main import create_app as create_monitor
from lcn_registry.main import create_app as create_registry
from lcn_shared.auth import Role
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import run_service, service_config, wait_until
from services.registry.tests.feeds.builders import create_record, deliver

KeyFactory = Callable[..., Awaitable[str]]


async def _monitor_row(monitor: httpx.AsyncClient, community_id: str, check: Callable[[dict[str, Any]], bool]) -> Any:
    """Wait until the monitor's view of the community passes `check`."""

    async def seen() -> dict[str, Any] | None:
        response = await monitor.get(f"/v1/communities/{community_id}")
        return response.json() if response.status_code == 200 and check(response.json()) else None

    return await wait_until(seen, timeout=15, what=f"the monitor's view of {community_id}")


async def test_acceptance_monitor_follows_registry_patches_status_memberships_and_merges(
    platform: PlatformSettings, api_key: KeyFactory
) -> None:
    """Through the real relay, broker and consumer: PATCH, status, membership and a reviewed merge."""
    coordinator = {"Authorization": f"Bearer {await api_key(Role.COORDINATOR)}"}
    katapult = await api_key(Role.FEED, feed_source="katapult")
    techniekpact = await api_key(Role.FEED, feed_source="techniekpact")
    async with (
        run_service(create_registry, service_config(platform, "registry")) as (_, registry),
        run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor),
    ):
        bare = {"website": None, "partners": []}
        older = (await deliver(registry, katapult, "katapult", [create_record("KAT-1", **bare)])).json()
        older_id = older["results"][0]["community_id"]
        await _monitor_row(monitor, older_id, lambda row: row["name"] == "Fieldlab Slimme Maakindustrie Twente")

        current = await registry.get(f"/v1/communities/{older_id}")
        patched = await registry.patch(
            f"/v1/communities/{older_id}",
            json={"name": "Fieldlab Slimme Maakindustrie Twente-Achterhoek"},
            headers=coordinator | {"If-Match": current.headers["etag"]},
        )
        assert patched.status_code == 200, patched.text
        organisation = await registry.post(
            "/v1/organisations", json={"name": "Demcon", "type": "company-large"}, headers=coordinator
        )
        joined = await registry.put(
            f"/v1/communities/{older_id}/organisations/{organisation.json()['organisation_id']}",
            json={"role": "financier"},
            headers=coordinator | {"If-Match": patched.headers["etag"]},
        )
        assert joined.status_code == 204, joined.text
        status = await registry.post(  # last: an ended community is read-only
            f"/v1/communities/{older_id}/status",
            json={"status": "ended", "reason": "Funding ended"},
            headers=coordinator | {"If-Match": joined.headers["etag"]},
        )
        assert status.status_code == 200, status.text
        row = await _monitor_row(monitor, older_id, lambda row: row["status"] == "ended" and row["partners"])
        assert row["name"] == "Fieldlab Slimme Maakindustrie Twente-Achterhoek"
        assert [(partner["name"], partner["role"]) for partner in row["partners"]] == [("Demcon", "financier")]

        variant = create_record("TP-1", name="Fieldlab Slimme Maakindustrie", **bare)
        newer = (await deliver(registry, techniekpact, "techniekpact", [variant])).json()["results"][0]
        assert newer["link"] == "review"
        await _monitor_row(monitor, newer["community_id"], lambda row: True)
        review_id = (await registry.get("/v1/matching/reviews")).json()["data"][0]["review_id"]
        accepted = await registry.post(f"/v1/matching/reviews/{review_id}/accept", headers=coordinator)
        assert accepted.status_code == 200, accepted.text

        async def redirected() -> httpx.Response | None:
            response = await monitor.get(f"/v1/communities/{newer['community_id']}", follow_redirects=False)
            return response if response.status_code == 308 else None

        moved = await wait_until(redirected, timeout=15, what="the merged id redirecting in the monitor")
        assert moved.headers["location"].endswith(f"/v1/communities/{older_id}")
        listed = (await monitor.get("/v1/communities")).json()
        assert [community["community_id"] for community in listed["data"]] == [older_id]
        assert uuid.UUID(older_id)

"""Acceptance (monitor, rebuild): the read model made anew from a replay of the registry's topic gives every figure
the live state gave, for the demo network linked from two feeds, merges and reports included."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from lcn_monitor.main import create_app as create_monitor
from lcn_monitor.scopes import every_scope
from lcn_registry.demo.feeds import demo_feeds
from lcn_registry.main import create_app as create_registry
from lcn_shared.auth import Role
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, run_service, service_config, wait_until
from services.registry.tests.feeds.builders import deliver
from tests.e2e.flow import run_lcn

KeyFactory = Callable[..., Awaitable[str]]
REPORTED = 12
PERIODS = ("2026-H1", "2026-H2")


async def registry_total(registry: httpx.AsyncClient) -> int:
    """How many communities the registry lists."""
    return int((await registry.get("/v1/communities", params={"limit": 1})).json()["total"])


async def monitor_communities(monitor: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Every community of the monitor's read model, as its API lists them."""
    rows: list[dict[str, Any]] = []
    while True:
        page = (await monitor.get("/v1/communities", params={"limit": 500, "offset": len(rows)})).json()
        rows += page["data"]
        if len(rows) >= page["count"]:
            return rows


async def every_figure(monitor: httpx.AsyncClient, coordinator: dict[str, str]) -> dict[str, Any]:
    """Every figure the monitor shows: each indicator's progress in every scope, completeness of the reported
    periods in every scope, the conflicts, and the read model itself."""
    # Each row as the API shows it, but for when it was projected: that is the projection's own moment, not state.
    rows = [
        {name: value for name, value in row.items() if name != "projected_at"}
        for row in await monitor_communities(monitor)
    ]
    figures: dict[str, Any] = {"communities": rows}
    for scope in every_scope():
        figures[f"progress {scope.text}"] = (await monitor.get("/v1/progress", params={"scope": scope.text})).json()
        for period in PERIODS:
            completeness = await monitor.get(
                f"/v1/periods/{period}/completeness", params={"scope": scope.text, "limit": 1000}, headers=coordinator
            )
            figures[f"completeness {period} {scope.text}"] = completeness.json()
    figures["conflicts"] = (await monitor.get("/v1/conflicts", headers=coordinator)).json()
    return figures


async def report(monitor: httpx.AsyncClient, coordinator: dict[str, str], community_id: str, students: int) -> None:
    """A report on the community for 2026-H2, submitted and approved (a coordinator may report for any)."""
    body = {"community_id": community_id, "period": "2026-H2", "figures": {"students": students, "companies": 3}}
    created = await monitor.post("/v1/reports", json=body, headers=coordinator)
    assert created.status_code == 201, created.text
    for action in ("submit", "approve"):
        etag = created.headers["etag"]
        created = await monitor.post(
            f"/v1/reports/{created.json()['report_id']}/{action}", headers=coordinator | {"If-Match": etag}
        )
        assert created.status_code == 200, created.text


async def test_acceptance_rebuild_reproduces_every_figure_of_the_live_state(
    platform: PlatformSettings, api_key: KeyFactory
) -> None:
    """Acceptance (rebuild): both demo feeds linked, the review queue accepted (merges), reports on communities
    that are merged afterwards; `lcn monitor rebuild` replays the registry's topic into an emptied read model and
    every figure, the read model's rows and the conflicts come out as they were live."""
    coordinator = {"Authorization": f"Bearer {await api_key(Role.COORDINATOR)}"}
    feeds = demo_feeds()
    async with (
        run_service(create_registry, service_config(platform, "registry")) as (_, registry),
        run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor),
    ):
        for source, records in (("katapult", feeds.katapult), ("techniekpact", feeds.techniekpact)):
            delivered = await deliver(registry, await api_key(Role.FEED, feed_source=source), source, records)
            assert delivered.status_code == 201, delivered.text
        total = await registry_total(registry)
        await wait_until(lambda: _listed(monitor, total), timeout=60, what="the monitor to hold every community")
        listed = await monitor_communities(monitor)
        for index, community in enumerate(listed[:REPORTED]):
            await report(monitor, coordinator, community["community_id"], students=10 * (index + 1))
        reviews = (await registry.get("/v1/matching/reviews", params={"limit": 200})).json()["data"]
        for review in reviews:
            accepted = await registry.post(f"/v1/matching/reviews/{review['review_id']}/accept", headers=coordinator)
            assert accepted.status_code in (200, 409), accepted.text
        survivor, duplicate = listed[0]["community_id"], listed[1]["community_id"]  # both reported
        merged = await registry.post(
            f"/v1/communities/{survivor}/merges", json={"duplicate_id": duplicate}, headers=coordinator
        )
        assert merged.status_code == 200, merged.text
        total = await registry_total(registry)
        await wait_until(lambda: _listed(monitor, total), timeout=60, what="the monitor to follow the merges")
        live = await every_figure(monitor, coordinator)
        code, output = await run_lcn(platform, "monitor", "rebuild")
        assert code == 0, output
        rebuilt = await every_figure(monitor, coordinator)
    published = "SELECT count(*) AS n FROM outbox_message WHERE event_type LIKE 'nl.lcn.registry.community.%'"
    replayed = (await fetch(platform, "registry", published))[0]["n"]
    assert f"from {replayed:,} events" in " ".join(output.split())  # every community event the registry published
    assert live["conflicts"]["data"], "the merged pair's reports are a conflict"
    assert rebuilt == live


async def _listed(monitor: httpx.AsyncClient, total: int) -> bool:
    """Whether the monitor lists as many communities as the registry."""
    return int((await monitor.get("/v1/communities", params={"limit": 1})).json()["count"]) == total

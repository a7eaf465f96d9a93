"""Acceptance (monitor, rebuild): on a stack with the demo data, the read model made anew from a replay of the
registry's topic gives every figure the live state gave."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from lcn_monitor.scopes import every_scope
from lcn_shared.clock import ManualClock
from lcn_shared.devstack import ensure_demo_credentials
from lcn_shared.plugins import find_service
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, service_config
from lcn_shared.testing.http import served
from services.monitor.tests.reporting import monitor_on
from tests.e2e.flow import run_lcn

# The demo is written for early December 2026 (2026-H1 locked and late, 2026-H2 open).
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
PERIODS = ("2026-H1", "2026-H2")


async def monitor_communities(monitor: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Every community of the monitor's read model as its API lists them, but for when each row was projected
    (the projection's own moment, not the community's state)."""
    rows: list[dict[str, Any]] = []
    while True:
        page = (await monitor.get("/v1/communities", params={"limit": 500, "offset": len(rows)})).json()
        rows += page["data"]
        if len(rows) >= page["count"]:
            return [{name: value for name, value in row.items() if name != "projected_at"} for row in rows]


async def every_figure(monitor: httpx.AsyncClient, coordinator: dict[str, str]) -> dict[str, Any]:
    """Every figure the monitor shows: each indicator's progress in every scope, the completeness of both reported
    periods in every scope, the conflicts, and the read model itself."""
    figures: dict[str, Any] = {"communities": await monitor_communities(monitor)}
    for scope in every_scope():
        figures[f"progress {scope.text}"] = (await monitor.get("/v1/progress", params={"scope": scope.text})).json()
        for period in PERIODS:
            completeness = await monitor.get(
                f"/v1/periods/{period}/completeness", params={"scope": scope.text, "limit": 1000}, headers=coordinator
            )
            figures[f"completeness {period} {scope.text}"] = completeness.json()
    figures["conflicts"] = (await monitor.get("/v1/conflicts", headers=coordinator)).json()
    return figures


async def test_acceptance_rebuild_reproduces_every_figure_of_the_live_state_on_the_demo_data(
    platform: PlatformSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Acceptance (rebuild): the registry's and the monitor's demo data as `./run dev` loads them (two feeds linked,
    merges, two reported half-years, a correction, a conflict after a merge); `lcn monitor rebuild` replays every
    event the registry published into an emptied read model, and every figure, the read model's rows and the
    conflicts come out as they were live."""
    monkeypatch.setenv("LCN_MONITOR_OVERDUE_CHECK_SECONDS", "3600")  # no notice lands between the two readings
    credentials = await ensure_demo_credentials(platform, tmp_path / "credentials.json")
    coordinator = {"Authorization": f"Bearer {credentials['coordinator']}"}
    registry_service, monitor_service = find_service("registry"), find_service("monitor")
    load_registry, load_monitor = registry_service.load_demo(), monitor_service.load_demo()
    assert load_registry is not None
    assert load_monitor is not None
    async with (
        served(registry_service.create_app, service_config(platform, "registry")) as registry_url,
        served(monitor_on(ManualClock(NOW)), service_config(platform, "monitor")) as monitor_url,
        httpx.AsyncClient(base_url=monitor_url, timeout=60) as monitor,
    ):
        services = {"registry": registry_url, "monitor": monitor_url}
        await load_registry(services, credentials)
        await load_monitor(services, credentials)
        live = await every_figure(monitor, coordinator)
        code, output = await run_lcn(platform, "monitor", "rebuild")
        assert code == 0, output
        rebuilt = await every_figure(monitor, coordinator)
    published = "SELECT count(*) AS n FROM outbox_message WHERE event_type LIKE 'nl.lcn.registry.community.%'"
    replayed = (await fetch(platform, "registry", published))[0]["n"]
    assert f"from {replayed:,} events" in " ".join(output.split())  # every community event the registry published
    assert live["conflicts"]["data"], "the demo's merged pair both reported"
    assert live["progress national"]["data"], "the seeded indicators"
    assert rebuilt == live

"""Acceptance (monitor, seeded indicator live): the volgsysteem's figures follow the registry through the real relay,
broker and consumer, within seconds of a change."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable

import httpx

from lcn_monitor.main import create_app as create_monitor
from lcn_registry.main import create_app as create_registry
from lcn_shared.auth import Role
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import run_service, service_config, wait_until
from tests.e2e.flow import post_community

KeyFactory = Callable[..., Awaitable[str]]
INDICATOR = "/v1/progress/learning-communities-since-2018"
# The bound; the relay and the consumer poll far more often than this.
WITHIN_SECONDS = 2.0


async def actual(monitor: httpx.AsyncClient) -> float:
    """The indicator's national actual as the monitor shows it now."""
    response = await monitor.get(INDICATOR)
    assert response.status_code == 200, response.text
    value: float = response.json()["actual"]
    return value


async def seconds_until(monitor: httpx.AsyncClient, expected: float) -> float:
    """How long until the actual is `expected` (the test fails past a generous timeout)."""
    started = time.perf_counter()

    async def shown() -> bool:
        return await actual(monitor) == expected

    await wait_until(shown, timeout=15, what=f"the actual to become {expected}", interval=0.02)
    return time.perf_counter() - started


async def test_acceptance_seeded_indicator_live_follows_a_registration_and_an_ending_within_2s(
    platform: PlatformSettings, api_key: KeyFactory
) -> None:
    """Acceptance (seeded indicator, live): "+100 learning communities since 2018" counts a community started in
    2020 within 2 s of its registration, and no longer counts it within 2 s of its ending; one started in 2016 never
    counts."""
    partner = await api_key(Role.PARTNER, organisation_id=uuid.uuid4(), organisation_name="Drenthe College")
    coordinator = {"Authorization": f"Bearer {await api_key(Role.COORDINATOR)}"}
    async with (
        run_service(create_registry, service_config(platform, "registry")) as (_, registry),
        run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor),
    ):
        before = await actual(monitor)
        older = await post_community(registry, partner, name="Techniekhuis 2016", start_date="2016-09-01")
        assert older.status_code == 201, older.text
        registered = await post_community(registry, partner, name="Energy College Emmen", start_date="2020-02-01")
        assert registered.status_code == 201, registered.text
        counted_after = await seconds_until(monitor, before + 1)
        ended = await registry.post(
            f"/v1/communities/{registered.json()['community_id']}/status",
            json={"status": "ended", "reason": "De subsidie is afgelopen"},
            headers=coordinator | {"If-Match": registered.headers["etag"]},
        )
        assert ended.status_code == 200, ended.text
        gone_after = await seconds_until(monitor, before)
        explained = (await monitor.get(f"{INDICATOR}/explanation")).json()
    assert counted_after < WITHIN_SECONDS, f"counted after {counted_after:.2f}s"
    assert gone_after < WITHIN_SECONDS, f"uncounted after {gone_after:.2f}s"
    assert "Techniekhuis 2016" not in {part["label"] for part in explained["parts"]}

"""Acceptance (monitor demo data for `./run dev`): the real loaders against a registry and a monitor on real ports."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from lcn_monitor.demo.practices import PILOT_PRACTICES
from lcn_shared.auth import Role
from lcn_shared.clock import ManualClock
from lcn_shared.plugins import find_service
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import service_config
from lcn_shared.testing.http import served
from services.monitor.tests.reporting import monitor_on

IssueKey = Callable[..., Awaitable[str]]
# Early December 2026, as the demo is written for: 2026-H1 is locked, 2026-H2 open until its deadline.
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)
SINCE = date(2018, 1, 1)
# The demo partners as `lcn dev` issues their keys (devstack.DEMO_PARTNERS): the registry's loader names them.
DEMO_PARTNERS = ("Brainport Development", "Da Vinci College", "Hanzehogeschool Groningen")
PERIODS = ("2026-H1", "2026-H2")
# How long the registry's last changes may take to reach the monitor's figures on a loaded machine.
SETTLE_SECONDS = 30.0


async def demo_credentials(api_key: IssueKey) -> dict[str, Any]:
    """Keys in the shape of `.lcn/credentials.json`."""
    partners = []
    for name in DEMO_PARTNERS:
        organisation_id = uuid.uuid5(uuid.NAMESPACE_URL, f"lcn:org:{name.lower().replace(' ', '-')}")
        key = await api_key(Role.PARTNER, organisation_id=organisation_id, organisation_name=name)
        partners.append({"organisation_id": str(organisation_id), "name": name, "key": key})
    return {
        "admin": await api_key(Role.ADMIN),
        "coordinator": await api_key(Role.COORDINATOR),
        "conference_team": await api_key(Role.CONFERENCE_TEAM),
        "partners": partners,
        "feeds": [
            {"source": source, "key": await api_key(Role.FEED, feed_source=source)}
            for source in ("katapult", "techniekpact")
        ],
    }


async def pages(client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    """Every item of a cursor-paged listing."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        response = await client.get(path, params=params | ({"cursor": cursor} if cursor else {}), headers=headers)
        assert response.status_code == 200, response.text
        items += response.json()["data"]
        cursor = response.json()["next_cursor"]
        if not cursor:
            return items


async def demo_state(monitor: httpx.AsyncClient, coordinator: dict[str, str]) -> dict[str, Any]:
    """What the demo leaves: reports and completeness per period, the conflicts and the public practices."""
    state: dict[str, Any] = {}
    for period in PERIODS:
        reports = await pages(monitor, "/v1/reports", coordinator, period=period, limit=500)
        state[f"reports {period}"] = sorted(
            (r["community_id"], r["source"], r["state"], r["revision"], r["warnings"]) for r in reports
        )
        completeness = await monitor.get(f"/v1/periods/{period}/completeness", params={"limit": 1}, headers=coordinator)
        assert completeness.status_code == 200, completeness.text
        state[f"completeness {period}"] = completeness.json()["totals"]
    state["conflicts"] = (await monitor.get("/v1/conflicts", headers=coordinator)).json()["data"]
    practices = await pages(monitor, "/v1/practices", {}, limit=200)
    state["practices"] = sorted((p["community_name"], p["title"], p["curation"], p["version"]) for p in practices)
    return state


async def settled_progress(monitor: httpx.AsyncClient, key: str, expected: float) -> dict[str, Any]:
    """The indicator's progress once its actual is `expected`, or as it stands at the deadline: the registry's last
    status changes reach the monitor's read model a moment after its communities do (counted only once they have)."""
    deadline = asyncio.get_running_loop().time() + SETTLE_SECONDS
    while True:
        progress: dict[str, Any] = (await monitor.get(f"/v1/progress/{key}")).json()
        if progress["actual"] == expected or asyncio.get_running_loop().time() > deadline:
            return progress
        await asyncio.sleep(0.2)


async def started_since_2018(registry: httpx.AsyncClient) -> int:
    """Registry communities active on the monitor's day (TODAY) that started from 2018 on (undated: from their
    registration, as counted): the active ones, and the ended ones that ended after TODAY. The demo runs on the real
    clock while the monitor's is fixed, so an ending written today in Amsterdam is still ahead of TODAY once the
    real date has moved on."""
    amsterdam = ZoneInfo("Europe/Amsterdam")

    def day(moment: str) -> date:
        return datetime.fromisoformat(moment).astimezone(amsterdam).date()

    def started(community: dict[str, Any]) -> date:
        return date.fromisoformat(community["start_date"]) if community["start_date"] else day(community["created_at"])

    def ended(community: dict[str, Any]) -> date:
        return date.fromisoformat(community["end_date"]) if community["end_date"] else day(community["updated_at"])

    active = await pages(registry, "/v1/communities", {}, status="active", limit=200)
    ended_ones = await pages(registry, "/v1/communities", {}, status="ended", limit=200)
    counted = active + [community for community in ended_ones if ended(community) > TODAY]
    return sum(SINCE <= started(community) <= TODAY for community in counted)


@pytest.mark.slow
async def test_acceptance_demo_data_reports_two_half_years_with_a_correction_a_warning_a_merge_and_practices(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """The registry's demo network, then the monitor's demo: both half-years reported (2026-H1 late with missing
    ones), one correction with two revisions, a submitted report with a `tenfold-rise` warning, one returned, one
    conflict after a merge, the pilots' practices public (three featured), "+100 learning communities since 2018"
    equal to the registry's count; a second load changes nothing."""
    credentials = await demo_credentials(api_key)
    coordinator = {"Authorization": f"Bearer {credentials['coordinator']}"}
    registry_service, monitor_service = find_service("registry"), find_service("monitor")
    load_registry, load_monitor = registry_service.load_demo(), monitor_service.load_demo()
    assert load_registry is not None
    assert load_monitor is not None
    async with (
        served(registry_service.create_app, service_config(platform, "registry")) as registry_url,
        served(monitor_on(ManualClock(NOW)), service_config(platform, "monitor")) as monitor_url,
        httpx.AsyncClient(base_url=registry_url) as registry,
        httpx.AsyncClient(base_url=monitor_url) as monitor,
    ):
        services = {"registry": registry_url, "monitor": monitor_url}
        await load_registry(services, credentials)
        summary = await load_monitor(services, credentials)
        first = await demo_state(monitor, coordinator)
        expected_since_2018 = await started_since_2018(registry)
        progress = await settled_progress(monitor, "learning-communities-since-2018", expected_since_2018)
        read_model = (await monitor.get("/v1/communities", params={"limit": 500})).json()["data"]
        corrected = [r for r in first["reports 2026-H1"] if r[3] == 2]
        submitted = await pages(monitor, "/v1/reports", coordinator, state="submitted", limit=500)
        warned = [
            await monitor.get(f"/v1/reports/{r['report_id']}", headers=coordinator) for r in submitted if r["warnings"]
        ]
        history = await pages(monitor, "/v1/reports", coordinator, period="2026-H1", limit=500)
        correction = next(r for r in history if r["revision"] == 2)
        revisions = (await monitor.get(f"/v1/reports/{correction['report_id']}", headers=coordinator)).json()
        await load_registry(services, credentials)
        again = await load_monitor(services, credentials)
        second = await demo_state(monitor, coordinator)
    for period in PERIODS:
        assert first[f"reports {period}"], f"no reports for {period}"
    h1 = first["completeness 2026-H1"]
    assert h1["late"] > 0, h1
    assert h1["missing"] > 0, h1
    assert h1["on_time"] == 0, h1
    assert first["completeness 2026-H2"]["on_time"] > 0
    assert len(corrected) == 1
    assert [revision["state"] for revision in revisions["revisions"]] == ["approved", "approved"]
    assert revisions["revisions"][1]["correction_reason"]
    codes = {warning["code"] for answer in warned for warning in answer.json()["revisions"][-1]["warnings"]}
    assert "tenfold-rise" in codes
    assert Counter(r[2] for period in PERIODS for r in first[f"reports {period}"])["returned"] == 1
    assert len(first["conflicts"]) == 1
    assert len(first["conflicts"][0]["reports"]) == 2
    pilots = {spec.community for spec in PILOT_PRACTICES} & {community["name"] for community in read_model}
    assert len(first["practices"]) == len(pilots) == 20
    assert Counter(p[2] for p in first["practices"]) == {"published": 17, "featured": 3}
    assert progress["actual"] == expected_since_2018
    assert second == first
    assert again == summary, summary

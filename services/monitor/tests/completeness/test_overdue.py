"""Completeness and timeliness per period and scope, and `report.overdue` exactly once per community and period,
on a hand-set clock and across a restart of the service."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest

from lcn_shared.clock import ManualClock
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, wait_until
from lcn_shared.testing.problems import assert_problem
from services.monitor.tests.reporting import (
    IssueKey,
    community,
    coordinator,
    create_report,
    member,
    merge,
    monitor,
    partner,
    read_model,
    step,
)

BEFORE_DEADLINE = datetime(2027, 2, 20, 12, 0, tzinfo=UTC)  # 2026-H2's reports are due by 28 February 2027
AFTER_DEADLINE = datetime(2027, 3, 5, 12, 0, tzinfo=UTC)
OVERDUE = "SELECT payload FROM outbox_message WHERE event_type = 'nl.lcn.monitor.report.overdue.v1' ORDER BY seq"


async def overdue_for(platform: PlatformSettings, period: str = "2026-H2") -> list[str]:
    """The community ids `report.overdue` went out for, for the period, in order."""
    payloads = [json.loads(row["payload"]) for row in await fetch(platform, "monitor", OVERDUE)]
    return [payload["community_id"] for payload in payloads if payload["period"] == period]


@pytest.fixture(autouse=True)
def quick_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The overdue check every tenth of a second."""
    monkeypatch.setenv("LCN_MONITOR_OVERDUE_CHECK_SECONDS", "0.1")


async def test_acceptance_overdue_exactly_once_shown_in_completeness_and_across_a_restart(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Acceptance (overdue, exactly once): before the deadline nothing is overdue; past it the missing report is
    `missing` in completeness and `report.overdue` goes out once for it, not for the one that reported on time nor
    the late one; a restarted service checking again adds nothing, and notices a newly expected community once."""
    lead, boss = await partner(api_key, "Drenthe College"), await coordinator(api_key)
    clock = ManualClock(BEFORE_DEADLINE)
    async with read_model(platform) as sessions:
        on_time = await community(sessions, members=[member(lead)], name="A op tijd")
        missing = await community(sessions, members=[member(lead)], name="B ontbreekt")
        late = await community(sessions, members=[member(lead)], name="C te laat")
        async with monitor(platform, clock) as client:
            await step(client, lead.headers, await create_report(client, lead.headers, on_time), "submit")
            await asyncio.sleep(0.5)  # several checks before the deadline
            assert await overdue_for(platform) == []
        clock.set(AFTER_DEADLINE)
        async with monitor(platform, clock, workers_enabled=False) as client:  # C reports late, before any check
            await step(client, lead.headers, await create_report(client, lead.headers, late), "submit")
        async with monitor(platform, clock) as client:
            await wait_until(lambda: overdue_for(platform), timeout=10, what="the overdue notice")
            await asyncio.sleep(0.5)  # several more checks
            shown = (await client.get("/v1/periods/2026-H2/completeness", headers=boss)).json()
        assert await overdue_for(platform) == [str(missing)]
        newcomer = await community(sessions, members=[member(lead)], name="D nieuw")
        async with monitor(platform, clock):
            await wait_until(lambda: _has(platform, newcomer), timeout=10, what="the newcomer's overdue notice")
            await asyncio.sleep(0.5)
    assert await overdue_for(platform) == [str(missing), str(newcomer)]
    states = {row["name"]: (row["state"], row["overdue_noticed_at"] is not None) for row in shown["data"]}
    assert states == {"A op tijd": ("on_time", False), "B ontbreekt": ("missing", True), "C te laat": ("late", False)}
    totals = shown["totals"]
    assert (totals["expected"], totals["reported"], totals["on_time"], totals["late"], totals["missing"]) == (
        3,
        2,
        1,
        1,
        1,
    )
    assert totals["share_on_time"] == pytest.approx(1 / 3)
    assert (shown["deadline"], shown["as_of"]) == ("2027-02-28", "2027-03-05")


async def _has(platform: PlatformSettings, community_id: object) -> bool:
    """Whether `report.overdue` went out for the community."""
    return str(community_id) in await overdue_for(platform)


async def test_completeness_per_scope_and_a_merged_duplicates_report_counts_for_its_survivor(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Landsdeel Noord expects its own communities only; a report made on a since merged-away record counts for
    the survivor; the CSV holds the same rows; completeness needs a key."""
    lead, boss = await partner(api_key, "Drenthe College"), await coordinator(api_key)
    clock = ManualClock(BEFORE_DEADLINE)
    async with read_model(platform) as sessions:
        survivor = await community(sessions, members=[member(lead)], name="Energy College")
        duplicate = await community(sessions, members=[member(lead)], name="Energy College Emmen")
        await community(sessions, members=[member(lead)], name="Rotterdam", landsdeel="zuidwest")
        async with monitor(platform, clock) as client:
            await step(client, lead.headers, await create_report(client, lead.headers, duplicate), "submit")
            await merge(sessions, survivor_id=survivor, duplicate_id=duplicate)
            north = (await client.get("/v1/periods/2026-H2/completeness?scope=landsdeel:noord", headers=boss)).json()
            csv_file = await client.get("/v1/periods/2026-H2/completeness.csv?scope=landsdeel:noord", headers=boss)
            anonymous = await client.get("/v1/periods/2026-H2/completeness")
            unknown = await client.get("/v1/periods/2031-H1/completeness", headers=boss)
    assert [(row["name"], row["state"]) for row in north["data"]] == [("Energy College", "on_time")]
    assert north["totals"]["expected"] == 1
    assert csv_file.text.startswith("\ufeff")
    assert "Energy College,noord,on_time" in csv_file.text
    assert_problem(anonymous, 401)
    assert_problem(unknown, 404)

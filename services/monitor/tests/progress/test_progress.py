"""Progress over the API: actual against target, status and series per scope; every figure explained down to its
parts; merged communities counted once with the conflict listed; and status changes published once."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest

from lcn_shared.clock import ManualClock
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, wait_until
from lcn_shared.testing.problems import assert_problem
from services.monitor.tests.reporting import (
    JANUARY_2027,
    IssueKey,
    approved_report,
    community,
    coordinator,
    member,
    merge,
    monitor,
    partner,
    read_model,
)


async def test_acceptance_explain_the_parts_of_a_figure_add_up_to_the_figure_shown(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Acceptance (explain): students reached in landsdeel Noord: the drill-down lists the approved report
    revisions that make it up, across pages, and their values add up to the figure the progress shows."""
    lead, boss = await partner(api_key, "Drenthe College"), await coordinator(api_key)
    async with read_model(platform) as sessions:
        north = [await community(sessions, members=[member(lead)], name=f"Noord {n}") for n in range(3)]
        west = await community(sessions, members=[member(lead)], name="Rotterdam", landsdeel="zuidwest")
    clock = ManualClock(JANUARY_2027 - timedelta(days=150))
    async with monitor(platform, clock) as client:
        await approved_report(client, lead, boss, north[0], period="2026-H1", students=7)  # a period before
        clock.set(JANUARY_2027)
        for index, community_id in enumerate(north):
            await approved_report(client, lead, boss, community_id, students=100 + index)
        await approved_report(client, lead, boss, west, students=1000)  # another landsdeel
        shown = (await client.get("/v1/progress/students-reached", params={"scope": "landsdeel:noord"})).json()
        pages, cursor = [], None
        while True:
            params = {"scope": "landsdeel:noord", "limit": 2} | ({"cursor": cursor} if cursor else {})
            page = (await client.get("/v1/progress/students-reached/explanation", params=params)).json()
            pages.append(page)
            if (cursor := page["next_cursor"]) is None:
                break
    parts = [part for page in pages for part in page["parts"]]
    assert shown["actual"] == 100 + 101 + 102 + 7
    assert sum(part["value"] for part in parts) == shown["actual"] == pages[0]["parts_total"]
    assert pages[0]["parts_count"] == len(parts) == 4
    assert {part["kind"] for part in parts} == {"report"}
    assert {part["community_id"] for part in parts} == {str(community_id) for community_id in north}
    assert all(part["revision"] == 1 for part in parts)


async def test_acceptance_no_double_counting_merged_communities_that_both_reported_count_once_and_the_conflict_shows(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Acceptance (no double counting): two records of one community both reported 2026-H2; once the registry
    merges them the national sum counts the survivor's report only, the conflict is listed, and a coordinator's
    choice of the other report makes that one count instead."""
    lead, other, boss = (
        await partner(api_key, "Drenthe College"),
        await partner(api_key, "Katapult"),
        await coordinator(api_key),
    )
    async with read_model(platform) as sessions:
        survivor = await community(sessions, members=[member(lead)], name="Energy College")
        duplicate = await community(sessions, members=[member(other)], name="Energy College Emmen")
        async with monitor(platform) as client:
            await approved_report(client, lead, boss, survivor, students=120)
            duplicate_report = await approved_report(client, other, boss, duplicate, students=110)
            before = (await client.get("/v1/progress/students-reached")).json()["actual"]
            await merge(sessions, survivor_id=survivor, duplicate_id=duplicate)
            after = (await client.get("/v1/progress/students-reached")).json()["actual"]
            listed = (await client.get("/v1/conflicts", headers=boss)).json()["data"]
            chosen = await client.put(
                f"/v1/conflicts/{duplicate}/2026-H2",
                json={"report_id": duplicate_report.json()["report_id"]},
                headers=boss,
            )
            after_choice = (await client.get("/v1/progress/students-reached")).json()["actual"]
            by_partner = await client.get("/v1/conflicts", headers=lead.headers)
    assert before == 230
    assert after == 120
    (conflict,) = listed
    assert (conflict["community_id"], conflict["period"], conflict["chosen"]) == (str(survivor), "2026-H2", False)
    assert [(item["reported_on"], item["counts"]) for item in conflict["reports"]] == [
        (str(survivor), True),
        (str(duplicate), False),
    ]
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["chosen"] is True
    assert after_choice == 110
    assert_problem(by_partner, 403)


async def test_the_seeded_indicators_show_their_targets_and_a_status(platform: PlatformSettings) -> None:
    """The documents' indicators are there with their numbers: +100 communities since 2018 by 2023, the NGF targets
    for 2030 against 2021 and the first half-year's actuals (440 companies in 2023-H2)."""
    async with monitor(platform) as client:
        page = (await client.get("/v1/progress")).json()
    by_key = {item["indicator"]: item for item in page["data"]}
    assert (
        by_key["learning-communities-since-2018"]["target"]["value"],
        by_key["learning-communities-since-2018"]["target"]["due_on"],
    ) == (100, "2023-12-31")
    assert [(target["value"], target["due_on"]) for target in by_key["ngf-companies"]["targets"]] == [
        (8500, "2030-12-31")
    ]
    assert by_key["ngf-students"]["targets"][0]["value"] == 50000
    assert by_key["ngf-employees"]["targets"][0]["value"] == 21000
    assert by_key["ngf-field-funding"]["targets"][0]["value"] == 300_000_000
    assert by_key["landsdelen-with-learning-community"]["targets"][0]["value"] == 5
    assert by_key["partner-reach"]["targets"][0]["value"] == 2 * by_key["partner-reach"]["baseline"]["value"]
    series = {point["period"]: point["value"] for point in by_key["ngf-companies"]["series"]}
    assert series["2023-H2"] == 440  # the programme's own total for its first half-year
    assert by_key["ngf-companies"]["actual"] == 440
    assert by_key["ngf-companies"]["status"] in {"on_track", "at_risk", "off_track"}


@pytest.mark.parametrize(
    ("params", "status"),
    [({"scope": "landsdeel:atlantis"}, 422), ({"scope": "everywhere"}, 422), ({"scope": "topsector:"}, 422)],
)
async def test_an_unknown_scope_is_a_422(platform: PlatformSettings, params: dict[str, str], status: int) -> None:
    """A scope outside the vocabulary is named in a problem, not an empty page."""
    async with monitor(platform) as client:
        assert_problem(await client.get("/v1/progress", params=params), status)


async def test_a_changed_status_is_published_once(
    platform: PlatformSettings, api_key: IssueKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A coordinator sets a landsdeel target of 3 communities started since 2018; three communities make it
    reached: one `indicator.target-reached`, however often the check runs afterwards."""
    monkeypatch.setenv("LCN_MONITOR_STATUS_CHECK_SECONDS", "0.1")
    lead, boss = await partner(api_key, "Drenthe College"), await coordinator(api_key)
    async with read_model(platform) as sessions:
        for index in range(3):
            await community(sessions, members=[member(lead)], name=f"Noord {index}", start_date=date(2020, 1, 1))
    async with monitor(platform) as client:
        indicator = await client.get("/v1/indicators/learning-communities-since-2018")
        target = await client.put(
            "/v1/indicators/learning-communities-since-2018/targets/landsdeel:noord/2027-12-31",
            json={"value": 3, "source_note": "Noord: drie nieuwe leergemeenschappen"},
            headers=boss | {"If-Match": indicator.headers["etag"]},
        )
        assert target.status_code == 200, target.text

        async def reached() -> list[object]:
            return await fetch(
                platform, "monitor", "SELECT payload FROM outbox_message WHERE event_type LIKE '%target-reached%'"
            )

        await wait_until(reached, timeout=10, what="the target-reached event")
        await asyncio.sleep(0.6)  # several more checks
    events = await reached()
    assert len(events) == 1
    payload = json.loads(events[0]["payload"])
    assert (payload["scope"], payload["landsdeel"], payload["actual"], payload["target"]) == (
        "landsdeel:noord",
        "noord",
        3,
        3,
    )
    statuses = await fetch(platform, "monitor", "SELECT status FROM indicator_status WHERE scope = 'landsdeel:noord'")
    assert [row["status"] for row in statuses] == ["reached"]

"""Acceptance (events demo data for `./run dev`): the real loader against the events service on a real port."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from lcn_events.demo import load as demo
from lcn_events.demo.plan import BRAINPORT, CLASH_DAY, DA_VINCI, EVENTS, FULL_CAPACITY, FULL_EVENT, FULL_REGISTRATIONS
from lcn_shared.auth import Role
from lcn_shared.clock import ManualClock
from lcn_shared.db import SessionFactory
from lcn_shared.plugins import find_service
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import service_config
from lcn_shared.testing.http import served
from services.events.tests.builders import NOW, events_on, known

IssueKey = Callable[..., Awaitable[str]]


async def listed(events: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every occurrence of 2026 and 2027 the conference team sees."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"from": "2026-01-01", "to": "2027-12-31", "limit": "500"} | ({"cursor": cursor} if cursor else {})
        response = await events.get("/v1/events", params=params, headers=headers)
        assert response.status_code == 200, response.text
        found += response.json()["data"]
        if not (cursor := response.json()["next_cursor"]):
            return found


async def demo_state(events: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    """The occurrences, the clashes of 2027 and the registrations of the full event."""
    occurrences = await listed(events, headers)
    full = next(o for o in occurrences if o["title"] == FULL_EVENT)
    registrations = await events.get(f"/v1/events/{full['event_id']}/registrations", headers=headers)
    clashes = await events.get("/v1/clashes", params={"year": "2027"}, headers=headers)
    return {
        "occurrences": sorted(
            (o["title"], o["occurrence_date"], o["status"], o["organiser"], o["event_id"]) for o in occurrences
        ),
        "clashes": clashes.json()["data"],
        "registrations": registrations.json(),
    }


async def test_acceptance_demo_data_has_series_a_clash_drafts_for_next_year_and_a_full_event_with_a_waiting_list(
    platform: PlatformSettings, api_key: IssueKey, sessions: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The named conferences with Katapultdag and Techniekpactdag as yearly series, network meetings in every
    landsdeel, one clash, 2027 partly in draft, a full masterclass with a waiting list; organisers the directory
    knows are named (Hanzehogeschool, unknown here, falls back to the conference team); a second load adds nothing."""
    await known(sessions, (BRAINPORT, "Brainport Development"), (DA_VINCI, "Da Vinci College"))
    monkeypatch.setattr(demo, "DIRECTORY_WAIT_SECONDS", 0.0)
    credentials = {"conference_team": await api_key(Role.CONFERENCE_TEAM, organisation_name="Conferenceteam")}
    headers = {"Authorization": f"Bearer {credentials['conference_team']}"}
    loader = find_service("events").load_demo()
    assert loader is not None
    async with (
        served(events_on(ManualClock(NOW)), service_config(platform, "events", relay_enabled=False)) as url,
        httpx.AsyncClient(base_url=url) as events,
    ):
        summary = await loader({"events": url}, credentials)
        first = await demo_state(events, headers)
        again = await loader({"events": url}, credentials)
        second = await demo_state(events, headers)

    occurrences = first["occurrences"]
    titles = {o[0] for o in occurrences}
    assert titles == {spec.title for spec in EVENTS}
    for spec in EVENTS:
        if spec.series_occurrences:
            assert [o[1] for o in occurrences if o[0] == spec.title] == list(spec.series_occurrences)
    landsdelen = ("Noord", "Oost", "Zuidoost", "Zuidwest", "Noordwest")
    assert all(f"Netwerkbijeenkomst {name} voorjaar 2027" in titles for name in landsdelen)
    drafts = {o[0] for o in occurrences if o[2] == "draft"}
    assert drafts == {spec.title for spec in EVENTS if not spec.published}
    assert all("2027" in title for title in drafts)
    (clash,) = first["clashes"]
    assert {clash["first"]["title"], clash["second"]["title"]} == {
        "Brainport Talentconferentie 2027",
        "Netwerkdag Zuidoost: opschaling PPS-en 2027",
    }
    assert clash["overlap_start"] == CLASH_DAY
    assert "zuidoost" in clash["landsdelen"]
    counts = first["registrations"]["counts"]
    assert counts == {
        "confirmed": FULL_CAPACITY,
        "waitlisted": FULL_REGISTRATIONS - FULL_CAPACITY,
        "pending": 0,
        "capacity": FULL_CAPACITY,
    }
    waiting = [r for r in first["registrations"]["data"] if r["status"] == "waitlisted"]
    assert [r["position"] for r in waiting] == list(range(1, FULL_REGISTRATIONS - FULL_CAPACITY + 1))
    assert all(r["email"].endswith("@example.org") for r in first["registrations"]["data"])
    organisers = {o[0]: o[3] for o in occurrences}
    assert organisers["Brainport Talentconferentie 2027"] == str(BRAINPORT)
    assert organisers["Teach-the-teacher: lesgeven in het Fieldlab 2027"] == str(DA_VINCI)
    assert organisers["Open Dagen Energy College 2027"] == "conference-team"
    assert organisers["Katapultdag"] == "conference-team"
    assert second == first
    assert again == summary, summary

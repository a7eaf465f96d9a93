"""Acceptance (issue 10, item 2, Planning): next year's drafts are published in one action, all of them or, when one
cannot be published, none (no row changed, nothing in the outbox)."""

from __future__ import annotations

import uuid

import httpx

from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch
from lcn_shared.testing.problems import assert_problem
from services.events.tests.builders import KeyMaker, conference_team, create, if_match, outbox, partner

ONLINE = "https://example.org/webinar"


async def statuses(platform: PlatformSettings) -> dict[str, tuple[str, int]]:
    """Each event's status and version, by title."""
    rows = await fetch(platform, "events", "SELECT title, status, version FROM event")
    return {row["title"]: (row["status"], row["version"]) for row in rows}


async def test_acceptance_planning_publishes_the_whole_year_or_nothing(
    events: httpx.AsyncClient, api_key: KeyMaker, platform: PlatformSettings
) -> None:
    """Four drafts of 2028, two without an end or a place: 422 naming both, nothing published; fixed: all four."""
    team = await conference_team(api_key)
    await create(events, team, title="Katapultdag", starts_at="2028-03-09T09:30:00", ends_at="2028-03-09T17:00:00")
    no_end = await create(events, team, title="Techniekpactdag", starts_at="2028-06-08T09:30:00", ends_at=None)
    await create(
        events,
        team,
        title="Webinar LLO",
        kind="webinar",
        starts_at="2028-09-14T15:00:00",
        ends_at="2028-09-14T16:00:00",
        venue=None,
        online_url=ONLINE,
    )
    all_day = {
        "all_day": True,
        "starts_at": None,
        "ends_at": None,
        "start_date": "2028-10-05",
        "end_date": "2028-10-06",
    }
    no_place = await create(events, team, title="Groenpact", venue=None, **all_day)
    await create(events, team, title="Katapultdag 2029", starts_at="2029-03-08T09:30:00", ends_at="2029-03-08T17:00:00")

    refused = await events.post("/v1/calendar/2028/publish", headers=team)
    problem = assert_problem(refused, 422)
    assert sorted((error["title"], len(error["problems"])) for error in problem["errors"]) == [
        ("Groenpact", 1),
        ("Techniekpactdag", 1),
    ]
    assert {status for status, _ in (await statuses(platform)).values()} == {"draft"}
    assert await outbox(platform) == []

    fixed = await events.patch(
        f"/v1/events/{no_end['event_id']}", json={"ends_at": "2028-06-08T17:00:00"}, headers=team | if_match(no_end)
    )
    assert fixed.status_code == 200, fixed.text
    placed = await events.patch(
        f"/v1/events/{no_place['event_id']}", json={"online_url": ONLINE}, headers=team | if_match(no_place)
    )
    assert placed.status_code == 200, placed.text
    # Only the conference team plans the calendar.
    someone = await partner(api_key, uuid.uuid4())
    assert (await events.post("/v1/calendar/2028/publish", headers=someone)).status_code == 403

    published = await events.post("/v1/calendar/2028/publish", headers=team)
    assert published.status_code == 200, published.text
    assert sorted(event["title"] for event in published.json()["published"]) == [
        "Groenpact",
        "Katapultdag",
        "Techniekpactdag",
        "Webinar LLO",
    ]
    after = await statuses(platform)
    assert after["Katapultdag 2029"] == ("draft", 1)
    assert {title: status for title, (status, _) in after.items() if title != "Katapultdag 2029"} == dict.fromkeys(
        ("Katapultdag", "Techniekpactdag", "Webinar LLO", "Groenpact"), "published"
    )
    assert [event_type for event_type, _ in await outbox(platform)] == ["nl.lcn.events.event.published.v1"] * 4
    # Nothing is left to publish: the same action again publishes nothing.
    again = await events.post("/v1/calendar/2028/publish", headers=team)
    assert again.status_code == 200, again.text
    assert again.json()["published"] == []

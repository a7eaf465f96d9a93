"""Writes users trust: If-Match (428 without, 412 stale), Idempotency-Key replays, history with actor and fields,
lifecycle steps (409 for an illegal one), and SEQUENCE for what attendees notice."""

from __future__ import annotations

from datetime import timedelta

import httpx

from lcn_shared.clock import ManualClock
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch
from lcn_shared.testing.problems import assert_problem
from services.events.tests.builders import KeyMaker, conference_team, create, event_body, if_match, publish


async def test_changes_need_the_current_etag_and_creates_replay_their_first_answer(
    events: httpx.AsyncClient, api_key: KeyMaker, platform: PlatformSettings
) -> None:
    """A change without If-Match is 428, with a stale one 412 (nothing changed); a POST repeated with its
    Idempotency-Key answers the first answer again, and a different body under the same key is a 422."""
    team = await conference_team(api_key)
    key = {"Idempotency-Key": "plan-2027-techniekpactdag"}
    first = await events.post("/v1/events", json=event_body(), headers=team | key)
    assert first.status_code == 201, first.text
    assert first.headers["ETag"] == '"1"'
    again = await events.post("/v1/events", json=event_body(), headers=team | key)
    assert (again.status_code, again.json(), again.headers["Idempotent-Replayed"]) == (201, first.json(), "true")
    assert again.headers["Location"] == first.headers["Location"]
    assert_problem(await events.post("/v1/events", json=event_body(title="Anders"), headers=team | key), 422)
    assert len(await fetch(platform, "events", "SELECT 1 FROM event")) == 1

    path = first.headers["Location"]
    assert_problem(await events.patch(path, json={"title": "Zonder ETag"}, headers=team), 428)
    changed = await events.patch(path, json={"title": "Met ETag"}, headers=team | {"If-Match": '"1"'})
    assert (changed.status_code, changed.headers["ETag"]) == (200, '"2"')
    assert_problem(await events.patch(path, json={"title": "Te laat"}, headers=team | {"If-Match": '"1"'}), 412)
    assert_problem(await events.post(f"{path}/publish", headers=team | {"If-Match": '"1"'}), 412)
    assert (await events.get(path, headers=team)).json()["title"] == "Met ETag"


async def test_history_records_who_changed_which_fields(events: httpx.AsyncClient, api_key: KeyMaker) -> None:
    """Every change: its version, what it was, the fields with old and new value, the actor and the origin."""
    team = await conference_team(api_key)
    created = await create(events, team)
    path = f"/v1/events/{created['event_id']}"
    changed = await events.patch(
        path, json={"title": "Techniekpactdag 2027 Groningen", "capacity": 400}, headers=team | if_match(created)
    )
    await publish(events, team, changed.json())
    history = (await events.get(f"{path}/history", headers=team)).json()["data"]
    assert [(entry["version"], entry["change"]) for entry in history] == [
        (1, "created"),
        (2, "edited"),
        (3, "published"),
    ]
    assert {entry["actor"] for entry in history} == {"conference_team:Conferenceteam"}
    assert {entry["origin"] for entry in history} == {"api"}
    assert history[1]["changes"] == {
        "title": {"old": "Techniekpactdag 2027", "new": "Techniekpactdag 2027 Groningen"},
        "capacity": {"old": None, "new": 400},
    }
    assert history[0]["changes"]["status"] == {"old": None, "new": "draft"}
    paged = (await events.get(f"{path}/history", params={"limit": 2}, headers=team)).json()
    rest = await events.get(f"{path}/history", params={"cursor": paged["next_cursor"]}, headers=team)
    assert [entry["version"] for entry in rest.json()["data"]] == [3]


async def test_lifecycle_steps_and_illegal_ones(
    events: httpx.AsyncClient, api_key: KeyMaker, clock: ManualClock
) -> None:
    """draft -> published -> rescheduled -> completed once over; anything else is a 409 problem."""
    team = await conference_team(api_key)
    draft = await create(events, team)
    path = f"/v1/events/{draft['event_id']}"
    assert_problem(await events.post(f"{path}/cancel", headers=team | if_match(draft)), 409)
    assert_problem(await events.post(f"{path}/complete", headers=team | if_match(draft)), 409)
    published = await publish(events, team, draft)
    assert_problem(await events.post(f"{path}/publish", headers=team | if_match(published)), 409)
    assert_problem(await events.post(f"{path}/complete", headers=team | if_match(published)), 409)  # not over yet
    clock.set(clock.now().replace(year=2027, month=6, day=11))
    completed = await events.post(f"{path}/complete", headers=team | if_match(published))
    assert (completed.status_code, completed.json()["status"]) == (200, "completed")
    for step in ("cancel", "publish", "complete"):
        assert_problem(await events.post(f"{path}/{step}", headers=team | if_match(completed.json())), 409)
    assert_problem(await events.patch(path, json={"title": "Later"}, headers=team | if_match(completed.json())), 409)
    # Publishing needs an end and a place: 422 naming both.
    bare = await create(events, team, ends_at=None, venue=None)
    problem = assert_problem(await events.post(f"/v1/events/{bare['event_id']}/publish", headers=team | if_match(bare)))
    assert len(problem["errors"][0]["problems"]) == 2
    # A series without an end never completes.
    series = await publish(events, team, await create(events, team, recurrence="FREQ=YEARLY"))
    clock.advance(timedelta(days=3650))
    never = await events.post(f"/v1/events/{series['event_id']}/complete", headers=team | if_match(series))
    assert_problem(never, 409)


async def test_sequence_grows_with_what_attendees_notice(events: httpx.AsyncClient, api_key: KeyMaker) -> None:
    """A draft's changes count for nothing; once public a new title, time, place or status each add one; a new
    description does not. A public event whose time changes is rescheduled."""
    team = await conference_team(api_key)
    draft = await create(events, team)
    path = f"/v1/events/{draft['event_id']}"
    retitled = await events.patch(path, json={"title": "Techniekpactdag"}, headers=team | if_match(draft))
    event = await publish(events, team, retitled.json())
    assert (event["sequence"], event["status"]) == (0, "published")

    async def patched(**fields: object) -> dict[str, object]:
        nonlocal event
        response = await events.patch(path, json=fields, headers=team | if_match(event))
        assert response.status_code == 200, response.text
        event = response.json()
        return event

    assert (await patched(description="Nu met sprekers."))["sequence"] == 0
    assert (await patched(title="Techniekpactdag 2027"))["sequence"] == 1
    moved = await patched(starts_at="2027-06-11T09:30:00", ends_at="2027-06-11T17:00:00")
    assert (moved["sequence"], moved["status"]) == (2, "rescheduled")
    assert (await patched(online_url="https://example.org/live"))["sequence"] == 3
    cancelled = await events.post(
        f"{path}/cancel", json={"reason": "Te weinig aanmeldingen"}, headers=team | if_match(event)
    )
    assert (cancelled.json()["sequence"], cancelled.json()["status"]) == (4, "cancelled")

"""Registering (issue 10, item 3): the same address is the same registration; only while the event takes
registrations; approval when the event asks for it; a series' occurrences each with their own places."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import httpx
import pytest

from lcn_shared.clock import ManualClock
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, wait_until
from lcn_shared.testing.problems import assert_problem
from services.events.tests.builders import KeyMaker, conference_team, create, if_match
from services.events.tests.registrations.builders import (
    person,
    published,
    register,
    registered,
    registration_events,
    view,
)


async def _rows(platform: PlatformSettings) -> int:
    """How many registrations are stored."""
    return len(await fetch(platform, "events", "SELECT registration_id FROM registration"))


async def test_the_same_address_is_the_same_registration_and_gets_no_second_link(
    events: httpx.AsyncClient, api_key: KeyMaker, platform: PlatformSettings
) -> None:
    """Registering again with the address in other case answers 200 with the same registration, no link, no
    second row and no second event; the answer never repeats what was typed in. After a cancellation the address
    registers anew."""
    event = await published(events, await conference_team(api_key))
    first = await registered(events, event, person(1, email="Jan.Jansen@Example.org"))
    assert first["status"] == "confirmed"
    assert first["view_url"].endswith(first["cancel_url"].split("?")[1])
    again = await register(events, event, person(1, name="Iemand Anders", email="jan.jansen@EXAMPLE.ORG"))
    assert again.status_code == 200, again.text
    repeated = again.json()
    assert (repeated["registration_id"], repeated["repeated"]) == (first["registration_id"], True)
    assert (repeated["view_url"], repeated["cancel_url"]) == (None, None)
    assert again.headers["Location"].endswith(f"/v1/registrations/{first['registration_id']}")
    assert again.headers["Cache-Control"] == "no-store"
    assert "Jansen" not in again.text
    assert "Deelnemer" not in again.text
    assert await _rows(platform) == 1
    assert [kind for kind, _ in await registration_events(platform)] == ["confirmed"]
    assert (await view(events, first))["name"] == "Deelnemer 1"

    assert (await events.post(first["cancel_url"])).status_code == 200
    anew = await registered(events, event, person(1, email="jan.jansen@example.org"))
    assert anew["registration_id"] != first["registration_id"]


async def test_registration_is_open_only_while_the_event_takes_registrations(
    events: httpx.AsyncClient, api_key: KeyMaker, clock: ManualClock, platform: PlatformSettings
) -> None:
    """Before the window opens, after it closes, once the event started, for a cancelled event or a cancelled
    occurrence: 409 with the reason; a draft or an unknown event is a 404; nothing is stored."""
    team = await conference_team(api_key)
    early = await published(events, team, registration_opens_at="2026-12-10T09:00:00")
    late = await published(events, team, registration_closes_at="2026-12-01T09:00:00")
    started = await published(events, team, starts_at="2026-12-07T09:00:00", ends_at="2026-12-07T17:00:00")
    called_off = await published(events, team)
    cancelled = await events.post(f"/v1/events/{called_off['event_id']}/cancel", headers=team | if_match(called_off))
    assert cancelled.status_code == 200, cancelled.text
    series = await published(
        events, team, starts_at="2026-12-08T09:30:00", ends_at="2026-12-08T12:00:00", recurrence="FREQ=WEEKLY;COUNT=3"
    )
    path = f"/v1/events/{series['event_id']}/occurrences/2026-12-15/cancel"
    assert (await events.post(path, headers=team | if_match(series))).status_code == 200
    draft = await create(events, team)

    reasons = {
        "not-yet-open": await register(events, early, person(1)),
        "closed": await register(events, late, person(1)),
        "started": await register(events, started, person(1)),
        "not-live": await register(events, called_off, person(1)),
        "occurrence": await register(events, series, person(1, occurrence_date="2026-12-15")),
    }
    assert {case: assert_problem(answer, 409)["reason"] for case, answer in reasons.items()} == {
        "not-yet-open": "not-yet-open",
        "closed": "closed",
        "started": "closed",
        "not-live": "not-live",
        "occurrence": "not-live",
    }
    assert_problem(await register(events, draft, person(1)), 404)
    assert_problem(await register(events, {"event_id": "00000000-0000-4000-8000-000000000000"}, person(1)), 404)
    assert await _rows(platform) == 0
    clock.advance(timedelta(days=3))  # now the window is open
    assert (await registered(events, early, person(1)))["status"] == "confirmed"


async def test_approval_flow_pending_until_approved_or_declined(
    events: httpx.AsyncClient, api_key: KeyMaker, platform: PlatformSettings
) -> None:
    """For an event that asks for approval every registration is pending (no event on the wire); approving gives a
    place while there is room, else the waiting list; declining ends it; only a pending one is decided (409)."""
    team = await conference_team(api_key)
    event = await published(events, team, capacity=1, requires_approval=True)
    ada, bob, cor = [await registered(events, event, person(number)) for number in (1, 2, 3)]
    assert [receipt["status"] for receipt in (ada, bob, cor)] == ["pending"] * 3
    assert await registration_events(platform) == []

    def step(receipt: dict[str, object], verb: str) -> str:
        return f"/v1/registrations/{receipt['registration_id']}/{verb}"

    approved = await events.post(step(ada, "approve"), headers=team)
    assert (approved.status_code, approved.json()["status"]) == (200, "confirmed"), approved.text
    waiting = (await events.post(step(bob, "approve"), headers=team)).json()
    assert (waiting["status"], waiting["position"]) == ("waitlisted", 1)
    assert (await events.post(step(cor, "decline"), headers=team)).json()["status"] == "declined"
    for receipt, verb in ((ada, "approve"), (cor, "approve"), (cor, "decline")):
        assert_problem(await events.post(step(receipt, verb), headers=team), 409)
    assert (await register(events, event, person(3))).json()["status"] == "declined"
    assert_problem(await events.post(cor["cancel_url"]), 409)

    assert (await events.post(ada["cancel_url"])).status_code == 200
    assert (await view(events, bob))["status"] == "confirmed"
    assert [kind for kind, _ in await registration_events(platform)] == [
        "confirmed",
        "waitlisted",
        "cancelled",
        "promoted",
    ]
    history = [entry["change"] for entry in (await view(events, bob))["history"]]
    assert history == ["registered", "approved", "promoted"]


async def test_a_series_occurrence_has_its_own_places_and_follows_its_move(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """Each occurrence has the event's capacity; a series needs `occurrence_date`, a date of the series; the
    registration shows the occurrence's start as it is now."""
    team = await conference_team(api_key)
    series = await published(
        events,
        team,
        starts_at="2026-12-08T09:30:00",
        ends_at="2026-12-08T12:00:00",
        recurrence="FREQ=WEEKLY;COUNT=3",
        capacity=1,
    )
    first = await registered(events, series, person(1, occurrence_date="2026-12-15"))
    second = await registered(events, series, person(2, occurrence_date="2026-12-15"))
    other = await registered(events, series, person(2, occurrence_date="2026-12-22"))
    assert [receipt["status"] for receipt in (first, second, other)] == ["confirmed", "waitlisted", "confirmed"]
    assert first["starts_at"] == "2026-12-15T08:30:00Z"
    move = f"/v1/events/{series['event_id']}/occurrences/2026-12-15"
    moved = await events.patch(move, json={"starts_at": "2026-12-16T13:00:00"}, headers=team | if_match(series))
    assert moved.status_code == 200, moved.text
    assert (await view(events, first))["starts_at"] == "2026-12-16T12:00:00Z"
    listed = await events.get(
        f"/v1/events/{series['event_id']}/registrations", params={"occurrence_date": "2026-12-15"}, headers=team
    )
    assert listed.json()["counts"] == {"confirmed": 1, "waitlisted": 1, "pending": 0, "capacity": 1}
    assert [(row["status"], row["position"]) for row in listed.json()["data"]] == [
        ("confirmed", None),
        ("waitlisted", 1),
    ]


@pytest.fixture
def quick_waiting_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """The waiting list's check every tenth of a second."""
    monkeypatch.setenv("LCN_EVENTS_WAITING_LIST_CHECK_SECONDS", "0.1")


@pytest.mark.usefixtures("quick_waiting_list")
async def test_a_raised_capacity_promotes_the_waiting_in_their_turn(
    events: httpx.AsyncClient, api_key: KeyMaker, platform: PlatformSettings
) -> None:
    """Places added by raising the capacity go to the first waiting (the periodic check), and a newcomer never
    overtakes those waiting."""
    team = await conference_team(api_key)
    event = await published(events, team, capacity=1)
    receipts = [await registered(events, event, person(number)) for number in range(4)]
    raised = await events.patch(f"/v1/events/{event['event_id']}", json={"capacity": 3}, headers=team | if_match(event))
    assert raised.status_code == 200, raised.text
    await wait_until(lambda: _promoted(platform, 2), timeout=10, what="two promotions")
    assert [(await view(events, receipt))["status"] for receipt in receipts] == [
        "confirmed",
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    assert (await registered(events, event, person(9)))["position"] == 2


async def _promoted(platform: PlatformSettings, count: int) -> bool:
    """`count` promotions were recorded."""
    return Counter(kind for kind, _ in await registration_events(platform))["promoted"] == count

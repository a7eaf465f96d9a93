"""Personal data kept no longer than needed (issue 10, item 3, AVG): a set time after the event ended, names,
addresses and organisations are gone and the counts stay."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
import pytest

from lcn_shared.clock import ManualClock
from lcn_shared.testing.fixtures import wait_until
from services.events.tests.builders import KeyMaker, conference_team
from services.events.tests.registrations.builders import person, published, registered, view

ENDED = datetime(2026, 12, 20, 16, 0, tzinfo=UTC)  # the December event's end (17:00 in Amsterdam)


@pytest.fixture(autouse=True)
def quick_anonymising(monkeypatch: pytest.MonkeyPatch) -> None:
    """The anonymising check every tenth of a second, ten days after the event."""
    monkeypatch.setenv("LCN_EVENTS_ANONYMISE_CHECK_SECONDS", "0.1")
    monkeypatch.setenv("LCN_EVENTS_ANONYMISE_AFTER_DAYS", "10")


async def _names(client: httpx.AsyncClient, event: dict[str, object], headers: dict[str, str]) -> list[object]:
    """The names on the event's list."""
    listed = await client.get(f"/v1/events/{event['event_id']}/registrations", headers=headers)
    return [row["name"] for row in listed.json()["data"]]


async def test_registrations_are_anonymised_the_set_time_after_the_event_and_counts_stay(
    events: httpx.AsyncClient, api_key: KeyMaker, clock: ManualClock
) -> None:
    """Nothing changes until the set time after the end has passed; then the event's registrations lose name,
    address and organisation (list, spreadsheet, the person's link), keep their status and counts, and say when;
    a later event's registrations stay as they are."""
    team = await conference_team(api_key)
    december, june = (
        await published(events, team, capacity=1),
        await published(events, team, starts_at="2027-06-10T09:30:00", ends_at="2027-06-10T17:00:00"),
    )
    ada, bob = await registered(events, december, person(1)), await registered(events, december, person(2))
    await registered(events, june, person(3))

    clock.set(ENDED.replace(day=30, hour=15))  # ten days after the end, less an hour
    await asyncio.sleep(0.5)  # several checks
    assert await _names(events, december, team) == ["Deelnemer 1", "Deelnemer 2"]
    clock.set(ENDED.replace(day=30, hour=17))
    await wait_until(lambda: _gone(events, december, team), timeout=10, what="the anonymisation")

    listed = (await events.get(f"/v1/events/{december['event_id']}/registrations", headers=team)).json()
    assert listed["counts"] == {"confirmed": 1, "waitlisted": 1, "pending": 0, "capacity": 1}
    assert [(row["email"], row["organisation"], row["status"]) for row in listed["data"]] == [
        (None, None, "confirmed"),
        (None, None, "waitlisted"),
    ]
    assert all(row["anonymised_at"] == "2026-12-30T17:00:00Z" for row in listed["data"])
    sheet = (await events.get(f"/v1/events/{december['event_id']}/registrations.csv", headers=team)).text
    assert "Deelnemer" not in sheet
    assert "example.org" not in sheet
    assert "Noorderpoort" not in sheet
    mine = await view(events, ada)
    assert (mine["name"], mine["email"], mine["status"]) == (None, None, "confirmed")
    assert mine["history"][-1]["change"] == "anonymised"
    assert (await view(events, bob))["name"] is None
    assert await _names(events, june, team) == ["Deelnemer 3"]


async def _gone(client: httpx.AsyncClient, event: dict[str, object], headers: dict[str, str]) -> bool:
    """Every name on the event's list is gone."""
    return all(name is None for name in await _names(client, event, headers))

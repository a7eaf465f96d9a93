"""Acceptance (issue 10, item 3, Capacity under concurrency): never oversold; the waiting list moves up first come,
first served; each change's event recorded once."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch
from services.events.tests.builders import KeyMaker, conference_team
from services.events.tests.registrations.builders import person, published, register, registration_events, view


async def test_acceptance_capacity_under_concurrency_fifty_registrations_for_ten_places(
    events: httpx.AsyncClient, api_key: KeyMaker, platform: PlatformSettings
) -> None:
    """50 people register at once for 10 places: exactly 10 confirmed and 40 waitlisted at places 1 to 40;
    cancelling a confirmed registration promotes the first waiting; confirmed x10, waitlisted x40, cancelled x1 and
    promoted x1 are recorded once each."""
    team = await conference_team(api_key)
    event = await published(events, team, capacity=10)

    answers = await asyncio.gather(*(register(events, event, person(number)) for number in range(50)))
    assert [answer.status_code for answer in answers] == [201] * 50, [a.text for a in answers if a.status_code != 201]
    receipts = [answer.json() for answer in answers]
    assert Counter(receipt["status"] for receipt in receipts) == {"confirmed": 10, "waitlisted": 40}
    waiting = sorted((r for r in receipts if r["status"] == "waitlisted"), key=lambda receipt: receipt["position"])
    assert [receipt["position"] for receipt in waiting] == list(range(1, 41))
    stored = await fetch(platform, "events", "SELECT status, count(*) AS n FROM registration GROUP BY status")
    assert {row["status"]: row["n"] for row in stored} == {"confirmed": 10, "waitlisted": 40}

    leaving = next(receipt for receipt in receipts if receipt["status"] == "confirmed")
    cancelled = await events.post(leaving["cancel_url"])
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    first, second = waiting[0], waiting[1]
    assert ((await view(events, first))["status"], (await view(events, first))["position"]) == ("confirmed", None)
    assert (await view(events, second))["position"] == 1
    stored = await fetch(platform, "events", "SELECT status, count(*) AS n FROM registration GROUP BY status")
    assert {row["status"]: row["n"] for row in stored} == {"confirmed": 10, "waitlisted": 39, "cancelled": 1}

    written = await registration_events(platform)
    assert Counter(kind for kind, _ in written) == {"confirmed": 10, "waitlisted": 40, "cancelled": 1, "promoted": 1}
    by_kind: dict[str, list[str]] = {}
    for kind, payload in written:
        by_kind.setdefault(kind, []).append(payload["registration_id"])
    assert sorted(by_kind["confirmed"]) == sorted(r["registration_id"] for r in receipts if r["status"] == "confirmed")
    assert sorted(by_kind["waitlisted"]) == sorted(receipt["registration_id"] for receipt in waiting)
    assert by_kind["cancelled"] == [leaving["registration_id"]]
    assert by_kind["promoted"] == [first["registration_id"]]
    payloads = {kind: payload for kind, payload in written if kind in ("cancelled", "promoted")}
    assert payloads["cancelled"]["counts"] == {"confirmed": 9, "waitlisted": 40, "capacity": 10}
    assert payloads["promoted"]["counts"] == {"confirmed": 10, "waitlisted": 39, "capacity": 10}
    assert sorted(payload["position"] for kind, payload in written if kind == "waitlisted") == list(range(1, 41))
    assert max(payload["counts"]["confirmed"] for _, payload in written) == 10

    # Cancelling again changes nothing and records nothing.
    again = await events.delete(leaving["view_url"])
    assert (again.status_code, again.json()["status"]) == (200, "cancelled")
    assert len(await registration_events(platform)) == len(written)

"""Bad input is a clear 4xx problem, never a 500, and changes nothing (issue 10, item 3)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch
from lcn_shared.testing.problems import assert_problem
from services.events.tests.builders import KeyMaker, conference_team
from services.events.tests.registrations.builders import person, published, register, registered

BAD_BODIES: dict[str, dict[str, Any]] = {
    "no name": {"name": None},
    "blank name": {"name": "   "},
    "a name over two lines": {"name": "Jan\nJansen"},
    "a name with a control character": {"name": "Jan\u0007"},
    "a very long name": {"name": "J" * 201},
    "no address": {"email": None},
    "not an address": {"email": "jan.jansen"},
    "no domain": {"email": "jan@localhost"},
    "two at signs": {"email": "jan@@example.org"},
    "a number for a name": {"name": 42},
    "unknown field": {"telefoon": "0612345678"},
    "occurrence of a single event": {"occurrence_date": "2026-12-20"},
    "a time for a date": {"occurrence_date": "2026-12-20T09:30:00"},
    "far future": {"occurrence_date": "9999-12-31"},
    "NUL in a name": {"name": "Jan\u0000"},
}


async def test_bad_registrations_are_4xx_problems_and_store_nothing(
    events: httpx.AsyncClient, api_key: KeyMaker, platform: PlatformSettings
) -> None:
    """Each bad body is a 422 naming the problem; a series without a date, or with a date it does not have, or
    too far ahead is a 422; malformed ids, tokens and cursors are 4xx; nothing was stored."""
    team = await conference_team(api_key)
    event = await published(events, team)
    for case, changes in BAD_BODIES.items():
        body = {name: value for name, value in (person(1) | changes).items() if value is not None}
        response = await register(events, event, body)
        assert response.status_code == 422, f"{case}: {response.text}"
        assert_problem(response)
    series = await published(
        events, team, starts_at="2026-12-08T09:30:00", ends_at="2026-12-08T12:00:00", recurrence="FREQ=WEEKLY"
    )
    for date in (None, "2026-12-09", "2030-12-10"):  # none, not in the series, too far ahead
        body = person(1) | ({"occurrence_date": date} if date else {})
        assert_problem(await register(events, series, body))
    for raw in (b"not json", b"[]", b'{"name": "Jan", "email": "jan@example.org"'):
        response = await events.post(
            f"/v1/events/{event['event_id']}/registrations", content=raw, headers={"Content-Type": "application/json"}
        )
        assert 400 <= response.status_code < 500, response.text
    assert_problem(await events.post("/v1/events/not-a-uuid/registrations", json=person(1)))
    assert await fetch(platform, "events", "SELECT * FROM registration") == []
    assert await fetch(platform, "events", "SELECT * FROM outbox_message WHERE topic = 'lcn.events.registration'") == []

    receipt = await registered(events, event, person(1))
    one = f"/v1/registrations/{receipt['registration_id']}"
    for token in ("short", "x" * 43 + "y", "A" * 42 + "!"):
        assert_problem(await events.get(one, params={"token": token}))
    assert_problem(await events.get("/v1/registrations/not-a-uuid", headers=team))
    assert_problem(await events.get(f"/v1/registrations/{uuid.uuid4()}", headers=team), 404)
    assert_problem(await events.post(f"/v1/registrations/{uuid.uuid4()}/cancel", params={"token": "A" * 43}), 404)
    listing = f"/v1/events/{event['event_id']}/registrations"
    assert_problem(await events.get(listing, params={"cursor": "bm9wZQ"}, headers=team), 400)
    assert_problem(await events.get(listing, params={"status": "attending"}, headers=team))
    assert_problem(await events.get(listing, params={"occurrence_date": "0001-01-01"}, headers=team))
    assert_problem(await events.get(listing, params={"limit": 0}, headers=team))
    assert_problem(await events.get(f"{listing}.csv", params={"separator": "tab"}, headers=team))

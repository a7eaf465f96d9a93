"""Builders for the registrations' and reminders' tests: a published event, people registering, the service on a
hand-set clock, what went to the outbox."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from lcn_shared.clock import ManualClock
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, run_service, service_config
from services.events.tests.builders import create, events_on, publish

REGISTRATION_EVENTS = (
    "SELECT event_type, payload FROM outbox_message WHERE topic = 'lcn.events.registration' ORDER BY seq"
)
# A small event in December, while the clock of the tests stands at 7 December 2026.
DECEMBER = {
    "title": "Netwerkbijeenkomst Noord",
    "kind": "network-meeting",
    "starts_at": "2026-12-20T09:30:00",
    "ends_at": "2026-12-20T17:00:00",
}


async def published(client: httpx.AsyncClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    """A published event (in December unless changed); its body."""
    return await publish(client, headers, await create(client, headers, **(DECEMBER | changes)))


def person(number: int, **changes: Any) -> dict[str, Any]:
    """A person's registration body."""
    body: dict[str, Any] = {
        "name": f"Deelnemer {number}",
        "email": f"deelnemer{number}@example.org",
        "organisation": "Noorderpoort",
    }
    return body | changes


async def register(client: httpx.AsyncClient, event: dict[str, Any], body: dict[str, Any]) -> httpx.Response:
    """POST a registration for the event (no credential)."""
    return await client.post(f"/v1/events/{event['event_id']}/registrations", json=body)


async def registered(client: httpx.AsyncClient, event: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Register (201 expected); the receipt."""
    response = await register(client, event, body)
    assert response.status_code == 201, response.text
    receipt: dict[str, Any] = response.json()
    return receipt


async def view(client: httpx.AsyncClient, receipt: dict[str, Any]) -> dict[str, Any]:
    """The registration through the person's own link (200 expected)."""
    response = await client.get(receipt["view_url"])
    assert response.status_code == 200, response.text
    shown: dict[str, Any] = response.json()
    return shown


async def registration_events(platform: PlatformSettings) -> list[tuple[str, dict[str, Any]]]:
    """The registration events written to the outbox, in order: (short type, payload)."""
    rows = await fetch(platform, "events", REGISTRATION_EVENTS)
    return [(row["event_type"].split(".")[-2], json.loads(row["payload"])) for row in rows]


@asynccontextmanager
async def running(platform: PlatformSettings, clock: ManualClock, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The events service on the clock (its relay off unless said), and a client; stopped when the block ends."""
    config = service_config(platform, "events", **({"relay_enabled": False} | settings))
    async with run_service(events_on(clock), config) as (_, client):
        yield client

"""The events service's demo data for `lcn dev`, written through its own API with the conference team's key.

Idempotent: a second load finds every event by its title (and publishes a draft left behind), and registering an
address again answers with the registration it has. Organisers from the registry's demo organisations are named
when the events directory knows them (it learns them from the registry's events); until it does, the conference
team organises those events too, and stays their organiser afterwards.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx

from lcn_events.demo.plan import EVENTS, EventSpec, attendees

FIRST = "2026-01-01"
LAST = "2027-12-31"
# How long the loader waits for the directory to learn the registry's demo organisations.
DIRECTORY_WAIT_SECONDS = 30.0
POLL_SECONDS = 0.5


class DemoLoadError(RuntimeError):
    """The events service refused a demo step; the message names the request and the answer."""


def _checked(response: httpx.Response, *accepted: int) -> dict[str, Any]:
    """The JSON body when the status is accepted; DemoLoadError otherwise."""
    if response.status_code not in accepted:
        request = response.request
        raise DemoLoadError(f"{request.method} {request.url}: {response.status_code} {response.text[:800]}")
    body: dict[str, Any] = response.json()
    return body


async def load(services: dict[str, str], credentials: dict[str, Any]) -> str:
    """Load the events demo; return a one-line summary."""
    headers = {"Authorization": f"Bearer {credentials['conference_team']}"}
    async with httpx.AsyncClient(base_url=services["events"], headers=headers, timeout=60) as client:
        existing = await _listed(client)
        organisers = Organisers(deadline=time.monotonic() + DIRECTORY_WAIT_SECONDS)
        for spec in EVENTS:
            found = existing.get(spec.title)
            if found is None:
                found = await _create(client, spec, organisers)
            if spec.published and found["status"] == "draft":
                await _publish(client, found["event_id"])
        events = await _listed(client)
        registered = Counter[str]()
        for spec in EVENTS:
            if spec.registrations:
                event_id = events[spec.title]["event_id"]
                for person in attendees(spec.registrations, event=spec.title):
                    answer = await client.post(f"/v1/events/{event_id}/registrations", json=person)
                    # 409: registration has closed (the demo loaded after the event began).
                    status = "closed" if answer.status_code == 409 else _checked(answer, 200, 201)["status"]
                    registered[status] += 1
        return await _summary(client, events, registered)


async def _listed(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    """Every event of 2026 and 2027 the conference team sees (drafts included), by title."""
    found: dict[str, dict[str, Any]] = {}
    cursor: str | None = None
    while True:
        params = {"from": FIRST, "to": LAST, "limit": "500"} | ({"cursor": cursor} if cursor else {})
        page = _checked(await client.get("/v1/events", params=params), 200)
        for occurrence in page["data"]:
            found.setdefault(occurrence["title"], occurrence)
        cursor = page["next_cursor"]
        if not cursor:
            return found


@dataclass
class Organisers:
    """Which demo organisations the directory knows, and until when the loader waits for the registry's events."""

    deadline: float
    unknown: set[UUID] = field(default_factory=set)

    def waiting(self) -> bool:
        """True while it is worth asking again."""
        return time.monotonic() < self.deadline


def _unknown_organiser(answer: httpx.Response) -> bool:
    """True for the 422 of an organiser the directory does not know (yet)."""
    return answer.status_code == 422 and "unknown organisation" in answer.text


async def _create(client: httpx.AsyncClient, spec: EventSpec, organisers: Organisers) -> dict[str, Any]:
    """Create the event as a draft (by its named organiser once the directory knows it, else the team's)."""
    organiser = spec.organiser if spec.organiser not in organisers.unknown else None
    while organiser is not None:
        body = spec.body | {"organiser": str(organiser)}
        answer = await client.post(
            "/v1/events", json=body, headers={"Idempotency-Key": f"demo:{spec.title}:{organiser}"}
        )
        if not _unknown_organiser(answer):
            return _checked(answer, 201)
        if not organisers.waiting():
            organisers.unknown.add(organiser)
            break
        await asyncio.sleep(POLL_SECONDS)
    answer = await client.post("/v1/events", json=spec.body, headers={"Idempotency-Key": f"demo:{spec.title}"})
    return _checked(answer, 201)


async def _publish(client: httpx.AsyncClient, event_id: str) -> None:
    """Publish a draft at the version it has now."""
    current = await client.get(f"/v1/events/{event_id}")
    _checked(current, 200)
    headers = {"If-Match": current.headers["etag"], "Idempotency-Key": f"demo:publish:{event_id}"}
    _checked(await client.post(f"/v1/events/{event_id}/publish", headers=headers), 200)


async def _summary(client: httpx.AsyncClient, events: dict[str, dict[str, Any]], registered: Counter[str]) -> str:
    """What the calendar holds now, in one line."""
    states = Counter(occurrence["status"] for occurrence in events.values())
    clashes = _checked(await client.get("/v1/clashes", params={"year": "2027"}), 200)["data"]
    by_team = sum(occurrence["organiser"] == "conference-team" for occurrence in events.values())
    series = sum(spec.body.get("recurrence") is not None for spec in EVENTS)
    decided = ", ".join(f"{count} {status}" for status, count in sorted(states.items()))
    people = ", ".join(f"{count} {status}" for status, count in sorted(registered.items()))
    return (
        f"{len(events)} events in 2026-2027 ({decided}; {series} yearly series; {by_team} organised by the conference "
        f"team), {len(clashes)} clash in 2027, registrations: {people}"
    )

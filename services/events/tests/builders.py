"""Builders for the events service's tests: the app on a hand-set clock, keys, names in the directory, bodies."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx
from fastapi import FastAPI

from lcn_events.directory import service as directory
from lcn_events.main import create_app
from lcn_shared.auth import Role
from lcn_shared.clock import ManualClock
from lcn_shared.contracts import CommunityRegistered, CommunityState
from lcn_shared.contracts.registry import CommunityEvent
from lcn_shared.db import SessionFactory, unit_of_work
from lcn_shared.envelope import from_kafka, to_kafka
from lcn_shared.settings import PlatformSettings, ServiceConfig
from lcn_shared.testing.fixtures import fetch

KeyMaker = Callable[..., Awaitable[str]]
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
REGISTERED_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def events_on(clock: ManualClock) -> Callable[[ServiceConfig], FastAPI]:
    """The events service's app factory with its clock set before the lifespan starts."""

    def factory(config: ServiceConfig) -> FastAPI:
        app = create_app(config)
        app.state.runtime.clock = clock
        return app

    return factory


async def conference_team(api_key: KeyMaker) -> dict[str, str]:
    """The headers of a conference-team key."""
    return {"Authorization": f"Bearer {await api_key(Role.CONFERENCE_TEAM, organisation_name='Conferenceteam')}"}


async def partner(api_key: KeyMaker, organisation_id: UUID, name: str = "Hanzehogeschool") -> dict[str, str]:
    """The headers of a partner key speaking for the organisation."""
    key = await api_key(Role.PARTNER, organisation_id=organisation_id, organisation_name=name)
    return {"Authorization": f"Bearer {key}"}


def registered(
    community_id: UUID | None = None,
    *,
    name: str = "Energy College",
    version: int = 1,
    members: list[tuple[UUID, str]] = (),  # type: ignore[assignment]
    at: datetime = REGISTERED_AT,
) -> CommunityRegistered:
    """A registry `registered` event carrying the community's state, its members (organisation id, name) leads."""
    member_rows = [
        {
            "organisation_id": member_id,
            "organisation_name": member_name,
            "organisation_type": "school-hbo",
            "role": "lead",
        }
        for member_id, member_name in members
    ]
    state = CommunityState.model_validate(
        {
            "version": version,
            "name": name,
            "kinds": ["civ"],
            "landsdeel": "noord",
            "status": "active",
            "members": member_rows,
            "registered_at": REGISTERED_AT,
            "updated_at": at,
        }
    )
    return CommunityRegistered.model_validate(
        {
            "community_id": community_id or uuid.uuid4(),
            "name": name,
            "kind": "civ",
            "landsdeel": "noord",
            "registered_at": REGISTERED_AT,
            "members": member_rows,
            "state": state,
        }
    )


def record_of(event: CommunityEvent) -> tuple[list[tuple[str, bytes]], bytes]:
    """The Kafka headers and value the registry's relay writes for `event` (binary-mode CloudEvent)."""
    return to_kafka(
        event_id=str(uuid.uuid4()),
        source=event.source,
        event_type=event.event_type,
        subject=event.aggregate_id(),
        time=NOW,
        data=event.model_dump(mode="json"),
    )


async def known(sessions: SessionFactory, *organisations: tuple[UUID, str]) -> UUID:
    """A community the directory knows, with these organisations as members; its id."""
    event = registered(members=list(organisations))
    async with unit_of_work(sessions) as session:
        await directory.project_all(session, [(event, from_kafka(*record_of(event)))])
    return event.community_id


def event_body(**changes: Any) -> dict[str, Any]:
    """A valid single event (a conference in Noord on 10 June 2027, 09:30-17:00 in Amsterdam), with changes."""
    body: dict[str, Any] = {
        "title": "Techniekpactdag 2027",
        "kind": "conference",
        "description": "De jaarlijkse dag van het Techniekpact.",
        "starts_at": "2027-06-10T09:30:00",
        "ends_at": "2027-06-10T17:00:00",
        "venue": {"address": "Leonard Springerlaan 2", "postal_code": "9727 KB", "city": "Groningen"},
        "landsdelen": ["noord"],
        "topsectors": ["energie"],
    }
    return body | changes


async def create(client: httpx.AsyncClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    """Create an event (201 expected); its body."""
    response = await client.post("/v1/events", json=event_body(**changes), headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def published(client: httpx.AsyncClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    """Create an event and publish it; its body."""
    return await publish(client, headers, await create(client, headers, **changes))


async def publish(client: httpx.AsyncClient, headers: dict[str, str], event: dict[str, Any]) -> dict[str, Any]:
    """Publish an event at the version given (200 expected); its body."""
    response = await client.post(f"/v1/events/{event['event_id']}/publish", headers=headers | if_match(event))
    assert response.status_code == 200, response.text
    published: dict[str, Any] = response.json()
    return published


def if_match(event: dict[str, Any]) -> dict[str, str]:
    """The If-Match header naming the version of an event as read."""
    return {"If-Match": f'"{event["version"]}"'}


async def occurrences(client: httpx.AsyncClient, headers: dict[str, str] | None = None, **params: Any) -> list[Any]:
    """The list view's occurrences (one page, 200 expected)."""
    params = {name.removesuffix("_"): value for name, value in params.items()}
    response = await client.get("/v1/events", params=params, headers=headers or {})
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


async def outbox(platform: PlatformSettings) -> list[tuple[str, dict[str, Any]]]:
    """The events written to the outbox, in order: (type, payload)."""
    rows = await fetch(platform, "events", "SELECT event_type, payload FROM outbox_message ORDER BY seq")
    return [(row["event_type"], json.loads(row["payload"])) for row in rows]

"""Builders for the registry's write-path tests: request bodies, callers, the running app, and rows to assert on."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
import httpx

from lcn_registry.main import create_app
from lcn_shared.auth import Role
from lcn_shared.auth.keys import issue_key
from lcn_shared.settings import PlatformSettings, asyncpg_dsn
from lcn_shared.testing.fixtures import fetch, run_service, service_config, wait_until
from lcn_shared.testing.problems import assert_problem as assert_problem

PROBLEM_JSON = "application/problem+json"
IssueKey = Callable[..., Awaitable[str]]
ENERGY_COLLEGE: dict[str, Any] = {
    "name": "Energy College Emmen",
    "kinds": ["civ"],
    "province": "drenthe",
    "topsectors": ["energie", "htsm"],
}


@dataclass(frozen=True)
class Caller:
    """A credential and, for a partner, the organisation it speaks for."""

    key: str
    organisation_id: UUID | None = None
    organisation_name: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header of this caller."""
        return {"Authorization": f"Bearer {self.key}"}

    @property
    def actor(self) -> str:
        """How history records this caller (partners by organisation name)."""
        assert self.organisation_name is not None, "only partners are named in these tests"
        return f"partner:{self.organisation_name}"


def create_community_body(**changes: Any) -> dict[str, Any]:
    """A valid registration body, with changes (a value of None drops the field)."""
    body = {**ENERGY_COLLEGE, **changes}
    return {name: value for name, value in body.items() if value is not None}


async def create_partner(api_key: IssueKey, name: str = "Hanzehogeschool Groningen") -> Caller:
    """A partner key for a new organisation."""
    organisation_id = uuid.uuid4()
    key = await api_key(Role.PARTNER, organisation_id=organisation_id, organisation_name=name)
    return Caller(key, organisation_id, name)


async def create_coordinator(api_key: IssueKey) -> Caller:
    """A coordinator key."""
    return Caller(await api_key(Role.COORDINATOR))


async def create_feed_caller(platform: PlatformSettings, feed_source: str = "katapult") -> Caller:
    """A feed's key (the `api_key` fixture issues no feed keys)."""
    return Caller(await issue_key(platform, role=Role.FEED, feed_source=feed_source))


@asynccontextmanager
async def running_registry(platform: PlatformSettings) -> AsyncIterator[httpx.AsyncClient]:
    """The registry running on the test's databases and topics, and a client for it; without its duplicate-review
    consumer, which no test here needs and whose group join costs seconds per test."""
    async with run_service(create_app, service_config(platform, "registry", consumers_enabled=False)) as (_, client):
        yield client


async def create_community(client: httpx.AsyncClient, caller: Caller, **changes: Any) -> dict[str, Any]:
    """Register a community and return it as the API shows it."""
    response = await client.post("/v1/communities", json=create_community_body(**changes), headers=caller.headers)
    assert response.status_code == 201, response.text
    community: dict[str, Any] = response.json()
    return community


async def patch_community(
    client: httpx.AsyncClient, caller: Caller, community_id: str, patch: Any, *, if_match: str | None = '"1"'
) -> httpx.Response:
    """PATCH a community with a merge patch and (by default) the first version's ETag."""
    headers = caller.headers | ({"If-Match": if_match} if if_match is not None else {})
    return await client.patch(f"/v1/communities/{community_id}", json=patch, headers=headers)


async def change_status(
    client: httpx.AsyncClient, caller: Caller, community_id: str, body: dict[str, Any], *, if_match: str = "*"
) -> httpx.Response:
    """POST a status change."""
    return await client.post(
        f"/v1/communities/{community_id}/status", json=body, headers=caller.headers | {"If-Match": if_match}
    )


async def put_membership(
    client: httpx.AsyncClient,
    caller: Caller,
    community_id: str,
    organisation_id: UUID,
    *,
    if_match: str | None = "*",
    **body: Any,
) -> httpx.Response:
    """PUT an organisation's membership of a community (by default with `If-Match: *`)."""
    return await client.put(
        f"/v1/communities/{community_id}/organisations/{organisation_id}",
        json={"role": "partner", **body},
        headers=caller.headers | ({"If-Match": if_match} if if_match is not None else {}),
    )


async def delete_membership(
    client: httpx.AsyncClient, caller: Caller, community_id: str, organisation_id: UUID, *, if_match: str | None = "*"
) -> httpx.Response:
    """DELETE an organisation's membership of a community (by default with `If-Match: *`)."""
    return await client.delete(
        f"/v1/communities/{community_id}/organisations/{organisation_id}",
        headers=caller.headers | ({"If-Match": if_match} if if_match is not None else {}),
    )


async def hand_over_lead(
    client: httpx.AsyncClient, caller: Caller, community_id: str, organisation_id: UUID, *, if_match: str | None = "*"
) -> httpx.Response:
    """POST a lead handover to the organisation (by default with `If-Match: *`)."""
    return await client.post(
        f"/v1/communities/{community_id}/lead",
        json={"organisation_id": str(organisation_id)},
        headers=caller.headers | ({"If-Match": if_match} if if_match is not None else {}),
    )


async def put_organisation(
    client: httpx.AsyncClient, coordinator: Caller, organisation_id: UUID, name: str, type_: str = "school-mbo"
) -> httpx.Response:
    """Register an organisation under a known id (a partner key's organisation), as a coordinator does."""
    return await client.put(
        f"/v1/organisations/{organisation_id}", json={"name": name, "type": type_}, headers=coordinator.headers
    )


async def count_rows(platform: PlatformSettings, table: str, where: str = "true", *args: Any) -> int:
    """How many rows of a registry table match."""
    rows = await fetch(platform, "registry", f"SELECT count(*) AS n FROM {table} WHERE {where}", *args)
    return int(rows[0]["n"])


async def outbox_events(platform: PlatformSettings, event: str | None = None) -> list[dict[str, Any]]:
    """Staged events in outbox order, each as {event_type, message_key, payload}; `event` filters by type."""
    rows = await fetch(platform, "registry", "SELECT event_type, message_key, payload FROM outbox_message ORDER BY seq")
    found = [
        {"event_type": row["event_type"], "message_key": row["message_key"], "payload": json.loads(row["payload"])}
        for row in rows
    ]
    return [row for row in found if event is None or row["event_type"] == f"nl.lcn.registry.community.{event}.v1"]


async def community_state(platform: PlatformSettings, community_id: str) -> dict[str, Any]:
    """Everything a refused write must leave alone: the row, its history and the outbox."""
    row = await fetch(platform, "registry", "SELECT * FROM community WHERE community_id = $1", UUID(community_id))
    history = await fetch(
        platform, "registry", "SELECT * FROM community_change WHERE community_id = $1", UUID(community_id)
    )
    memberships = await fetch(
        platform, "registry", "SELECT * FROM membership WHERE community_id = $1", UUID(community_id)
    )
    return {
        "row": [dict(found) for found in row],
        "history": [dict(found) for found in history],
        "memberships": [dict(found) for found in memberships],
        "outbox": await outbox_events(platform),
    }


@asynccontextmanager
async def held_lock(platform: PlatformSettings, sql: str, *args: object) -> AsyncIterator[asyncpg.Connection]:
    """A transaction that holds the locks `sql` takes until the block ends, so requests queue behind it."""
    conn = await asyncpg.connect(asyncpg_dsn(platform.database_url_for("registry")))
    try:
        async with conn.transaction():
            await conn.execute(sql, *args)
            yield conn
    finally:
        await conn.close()


async def lock_waiters(platform: PlatformSettings, count: int) -> None:
    """Wait until `count` sessions of the registry database are blocked on a lock."""

    async def blocked() -> bool:
        rows = await fetch(
            platform,
            "registry",
            "SELECT count(*) AS n FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        return int(rows[0]["n"]) >= count

    await wait_until(blocked, timeout=10, what=f"{count} requests waiting on a lock")

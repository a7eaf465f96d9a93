"""Builders for the search, overview and export tests: the running registry and rows inserted directly."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from fastapi import FastAPI

from lcn_registry.main import REGISTRY
from lcn_registry.overview.router import router as overview_router
from lcn_registry.search.router import router as search_router
from lcn_registry.vocabularies.router import router as vocabularies_router
from lcn_shared.app import create_service_app
from lcn_shared.settings import PlatformSettings, ServiceConfig, asyncpg_dsn
from lcn_shared.testing.fixtures import fetch, run_service, service_config

PROBLEM_JSON = "application/problem+json"
READ_ROUTERS = (search_router, overview_router, vocabularies_router)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def create_registry_app(config: ServiceConfig | None = None) -> FastAPI:
    """The registry with the read routers, whether or not main.py registers them yet."""
    missing = [router for router in READ_ROUTERS if router not in REGISTRY.routers]
    return create_service_app(dataclasses.replace(REGISTRY, routers=[*REGISTRY.routers, *missing]), config)


@asynccontextmanager
async def running_registry(platform: PlatformSettings) -> AsyncIterator[httpx.AsyncClient]:
    """A running registry on the test's databases (ready: it reads PostgreSQL, the relay is off)."""
    config = service_config(platform, "registry", relay_enabled=False, consumers_enabled=False)
    async with run_service(create_registry_app, config, wait_ready=False) as (_, client):
        yield client


async def create_community(platform: PlatformSettings, **overrides: Any) -> UUID:
    """Insert one community row (the primary top sector defaults to the first); returns its id."""
    (community_id,) = await create_communities(platform, [overrides])
    return community_id


async def create_communities(platform: PlatformSettings, rows: list[dict[str, Any]]) -> list[UUID]:
    """Insert community rows over one connection: defaults plus each row's overrides."""
    connection = await asyncpg.connect(asyncpg_dsn(platform.database_url_for("registry")))
    try:
        return [await _insert_community(connection, overrides) for overrides in rows]
    finally:
        await connection.close()


async def _insert_community(connection: asyncpg.Connection, overrides: dict[str, Any]) -> UUID:
    """INSERT one community."""
    row: dict[str, Any] = {
        "community_id": uuid.uuid4(),
        "name": "Lerende gemeenschap",
        "kinds": ["learning-community"],
        "landsdeel": "noord",
        "topsectors": [],
        "status": "active",
        "provenance": "{}",
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
        **overrides,
    }
    row.setdefault("primary_topsector", row["topsectors"][0] if row["topsectors"] else None)
    columns = ", ".join(row)
    placeholders = ", ".join(f"${index}" for index in range(1, len(row) + 1))
    await connection.execute(f"INSERT INTO community ({columns}) VALUES ({placeholders})", *row.values())
    return UUID(str(row["community_id"]))


async def add_member(platform: PlatformSettings, community_id: UUID, organisation_id: UUID) -> None:
    """Make an organisation (created when new) a partner of a community."""
    await fetch(
        platform,
        "registry",
        "INSERT INTO organisation (organisation_id, name, name_key, type, created_at, updated_at) "
        "VALUES ($1, $2, $2, 'company-mkb', $3, $3) ON CONFLICT DO NOTHING",
        organisation_id,
        f"partner {organisation_id}",
        NOW,
    )
    await fetch(
        platform,
        "registry",
        "INSERT INTO membership (community_id, organisation_id, role, origin, created_at) "
        "VALUES ($1, $2, 'partner', 'test', $3)",
        community_id,
        organisation_id,
        NOW,
    )


async def add_source_record(
    platform: PlatformSettings, community_id: UUID, feed_source: str, *, state: str = "active"
) -> None:
    """Link a feed's record to a community, active or withdrawn."""
    await fetch(
        platform,
        "registry",
        "INSERT INTO source_record (feed_source, external_id, community_id, raw, record, content_hash, state, match, "
        "first_seen_at, last_seen_at, last_job_id) VALUES ($1, $2, $3, '{}', '{}', '', $4, '{}', $5, $5, $6)",
        feed_source,
        str(uuid.uuid4()),
        community_id,
        state,
        NOW,
        uuid.uuid4(),
    )


def names(response: httpx.Response) -> list[str]:
    """The names on a page of search results, in order."""
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["data"]]

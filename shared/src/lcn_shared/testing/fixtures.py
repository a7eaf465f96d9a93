"""Pytest fixtures (loaded as a plugin): infrastructure per session, fresh databases and topics per test."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import MetaData, Table

from lcn_shared.auth.keys import Role, issue_key
from lcn_shared.db import SessionFactory, create_engine, create_session_factory
from lcn_shared.migrations import ensure_database, migrate
from lcn_shared.plugins import service_names
from lcn_shared.settings import IDENTITY, PlatformSettings, ServiceConfig, ServiceSettings, asyncpg_dsn
from lcn_shared.testing.infra import Infrastructure, session_infrastructure

# One template set per pytest-xdist worker: workers sharing an external server must not migrate the same database.
TEMPLATE_PREFIX = f"lcn_tpl_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_"


def owners() -> tuple[str, ...]:
    """Every database a test gets: the identity store's and each registered service's."""
    return (IDENTITY, *service_names())


# Fast retries and polls keep the fault tests short; the logic is the production logic.
TEST_SERVICE_SETTINGS: dict[str, Any] = {
    "relay_poll_seconds": 0.2,
    "relay_backoff_base_seconds": 0.1,
    "relay_backoff_max_seconds": 1.0,
    "relay_standby_seconds": 0.2,
    "relay_request_timeout_seconds": 3.0,
    "consumer_max_retries": 2,
    "consumer_retry_base_seconds": 0.05,
    "consumer_retry_max_seconds": 0.2,
    "consumer_transient_backoff_max_seconds": 1.0,
    "metrics_interval_seconds": 0.5,
}


@pytest.fixture(scope="session")
def infrastructure() -> Iterator[Infrastructure]:
    """PostgreSQL and Kafka for the whole session, with every database migrated once as a template."""
    with session_infrastructure() as infra:
        template = PlatformSettings(
            DATABASE_URL=infra.database_url,
            KAFKA_BOOTSTRAP_SERVERS=infra.kafka_bootstrap_servers,
            LCN_DATABASE_PREFIX=TEMPLATE_PREFIX,
        )
        for owner in owners():
            migrate(owner, template)
        yield infra


@pytest.fixture
async def platform(infrastructure: Infrastructure) -> AsyncIterator[PlatformSettings]:
    """Platform settings of one test: its own databases (cloned from the templates) and topic prefix."""
    tag = uuid.uuid4().hex[:10]
    settings = PlatformSettings(
        DATABASE_URL=infrastructure.database_url,
        KAFKA_BOOTSTRAP_SERVERS=infrastructure.kafka_bootstrap_servers,
        LCN_DATABASE_PREFIX=f"t{tag}_",
        LCN_TOPIC_PREFIX=f"t{tag}.",
        LCN_KAFKA_PARTITIONS=2,
    )
    conn = await asyncpg.connect(asyncpg_dsn(settings.server_url()))
    try:
        # FILE_COPY copies the template's few files; the default (WAL_LOG) writes every page through the WAL,
        # which made the clones a fifth of the suite's time.
        strategy = " STRATEGY FILE_COPY" if conn.get_server_version() >= (15, 0) else ""
        for owner in owners():
            await conn.execute(
                f'CREATE DATABASE "{settings.database_name(owner)}" TEMPLATE "{TEMPLATE_PREFIX + owner}"{strategy}'
            )
        yield settings
    finally:
        for owner in owners():
            await conn.execute(f'DROP DATABASE IF EXISTS "{settings.database_name(owner)}" WITH (FORCE)')
        await conn.close()


@asynccontextmanager
async def sessions_on_tables(
    platform: PlatformSettings, tables: list[Table], *, pool_size: int = 2
) -> AsyncIterator[SessionFactory]:
    """Sessions on a scratch database of this test holding only `tables` (a kit test's own small schema)."""
    name = platform.database_name("kit")
    await ensure_database(platform, name)
    engine = create_engine(platform.server_url().set(database=name), pool_size=pool_size)
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: MetaData().create_all(sync, tables=tables))
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()
        admin = await asyncpg.connect(asyncpg_dsn(platform.server_url()))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def service_config(platform: PlatformSettings, name: str, **overrides: Any) -> ServiceConfig:
    """A service's configuration for tests: the test's platform plus fast retries."""
    return ServiceConfig(
        name=name, platform=platform, service=ServiceSettings(**{**TEST_SERVICE_SETTINGS, **overrides})
    )


@asynccontextmanager
async def run_service(
    factory: Callable[[ServiceConfig], FastAPI], config: ServiceConfig, *, wait_ready: bool = True
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """Run an app's lifespan in-process and give an HTTP client for it (optionally once ready)."""
    app = factory(config)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{config.name}") as client:
            if wait_ready:
                await wait_until(lambda: _is_ready(client), timeout=30, what=f"{config.name} ready")
            yield app, client


async def _is_ready(client: httpx.AsyncClient) -> bool:
    """True when the readiness probe answers 200."""
    return (await client.get("/health/ready")).status_code == 200


async def wait_until(check: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.05) -> Any:
    """Poll an (async) check until it returns something truthy; fail the test after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if loop.time() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(interval)


@pytest.fixture
def api_key(platform: PlatformSettings) -> Callable[..., Awaitable[str]]:
    """Issue a key in the test's identity database: `await api_key(Role.PARTNER, organisation_id=...)`."""

    async def issue(
        role: Role,
        organisation_id: UUID | None = None,
        organisation_name: str | None = None,
        feed_source: str | None = None,
    ) -> str:
        return await issue_key(
            platform,
            role=role,
            organisation_id=organisation_id,
            organisation_name=organisation_name,
            feed_source=feed_source,
        )

    return issue


async def fetch(platform: PlatformSettings, owner: str, query: str, *args: Any) -> list[asyncpg.Record]:
    """Run a query in `owner`'s test database (for assertions on rows)."""
    conn = await asyncpg.connect(asyncpg_dsn(platform.database_url_for(owner)))
    try:
        return list(await conn.fetch(query, *args))
    finally:
        await conn.close()


async def execute(platform: PlatformSettings, owner: str, sql: str) -> None:
    """Run SQL statements in `owner`'s test database (to stage a fault, say)."""
    conn = await asyncpg.connect(asyncpg_dsn(platform.database_url_for(owner)))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()

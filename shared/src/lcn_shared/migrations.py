"""Alembic for every database: create it when missing, then upgrade to head.

Each service keeps its own Alembic tree in its folder (named by its `ServicePlugin`); the identity
store's tree lives in the kit. Every env.py calls `run_env` with its own metadata, and every
service's first revision calls `create_messaging_tables`, which builds the outbox and inbox from
their one definition in `lcn_shared.messaging.tables`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncpg
import sqlalchemy as sa
from alembic import command, context, op
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import CreateIndex, CreateTable

from lcn_shared.messaging.tables import OUTBOX_CHANNEL
from lcn_shared.plugins import find_service
from lcn_shared.settings import IDENTITY, PlatformSettings, asyncpg_dsn
from lcn_shared.tables import idempotency_tables, messaging_tables


def script_location(owner: str) -> Path:
    """The Alembic tree of a registered service (its `migrations` folder) or of the identity store."""
    if owner == IDENTITY:
        return Path(__file__).parent / "auth" / "migrations"
    return find_service(owner).migrations


def target_metadata(owner: str) -> sa.MetaData:
    """Every table `owner`'s migrations create, as its models define them (the kit's tables included)."""
    if owner == IDENTITY:
        from lcn_shared.auth.keys import ApiKey  # the identity store's tables; imported only when asked for

        return ApiKey.metadata
    return find_service(owner).load_metadata()


def alembic_config(owner: str, url: URL) -> Config:
    """An Alembic config for `owner`'s database, with date-prefixed revision files."""
    config = Config()
    config.set_main_option("script_location", str(script_location(owner)))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["database_url"] = url
    return config


async def ensure_database(platform: PlatformSettings, name: str) -> bool:
    """Create database `name` on the server when it does not exist; True when it was created."""
    conn = await asyncpg.connect(asyncpg_dsn(platform.server_url()))
    try:
        if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return False
        await conn.execute(f'CREATE DATABASE "{name}"')
        return True
    finally:
        await conn.close()


def migrate(owner: str, platform: PlatformSettings) -> None:
    """Create `owner`'s database if needed and upgrade it to the newest revision (blocking)."""
    asyncio.run(ensure_database(platform, platform.database_name(owner)))
    command.upgrade(alembic_config(owner, platform.database_url_for(owner)), "head")


async def schema_drift(owner: str, platform: PlatformSettings) -> list[Any]:
    """What autogenerate would change in `owner`'s migrated database to match its models ([] when they agree)."""

    def compare(connection: sa.Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(context, target_metadata(owner)))

    engine = create_async_engine(platform.database_url_for(owner), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(compare)
    finally:
        await engine.dispose()


def run_env(target_metadata: sa.MetaData) -> None:
    """The body of every env.py: run the migrations online over asyncpg, against this database's tables only."""
    url = context.config.attributes["database_url"]

    def run(connection: sa.Connection) -> None:
        # Only the owner's metadata (kit tables copied in): autogenerate never sees another database's tables.
        # Passed as a list so Alembic's ops do not apply its naming convention to the names the existing
        # revisions spell out in full (a `ck_` name would be prefixed twice).
        context.configure(connection=connection, target_metadata=[target_metadata], compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = create_async_engine(url, poolclass=NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(run)
        await engine.dispose()

    asyncio.run(main())


def _create(table: sa.Table) -> None:
    """CREATE TABLE and its indexes, from the table's one definition."""
    op.execute(CreateTable(table))
    for index in sorted(table.indexes, key=lambda index: str(index.name)):
        op.execute(CreateIndex(index))


def create_messaging_tables() -> None:
    """Create the outbox (with its NOTIFY trigger) and the inbox; for a service's first revision."""
    outbox, inbox = messaging_tables()
    _create(outbox)
    # One NOTIFY per inserting statement, delivered at commit: the relay wakes only for committed rows.
    op.execute(f"""
        CREATE FUNCTION lcn_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{OUTBOX_CHANNEL}', ''); RETURN NULL; END $$
    """)
    op.execute("""
        CREATE TRIGGER outbox_message_notify AFTER INSERT ON outbox_message
        FOR EACH STATEMENT EXECUTE FUNCTION lcn_outbox_notify()
    """)
    _create(inbox)


def create_idempotency_table() -> None:
    """Create the table of answers given under `Idempotency-Key` (for services that accept it)."""
    for table in idempotency_tables():
        _create(table)


def drop_messaging_tables() -> None:
    """Undo `create_messaging_tables`."""
    op.drop_table("inbox_message")
    op.drop_table("outbox_message")
    op.execute("DROP FUNCTION lcn_outbox_notify()")

"""Alembic for every database: create it when missing, then upgrade to head.

Each service keeps its own Alembic tree in `services/<service>/migrations/`; the identity store's
tree lives in the kit. Every env.py calls `run_env`, and every service's first revision calls
`create_messaging_tables` so the outbox and inbox are the same everywhere.
"""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path

import asyncpg
import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from lcn_shared.messaging.tables import OUTBOX_CHANNEL
from lcn_shared.settings import IDENTITY, PlatformSettings, asyncpg_dsn


def script_location(owner: str) -> Path:
    """The Alembic tree of a service (`services/<service>/migrations`) or of the identity store."""
    if owner == IDENTITY:
        return Path(__file__).parent / "auth" / "migrations"
    spec = importlib.util.find_spec(f"lcn_{owner}")
    if spec is None or not spec.submodule_search_locations:
        raise LookupError(f"no installed service package lcn_{owner}")
    return Path(next(iter(spec.submodule_search_locations))).parents[1] / "migrations"


def alembic_config(owner: str, url: URL) -> Config:
    """An Alembic config for `owner`'s database, with date-prefixed revision files."""
    config = Config()
    config.set_main_option("script_location", str(script_location(owner)))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["database_url"] = url
    return config


async def ensure_database(platform: PlatformSettings, name: str, *, template: str | None = None) -> bool:
    """Create database `name` on the server when it does not exist; True when it was created."""
    conn = await asyncpg.connect(asyncpg_dsn(platform.server_url()))
    try:
        if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return False
        clause = f' TEMPLATE "{template}"' if template else ""
        await conn.execute(f'CREATE DATABASE "{name}"{clause}')
        return True
    finally:
        await conn.close()


def migrate(owner: str, platform: PlatformSettings) -> None:
    """Create `owner`'s database if needed and upgrade it to the newest revision (blocking)."""
    asyncio.run(ensure_database(platform, platform.database_name(owner)))
    command.upgrade(alembic_config(owner, platform.database_url_for(owner)), "head")


def run_env(target_metadata: sa.MetaData | None = None) -> None:
    """The body of every env.py: run the migrations online over asyncpg."""
    url = context.config.attributes["database_url"]

    def run(connection: sa.Connection) -> None:
        # The kit's outbox and inbox live in SQLModel's shared metadata, beside the service's own.
        metadata = [target_metadata, SQLModel.metadata] if target_metadata is not None else None
        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = create_async_engine(url, poolclass=NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(run)
        await engine.dispose()

    asyncio.run(main())


def create_messaging_tables() -> None:
    """Create the outbox (with its NOTIFY trigger) and the inbox; for a service's first revision."""
    op.create_table(
        "outbox_message",
        sa.Column("event_id", sa.Uuid(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("message_key", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("trace_context", postgresql.JSONB(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("event_id", name="pk_outbox_message"),
        sa.UniqueConstraint("seq", name="uq_outbox_message_seq"),
    )
    op.create_index("ix_outbox_message_pending", "outbox_message", ["seq"], postgresql_where=sa.text("sent_at IS NULL"))
    op.create_index(
        "ix_outbox_message_pending_key",
        "outbox_message",
        ["topic", "message_key", "seq"],
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_index(
        "ix_outbox_message_sent_at", "outbox_message", ["sent_at"], postgresql_where=sa.text("sent_at IS NOT NULL")
    )
    # One NOTIFY per inserting statement, delivered at commit: the relay wakes only for committed rows.
    op.execute(f"""
        CREATE FUNCTION lcn_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{OUTBOX_CHANNEL}', ''); RETURN NULL; END $$
    """)
    op.execute("""
        CREATE TRIGGER outbox_message_notify AFTER INSERT ON outbox_message
        FOR EACH STATEMENT EXECUTE FUNCTION lcn_outbox_notify()
    """)
    op.create_table(
        "inbox_message",
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox_message"),
    )
    op.create_index("ix_inbox_message_received_at", "inbox_message", ["received_at"])


def drop_messaging_tables() -> None:
    """Undo `create_messaging_tables`."""
    op.drop_table("inbox_message")
    op.drop_table("outbox_message")
    op.execute("DROP FUNCTION lcn_outbox_notify()")

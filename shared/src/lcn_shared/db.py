"""Async SQLModel/asyncpg engine, the session factory and the unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import pydantic_core
from fastapi import Depends, Request
from sqlalchemy import MetaData, Table
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import registry
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

# Named constraints keep Alembic migrations reproducible across databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def table_registry() -> registry:
    """A mapper registry with its own metadata: each service's tables stay apart from the others'."""
    return registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def core_table(model: type[SQLModel]) -> Table:
    """The table behind a model: an insert into it runs as plain Core, skipping the ORM's bulk machinery
    (about a millisecond of CPU per statement on the write path) when nothing is read back."""
    return model.__table__  # type: ignore[attr-defined, no-any-return]


SessionFactory = async_sessionmaker[AsyncSession]


def create_engine(url: URL, *, pool_size: int = 10, application_name: str = "lcn") -> AsyncEngine:
    """Create the async engine (asyncpg) for one database."""
    return create_async_engine(
        url,
        pool_size=pool_size,
        # No overflow: connections opened past the pool are closed on return, and the churn costs
        # PostgreSQL more than waiting briefly for a pooled one.
        max_overflow=0,
        # Recycle instead of pinging on every checkout (a ping is three round trips per request);
        # a connection broken meanwhile fails its request once and is discarded by the pool.
        pool_recycle=1800,
        connect_args={"server_settings": {"application_name": application_name}},
        # pydantic-core's JSON in Rust, not the standard library's: JSON(B) columns (event payloads,
        # provenance, raw feed records) were a tenth of a feed import's CPU in `json.dumps` alone.
        json_serializer=_json_text,
        json_deserializer=pydantic_core.from_json,
    )


def _json_text(value: Any) -> str:
    """A JSON column's value as text."""
    return pydantic_core.to_json(value).decode()


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def unit_of_work(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One transaction: commit when the block succeeds, roll back when it raises. The events recorded on
    the session (`lcn_shared.messaging.outbox.record_event`) go to the outbox just before the commit."""
    # Imported here: the outbox's tables may import this module.
    from lcn_shared.messaging.outbox import forget_events, write_recorded_events

    async with factory() as session:
        try:
            yield session
            await write_recorded_events(session)
            await session.commit()
        except BaseException:
            forget_events(session)
            await session.rollback()
            raise


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: the request's unit of work (services flush, this commits)."""
    async with unit_of_work(request.app.state.runtime.sessions()) as session:
        yield session


# scope="function" commits before the response is sent, so a failed commit is never reported as 2xx.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]

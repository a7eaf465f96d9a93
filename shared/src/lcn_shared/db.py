"""Async SQLModel/asyncpg engine, the session factory and the unit of work."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable, Mapping, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from operator import itemgetter
from typing import Annotated, Any

import pydantic_core
from fastapi import Depends, Request
from sqlalchemy import ARRAY, JSON, MetaData, Table
from sqlalchemy.engine import URL, CursorResult, Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import registry
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
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


class JSONText(str):
    """A value already serialised as JSON (an event's payload from pydantic): written to a JSON column as is."""


async def insert_rows(
    into: AsyncSession | WriteBehind, table: Table, rows: Sequence[Mapping[str, Any]], *, skip_conflicts: bool = False
) -> None:
    """Insert many rows (all with the same keys) in one statement, inside the session's transaction (or
    behind a `WriteBehind`'s earlier inserts); with `skip_conflicts`, rows that collide with existing ones
    are left out.

    The values go to asyncpg as they are (JSON as text), past SQLAlchemy's per-value bind processing, which
    was two fifths of the registry's CPU in a 10,000-record feed import. A table of scalar columns gets one
    `INSERT .. SELECT FROM unnest(one array per column)`, which also spares PostgreSQL a statement per row;
    array columns cannot be unnested row by row, so such a table gets a prepared INSERT per row instead.
    """
    if isinstance(into, WriteBehind):
        await into.start(table, rows, skip_conflicts=skip_conflicts)
        return
    if not rows:
        return
    session = into
    columns = list(rows[0])
    # itemgetter and zip transpose rows into columns in C: half a million values in a large feed batch.
    transposed = (
        zip(*map(itemgetter(*columns), rows), strict=True) if len(columns) > 1 else [[row[columns[0]] for row in rows]]
    )
    by_column = [
        _column_values(table.c[name].type, list(values)) for name, values in zip(columns, transposed, strict=True)
    ]
    await session.flush()  # objects the session holds back may be what these rows refer to
    connection = await session.connection()
    statement, per_row = _insert_statement(table, tuple(columns), skip_conflicts, connection.dialect)
    await connection.exec_driver_sql(statement, list(zip(*by_column, strict=True)) if per_row else tuple(by_column))


@lru_cache(maxsize=256)
def _insert_statement(
    table: Table, columns: tuple[str, ...], skip_conflicts: bool, dialect: Dialect
) -> tuple[str, bool]:
    """The INSERT for these columns, and whether it takes one row at a time (a table with array columns:
    those cannot be unnested row by row) rather than one array per column."""
    names = ", ".join(f'"{name}"' for name in columns)
    conflicts = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
    if any(isinstance(table.c[name].type, ARRAY) for name in columns):
        placeholders = ", ".join(f"${number}" for number in range(1, len(columns) + 1))
        return f'INSERT INTO "{table.name}" ({names}) VALUES ({placeholders}){conflicts}', True
    arrays = ", ".join(
        f"${number}::{table.c[name].type.compile(dialect=dialect)}[]" for number, name in enumerate(columns, start=1)
    )
    return f'INSERT INTO "{table.name}" ({names}) SELECT * FROM unnest({arrays}){conflicts}', False


class StatementShapes:
    """The SQL text of statements whose text depends only on a shape (which filters, which order), compiled once.

    SQLAlchemy's compiled cache would hold the same, but as its Compiled objects: some 500 objects per shape,
    which every full garbage collection walks, for the hundreds of shapes a search's filters combine into. Here
    a shape costs a string and a tuple of names, which the collector does not track.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._sql: OrderedDict[Hashable, tuple[str, tuple[str, ...]]] = OrderedDict()

    def sql(self, shape: Hashable, build: Callable[[], ClauseElement], dialect: Dialect) -> tuple[str, tuple[str, ...]]:
        """The SQL of this shape and the names of its parameters in positional order, compiling on first use."""
        found = self._sql.get(shape)
        if found is not None:
            self._sql.move_to_end(shape)
            return found
        compiled = build().compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler), "a shape is a statement that reads or writes rows"
        found = compiled.string, tuple(compiled.positiontup or ())
        self._sql[shape] = found
        while len(self._sql) > self.capacity:
            self._sql.popitem(last=False)
        return found


SHAPES = StatementShapes(capacity=2048)


async def execute_shape(
    session: AsyncSession, shape: Hashable, build: Callable[[], ClauseElement], params: Mapping[str, Any]
) -> CursorResult[*tuple[Any, ...]]:
    """Run the statement of `shape` (built by `build` with named bind parameters) with `params` bound by name.

    Every statement built for a shape must have the same SQL text: name the parameters, and let the shape say
    which of them are present. The values go to asyncpg as they are, past SQLAlchemy's bind and result
    processing: UUIDs, lists, timestamps and numbers in asyncpg's own types.
    """
    connection = await session.connection()
    sql, names = SHAPES.sql(shape, build, connection.dialect)
    missing = [name for name in names if name not in params]
    if missing:  # a constant bound anonymously would be sent with the value of the first statement built
        raise ValueError(f"shape {shape!r} binds {missing} without a value in params; write constants as literals")
    return await connection.exec_driver_sql(sql, tuple(params[name] for name in names))


class WriteBehind:
    """Bulk inserts that PostgreSQL runs while the caller goes on computing: PostgreSQL works on one core,
    Python on the other. They run one at a time, in order, on the session's connection, so until `drain()`
    the caller must not use the session itself (recording events on it is fine: that does no I/O)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._running: asyncio.Future[None] | None = None

    async def start(self, table: Table, rows: Sequence[Mapping[str, Any]], *, skip_conflicts: bool = False) -> None:
        """Start `insert_rows` once the insert before it is done, and return while it runs."""
        await self.drain()
        if rows:
            self._running = asyncio.ensure_future(insert_rows(self.session, table, rows, skip_conflicts=skip_conflicts))
            await asyncio.sleep(0)  # let it send its statement before the caller computes again

    async def drain(self) -> None:
        """Wait for the insert under way; its error, if any, is raised here."""
        if self._running is not None:
            running, self._running = self._running, None
            await running


def _column_values(column_type: Any, values: list[Any]) -> list[Any]:
    """One column's values as asyncpg takes them: JSON as text (the codec SQLAlchemy installs takes text)."""
    if not isinstance(column_type, JSON):
        return values
    return [value if isinstance(value, JSONText) or value is None else _json_text(value) for value in values]


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


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """FastAPI dependency for handlers that only read: each statement runs on its own (autocommit).

    That spares the BEGIN and COMMIT round trips of a transaction, which gives a reader nothing at READ
    COMMITTED: each statement sees its own snapshot either way. Writes do not belong here: each would commit
    on its own, with no unit of work around them.
    """
    async with request.app.state.runtime.sessions()() as session:
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield session


ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session)]

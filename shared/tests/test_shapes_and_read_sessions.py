"""Statements run by shape (compiled once, values bound by name) and read sessions without a transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import ARRAY, Column, Integer, MetaData, Select, Table, Text, bindparam, func, literal, select, text
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared.db import ReadSessionDep, SessionDep, SessionFactory, execute_shape, insert_rows, unit_of_work
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import sessions_on_tables

METADATA = MetaData()
ITEM = Table("item", METADATA, Column("item_id", Integer, primary_key=True), Column("colour", Text, nullable=False))


@pytest.fixture
async def sessions(platform: PlatformSettings) -> AsyncIterator[SessionFactory]:
    """Sessions on a database of this test holding a few coloured items."""
    async with sessions_on_tables(platform, [ITEM]) as factory:
        async with unit_of_work(factory) as session:
            colours = ["red", "green", "red", "blue", "green", "red"]
            await insert_rows(session, ITEM, [{"item_id": n, "colour": c} for n, c in enumerate(colours)])
        yield factory


def items_statement(params: dict[str, Any], built: list[str]) -> Select[Any]:
    """Items of the given colours (and above a number, when one is given), by number; notes that it was built."""
    built.append("built")
    statement = select(ITEM.c.item_id).where(ITEM.c.colour == func.any(bindparam("colours", type_=ARRAY(Text))))
    if "above" in params:
        statement = statement.where(ITEM.c.item_id > bindparam("above", type_=Integer))
    return statement.order_by(ITEM.c.item_id)


async def test_a_shape_is_compiled_once_and_each_run_binds_its_own_values(sessions: SessionFactory) -> None:
    """Same shape, other values: no second build, and every run answers for its own values."""
    built: list[str] = []

    async def items(**params: Any) -> list[int]:
        async with sessions() as session:
            shape = ("test-items", tuple(params))
            result = await execute_shape(session, shape, lambda: items_statement(params, built), params)
            return list(result.scalars())

    assert await items(colours=["red"]) == [0, 2, 5]
    assert await items(colours=["green", "blue"]) == [1, 3, 4]
    assert len(built) == 1
    assert await items(colours=["red"], above=1) == [2, 5]
    assert len(built) == 2


async def test_a_shape_refuses_an_anonymous_constant(sessions: SessionFactory) -> None:
    """A constant bound without a name would be sent with the first build's value: refused, loudly."""
    statement = select(ITEM.c.item_id).where(ITEM.c.colour == literal("red"))
    async with sessions() as session:
        with pytest.raises(ValueError, match="write constants as literals"):
            await execute_shape(session, ("test-anonymous",), lambda: statement, {})


def app_on(sessions: SessionFactory) -> FastAPI:
    """An app whose runtime hands out these sessions, with the same two reads behind each kind of session."""
    app = FastAPI()
    app.state.runtime = SimpleNamespace(sessions=lambda: sessions)

    async def same_transaction(session: AsyncSession) -> bool:
        """Whether two statements, 10 ms apart, see the same transaction start (`now()`)."""
        first = (await session.exec(text("SELECT now()"))).scalar_one()  # type: ignore[call-overload]
        second = (await session.exec(text("SELECT now() FROM pg_sleep(0.01)"))).scalar_one()  # type: ignore[call-overload]
        return bool(first == second)

    @app.get("/read")
    async def read(session: ReadSessionDep) -> bool:
        """Two statements in a read session."""
        return await same_transaction(session)

    @app.get("/unit-of-work")
    async def in_unit_of_work(session: SessionDep) -> bool:
        """Two statements in the unit of work."""
        return await same_transaction(session)

    return app


async def test_a_read_session_runs_each_statement_in_a_transaction_of_its_own(sessions: SessionFactory) -> None:
    """A read session sends no BEGIN: each statement is a transaction of its own, while the unit of work's
    statements share one."""
    transport = httpx.ASGITransport(app=app_on(sessions))
    async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
        assert (await client.get("/read")).json() is False
        assert (await client.get("/unit-of-work")).json() is True

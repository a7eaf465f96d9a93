"""Bulk inserts past SQLAlchemy's bind processing: every column type arrives intact, conflicts are skipped
when asked, errors are SQLAlchemy's, and a write-behind keeps order and reports its failure."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import ARRAY, Column, DateTime, Integer, MetaData, Table, Text, Uuid, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError

from lcn_shared.db import (
    JSONText,
    SessionFactory,
    WriteBehind,
    insert_rows,
    unit_of_work,
)
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import sessions_on_tables

METADATA = MetaData()
# Scalar columns only: inserted as one array per column (unnest).
NOTE = Table(
    "note",
    METADATA,
    Column("note_id", Uuid, primary_key=True),
    Column("body", JSONB, nullable=False),
    Column("rank", Integer, nullable=False, unique=True),
    Column("written_at", DateTime(timezone=True), nullable=False),
)
# An array column: inserted a row at a time.
TABLE_WITH_ARRAY = Table(
    "tagged",
    METADATA,
    Column("tagged_id", Uuid, primary_key=True),
    Column("tags", ARRAY(Text), nullable=False),
    Column("extra", JSONB),
)


@pytest.fixture
async def sessions(platform: PlatformSettings) -> AsyncIterator[SessionFactory]:
    """Sessions on a database of this test holding the two tables."""
    async with sessions_on_tables(platform, [NOTE, TABLE_WITH_ARRAY]) as factory:
        yield factory


def note(rank: int, body: Any) -> dict[str, Any]:
    """One row of `note`."""
    return {"note_id": uuid.uuid4(), "body": body, "rank": rank, "written_at": datetime(2026, 11, 30, tzinfo=UTC)}


async def rows_of(factory: SessionFactory, table: Table, order: str) -> list[dict[str, Any]]:
    """Every row of a table, as dicts, in `order`."""
    async with factory() as session:
        result = await (await session.connection()).execute(text(f"SELECT * FROM {table.name} ORDER BY {order}"))
        return [dict(row._mapping) for row in result]


async def test_scalar_and_json_columns_arrive_intact(sessions: SessionFactory) -> None:
    """Dicts, lists and strings become JSON; JSONText goes in as the JSON it already is."""
    rows = [note(1, {"name": "Leergemeenschap Zuid", "tags": ["a", "b"]}), note(2, "just text"), note(3, None)]
    rows[2]["body"] = JSONText('{"already": "serialised"}')
    async with unit_of_work(sessions) as session:
        await insert_rows(session, NOTE, rows)
    stored = await rows_of(sessions, NOTE, "rank")
    assert [row["body"] for row in stored] == [
        {"name": "Leergemeenschap Zuid", "tags": ["a", "b"]},
        "just text",
        {"already": "serialised"},
    ]
    assert [row["note_id"] for row in stored] == [row["note_id"] for row in rows]
    assert stored[0]["written_at"] == datetime(2026, 11, 30, tzinfo=UTC)


async def test_array_columns_are_inserted_row_by_row(sessions: SessionFactory) -> None:
    """Array columns cannot be unnested per row; their rows still arrive whole, quotes and commas included."""
    rows = [
        {"tagged_id": uuid.uuid4(), "tags": ["energie", 'a "quoted", tag'], "extra": {"k": 1}},
        {"tagged_id": uuid.uuid4(), "tags": [], "extra": None},
    ]
    async with unit_of_work(sessions) as session:
        await insert_rows(session, TABLE_WITH_ARRAY, rows)
    stored = {row["tagged_id"]: row for row in await rows_of(sessions, TABLE_WITH_ARRAY, "tagged_id")}
    assert stored[rows[0]["tagged_id"]]["tags"] == ["energie", 'a "quoted", tag']
    assert stored[rows[0]["tagged_id"]]["extra"] == {"k": 1}
    assert stored[rows[1]["tagged_id"]]["tags"] == []
    assert stored[rows[1]["tagged_id"]]["extra"] is None


async def test_conflicts_are_skipped_only_when_asked(sessions: SessionFactory) -> None:
    """`skip_conflicts` leaves a colliding row out; without it the collision is SQLAlchemy's IntegrityError
    (the problem handlers answer it with 409) and nothing of the transaction stays."""
    async with unit_of_work(sessions) as session:
        await insert_rows(session, NOTE, [note(1, "first")])
    async with unit_of_work(sessions) as session:
        await insert_rows(session, NOTE, [note(1, "collides"), note(2, "second")], skip_conflicts=True)
    assert [row["body"] for row in await rows_of(sessions, NOTE, "rank")] == ["first", "second"]

    async def third_then_collision() -> None:
        async with unit_of_work(sessions) as session:
            await insert_rows(session, NOTE, [note(3, "third")])
            await insert_rows(session, NOTE, [note(1, "collides again")])

    with pytest.raises(IntegrityError):
        await third_then_collision()
    assert [row["body"] for row in await rows_of(sessions, NOTE, "rank")] == ["first", "second"]


async def test_a_write_behind_runs_its_inserts_in_order_while_the_caller_goes_on(sessions: SessionFactory) -> None:
    """The caller gets control back while an insert runs; the inserts land in the order they were started."""
    async with unit_of_work(sessions) as session:
        writes = WriteBehind(session)
        await insert_rows(writes, NOTE, [note(rank, f"row {rank}") for rank in range(1, 2001)])
        assert writes._running is not None
        assert not writes._running.done()  # still under way
        await insert_rows(writes, NOTE, [note(2001, "after")])
        await writes.drain()
        count = await (await session.connection()).execute(text("SELECT count(*) FROM note"))
        assert count.scalar_one() == 2001
    stored = await rows_of(sessions, NOTE, "rank")
    assert stored[-1]["body"] == "after"


async def test_a_write_behind_reports_a_failed_insert_and_the_unit_of_work_rolls_back(
    sessions: SessionFactory,
) -> None:
    """An insert that fails behind the caller's back fails the caller at its next step, and nothing stays."""
    async with unit_of_work(sessions) as session:
        await insert_rows(session, NOTE, [note(1, "first")])

    async def collision_behind_the_callers_back() -> None:
        async with unit_of_work(sessions) as session:
            writes = WriteBehind(session)
            await insert_rows(writes, NOTE, [note(2, "second"), note(1, "collides")])
            await asyncio.sleep(0.2)
            await insert_rows(writes, NOTE, [note(3, "never")])

    with pytest.raises(IntegrityError):
        await collision_behind_the_callers_back()
    assert [row["body"] for row in await rows_of(sessions, NOTE, "rank")] == ["first"]

"""Events recorded on the session reach the outbox when the unit of work commits, and only then."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Table, func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared import db
from lcn_shared.contracts import CommunityUpdated
from lcn_shared.db import SessionFactory, core_table, unit_of_work
from lcn_shared.messaging import outbox
from lcn_shared.messaging.outbox import RECORDED, record_event, recorded_events
from lcn_shared.messaging.tables import OutboxMessage
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import sessions_on_tables


class Statements:
    """Counts the round trips that write the outbox (`insert_rows` is one: a COPY)."""

    def __init__(self) -> None:
        self.outbox_inserts = 0

    async def insert_rows(self, session: AsyncSession, table: Table, rows: Any, **options: Any) -> None:
        if table.name == "outbox_message":
            self.outbox_inserts += 1
        await db.insert_rows(session, table, rows, **options)


@pytest.fixture
async def sessions(
    platform: PlatformSettings, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[SessionFactory, Statements]]:
    """Sessions on a database of this test that holds only the outbox, and a count of its inserts."""
    statements = Statements()
    monkeypatch.setattr(outbox, "insert_rows", statements.insert_rows)
    async with sessions_on_tables(platform, [core_table(OutboxMessage)]) as factory:
        yield factory, statements


def updated(community_id: uuid.UUID, version: int) -> CommunityUpdated:
    """A small event about one community."""
    return CommunityUpdated(
        community_id=community_id,
        version=version,
        changed_fields=["name"],
        changes={"name": f"Name {version}"},
        updated_at=datetime.now(UTC),
        origin="api",
    )


async def outbox_versions(factory: SessionFactory) -> list[int]:
    """The versions of the events in the outbox, in outbox order."""
    async with factory() as session:
        rows = await session.exec(select(OutboxMessage).order_by(OutboxMessage.seq))  # type: ignore[arg-type]
        return [row.payload["version"] for row in rows.all()]


async def test_recorded_events_reach_the_outbox_at_commit_in_recording_order_in_one_insert(
    sessions: tuple[SessionFactory, Statements],
) -> None:
    """Nothing is written while the block runs; the commit writes every event, in order, in one statement."""
    factory, statements = sessions
    community_id = uuid.uuid4()
    async with unit_of_work(factory) as session:
        for version in (2, 3, 4):
            record_event(session, updated(community_id, version))
        assert [event.version for event in recorded_events(session)] == [2, 3, 4]  # type: ignore[attr-defined]
        pending = await session.exec(select(func.count()).select_from(OutboxMessage))
        assert pending.one() == 0
    assert await outbox_versions(factory) == [2, 3, 4]
    assert statements.outbox_inserts == 1
    assert RECORDED not in session.info


async def test_a_rolled_back_unit_of_work_writes_no_event(sessions: tuple[SessionFactory, Statements]) -> None:
    """The changes never happened, so neither did their events; the session forgets them."""
    factory, statements = sessions
    used: list[AsyncSession] = []

    async def change_that_fails() -> None:
        async with unit_of_work(factory) as session:
            used.append(session)
            record_event(session, updated(uuid.uuid4(), 2))
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError, match="refused"):
        await change_that_fails()
    assert await outbox_versions(factory) == []
    assert statements.outbox_inserts == 0
    assert recorded_events(used[0]) == []


async def test_a_unit_of_work_without_events_writes_no_outbox_row(sessions: tuple[SessionFactory, Statements]) -> None:
    """No event, no statement."""
    factory, statements = sessions
    async with unit_of_work(factory) as session:
        await session.exec(select(func.count()).select_from(OutboxMessage))
    assert statements.outbox_inserts == 0


async def test_committing_recorded_events_outside_the_unit_of_work_is_refused(
    sessions: tuple[SessionFactory, Statements],
) -> None:
    """A bare `commit()` would lose them, so it fails loudly instead."""
    factory, _ = sessions
    async with factory() as session:
        record_event(session, updated(uuid.uuid4(), 2))
        with pytest.raises(RuntimeError, match="unit_of_work"):
            await session.commit()

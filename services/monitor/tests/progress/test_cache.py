"""The figures' version moves on with every change to what a figure is made of, and kept figures follow it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from lcn_monitor.progress.cache import figures_version
from lcn_monitor.progress.models import FIGURE_SOURCES
from lcn_monitor.progress.service import scope_progress
from lcn_monitor.scopes import parse_scope
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch
from services.monitor.tests.reporting import (
    IssueKey,
    approved_report,
    community,
    coordinator,
    member,
    monitor,
    partner,
    read_model,
)

TRIGGERS = """
    SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE t.tgname = 'figures_changed' AND NOT t.tgisinternal
"""


async def test_every_source_table_moves_the_version_on_once_a_transaction(platform: PlatformSettings) -> None:
    """A statement trigger on each table a figure is computed from; a transaction of many changing statements (a
    bulk write) moves the version by one, and the next transaction by one more."""
    tables = {row["relname"] for row in await fetch(platform, "monitor", TRIGGERS)}
    assert tables == set(FIGURE_SOURCES)
    touch = text("UPDATE reporting_period SET version = version WHERE period_id = :period")
    async with read_model(platform) as sessions:
        async with sessions() as session:
            before = await figures_version(session)
            for period in ("2026-H1", "2026-H2", "2027-H1"):
                await session.exec(touch, params={"period": period})  # type: ignore[call-overload]
            await session.commit()
            assert await figures_version(session) == before + 1
            await session.exec(touch, params={"period": "2026-H2"})  # type: ignore[call-overload]
            await session.commit()
            assert await figures_version(session) == before + 2


async def test_kept_figures_are_served_until_a_change_and_computed_again_after_it(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """The same figures object serves two requests; an approved report moves the version on and the next request
    shows its students."""
    lead, boss = await partner(api_key, "Drenthe College"), await coordinator(api_key)
    national, today = parse_scope("national"), date(2027, 1, 15)
    async with read_model(platform) as sessions:
        community_id = await community(sessions, members=[member(lead)])
        async with sessions() as session:
            first = await scope_progress(session, scope=national, today=today)
            again = await scope_progress(session, scope=national, today=today)
        async with monitor(platform) as client:
            await approved_report(client, lead, boss, community_id, students=42)
        async with sessions() as session:
            after = await scope_progress(session, scope=national, today=today)
    students = {item.indicator: item for item in after}["students-reached"]
    assert [item.actual for item in first] == [item.actual for item in again]
    assert students.actual == 42
    assert {item.indicator: item for item in first}["students-reached"].actual in (None, 0)

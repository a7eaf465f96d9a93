"""Acceptance (Migrations): for every database, Alembic's autogenerate finds nothing between migrations and models."""

from __future__ import annotations

import pytest

from lcn_shared.migrations import schema_drift, target_metadata
from lcn_shared.plugins import service_names
from lcn_shared.settings import IDENTITY, PlatformSettings
from lcn_shared.testing.fixtures import execute

OWNERS = (IDENTITY, *service_names())
KIT_TABLES = {"outbox_message", "inbox_message"}


@pytest.mark.parametrize("owner", OWNERS)
async def test_acceptance_migrations_autogenerate_finds_no_difference(platform: PlatformSettings, owner: str) -> None:
    """The migrated database is exactly what the models say: no table, column, type, default, index or key apart."""
    assert await schema_drift(owner, platform) == []


@pytest.mark.parametrize("owner", service_names())
def test_each_service_metadata_holds_the_kit_tables_and_no_one_elses(owner: str) -> None:
    """A service's Alembic environment sees its own tables and the kit's, never the identity store's."""
    tables = set(target_metadata(owner).tables)
    assert KIT_TABLES <= tables
    assert not tables & set(target_metadata(IDENTITY).tables)


async def test_the_schema_check_can_fail(platform: PlatformSettings) -> None:
    """A table, a column and an index the models do not know are all reported."""
    owner = service_names()[-1]
    await execute(
        platform,
        owner,
        "CREATE TABLE stray (stray_id integer PRIMARY KEY);"
        "ALTER TABLE inbox_message ADD COLUMN extra text;"
        "CREATE INDEX ix_outbox_message_topic ON outbox_message (topic);",
    )
    kinds = {diff[0] if isinstance(diff, tuple) else diff[0][0] for diff in await schema_drift(owner, platform)}
    assert kinds == {"remove_table", "remove_column", "remove_index"}

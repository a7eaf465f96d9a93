"""The monitor's migrations keep rows projected before them valid."""

from __future__ import annotations

import asyncio
import uuid

from alembic import command

from lcn_shared.migrations import alembic_config
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import execute, fetch

FIRST_REVISION = "c3f5a7b90001"


async def test_a_row_projected_before_the_read_model_grew_stays_valid(platform: PlatformSettings) -> None:
    """Upgrading fills kinds, primary topsector, status, version and updated_at of an existing row."""
    config = alembic_config("monitor", platform.database_url_for("monitor"))
    # Alembic runs its own event loop, so it gets a thread of its own.
    await asyncio.to_thread(command.downgrade, config, FIRST_REVISION)
    community_id = uuid.uuid4()
    await execute(
        platform,
        "monitor",
        "INSERT INTO community (community_id, name, kind, landsdeel, topsectors, registered_at, last_event_id) "
        f"VALUES ('{community_id}', 'Energy College', 'civ', 'noord', ARRAY['energie', 'htsm'], "
        "'2026-11-01T12:00:00Z', 'e1')",
    )
    await asyncio.to_thread(command.upgrade, config, "head")
    row = (await fetch(platform, "monitor", "SELECT * FROM community WHERE community_id = $1", community_id))[0]
    assert (row["kind"], row["kinds"], row["primary_topsector"]) == ("civ", ["civ"], "energie")
    assert (row["status"], row["version"], row["merged_into"], row["partners"]) == ("active", 1, None, "{}")
    assert row["updated_at"] == row["registered_at"]
    assert (row["key_technologies"], row["education_levels"], row["province"]) == ([], [], None)

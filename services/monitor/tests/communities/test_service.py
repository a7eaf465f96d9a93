"""The read model follows every registry event, against the test's own PostgreSQL database."""

from __future__ import annotations

import json
import uuid
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from pydantic import ValidationError

from lcn_monitor.communities import repository, service
from lcn_shared.contracts.registry import CommunityMember
from lcn_shared.db import SessionFactory, unit_of_work
from lcn_shared.problems import NotFound
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch
from services.monitor.tests.communities.builders import (
    apply,
    create_membership_changed,
    create_merged,
    create_registered,
    create_status_changed,
    create_updated,
)


async def row_of(platform: PlatformSettings, community_id: UUID) -> asyncpg.Record:
    """The read model's row of one community."""
    rows = await fetch(platform, "monitor", "SELECT * FROM community WHERE community_id = $1", community_id)
    assert len(rows) == 1, f"no row for {community_id}"
    return rows[0]


def partners_of(row: asyncpg.Record) -> dict[str, Any]:
    """The partner map of a row (asyncpg returns JSONB as text)."""
    partners: dict[str, Any] = json.loads(row["partners"])
    return partners


async def register(sessions: SessionFactory, **changes: Any) -> UUID:
    """Project a `registered` event; return the community id."""
    event = create_registered(**changes)
    await apply(sessions, service.project_registered, event)
    return event.community_id


async def test_registered_enters_the_read_model_with_every_kept_field(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """Kinds, region, status, phase, version and the members at registration all land in the row."""
    organisation_id = uuid.uuid4()
    member = CommunityMember(
        organisation_id=organisation_id,
        organisation_name="Drenthe College",
        organisation_type="school-mbo",  # type: ignore[arg-type]
        role="lead",  # type: ignore[arg-type]
    )
    community_id = await register(sessions, version=2, members=[member])
    row = await row_of(platform, community_id)
    assert row["kind"] == "civ"
    assert row["kinds"] == ["civ", "fieldlab"]
    assert (row["landsdeel"], row["province"], row["municipality"]) == ("noord", "drenthe", "Emmen")
    assert (row["primary_topsector"], row["topsectors"]) == ("energie", ["energie"])
    assert (row["key_technologies"], row["education_levels"]) == (["robotics"], ["mbo"])
    assert (row["status"], row["phase"], row["version"], row["merged_into"]) == ("active", "young", 2, None)
    assert partners_of(row) == {
        str(organisation_id): {"name": "Drenthe College", "type": "school-mbo", "role": "lead", "can_edit": True}
    }


async def test_registered_without_kinds_keeps_kind_as_the_only_kind(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """A first-version event (no `kinds`) still fills `kinds`."""
    community_id = await register(sessions, kinds=[])
    assert (await row_of(platform, community_id))["kinds"] == ["civ"]


async def test_registered_again_does_not_overwrite_the_row(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """`registered` is insert-if-absent."""
    community_id = await register(sessions, name="Energy College")
    await register(sessions, community_id=community_id, name="Renamed by a replay")
    assert (await row_of(platform, community_id))["name"] == "Energy College"


async def test_updated_applies_the_kept_fields_and_ignores_the_others(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """Name, topsectors, province and a cleared phase apply; latitude (not kept) is ignored."""
    community_id = await register(sessions)
    changes = {"name": "X", "topsectors": ["energie", "htsm"], "province": "utrecht", "phase": None, "latitude": 52.1}
    await apply(sessions, service.project_updated, create_updated(community_id, 2, changes))
    row = await row_of(platform, community_id)
    assert (row["name"], row["topsectors"], row["province"], row["phase"]) == (
        "X",
        ["energie", "htsm"],
        "utrecht",
        None,
    )
    assert row["version"] == 2
    assert row["municipality"] == "Emmen"  # untouched


async def test_updated_kinds_keep_kind_the_first_of_them(platform: PlatformSettings, sessions: SessionFactory) -> None:
    """`kind` follows `kinds`, and a change of `kind` alone moves it to the front of `kinds`."""
    community_id = await register(sessions)
    await apply(sessions, service.project_updated, create_updated(community_id, 2, {"kinds": ["lectoraat", "civ"]}))
    row = await row_of(platform, community_id)
    assert (row["kind"], row["kinds"]) == ("lectoraat", ["lectoraat", "civ"])
    await apply(sessions, service.project_updated, create_updated(community_id, 3, {"kind": "civ"}))
    row = await row_of(platform, community_id)
    assert (row["kind"], row["kinds"]) == ("civ", ["civ", "lectoraat"])


async def test_updated_with_a_value_outside_the_vocabulary_is_rejected(sessions: SessionFactory) -> None:
    """A bad value is a validation error, which the consumer dead-letters without retrying."""
    community_id = await register(sessions)
    with pytest.raises(ValidationError):
        await apply(sessions, service.project_updated, create_updated(community_id, 2, {"province": "atlantis"}))


async def test_status_changed_applies(platform: PlatformSettings, sessions: SessionFactory) -> None:
    """The lifecycle status follows the registry."""
    community_id = await register(sessions)
    await apply(sessions, service.project_status_changed, create_status_changed(community_id, 2, "active", "ended"))
    row = await row_of(platform, community_id)
    assert (row["status"], row["version"]) == ("ended", 2)


async def test_an_older_version_after_a_newer_one_is_ignored(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """Replays cannot roll the row back: every event kind at or below the row's version is a no-op."""
    community_id = await register(sessions)
    await apply(sessions, service.project_updated, create_updated(community_id, 3, {"name": "Newest"}))
    organisation_id = uuid.uuid4()
    stale = [
        (service.project_updated, create_updated(community_id, 2, {"name": "Older"})),
        (service.project_updated, create_updated(community_id, 3, {"name": "Same version"})),
        (service.project_status_changed, create_status_changed(community_id, 2, "active", "ended")),
        (
            service.project_membership_changed,
            create_membership_changed(community_id, 1, organisation_id, "added", "lead"),
        ),
        (service.project_merged, create_merged(community_id, uuid.uuid4(), 3)),
    ]
    for handler, event in stale:
        await apply(sessions, handler, event)
    row = await row_of(platform, community_id)
    assert (row["name"], row["status"], row["version"]) == ("Newest", "active", 3)
    assert partners_of(row) == {}
    assert len(await fetch(platform, "monitor", "SELECT 1 FROM community")) == 1  # the stale merge made no stub


async def test_membership_added_changed_and_removed_keep_the_partner_list_current(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """Organisations join, change role and leave."""
    community_id = await register(sessions)
    hanze, bedrijf = uuid.uuid4(), uuid.uuid4()
    await apply(
        sessions, service.project_membership_changed, create_membership_changed(community_id, 2, hanze, "added", "lead")
    )
    joined = create_membership_changed(
        community_id, 3, bedrijf, "added", "partner", organisation_name="Enexis", organisation_type="company-large"
    )
    await apply(sessions, service.project_membership_changed, joined)
    assert partners_of(await row_of(platform, community_id)) == {
        str(hanze): {"name": "Hanzehogeschool", "type": "school-hbo", "role": "lead", "can_edit": True},
        str(bedrijf): {"name": "Enexis", "type": "company-large", "role": "partner", "can_edit": False},
    }
    changed = create_membership_changed(community_id, 4, hanze, "changed", "financier", previous_role="lead")
    await apply(sessions, service.project_membership_changed, changed)
    left = create_membership_changed(community_id, 5, bedrijf, "removed", None, previous_role="partner")
    await apply(sessions, service.project_membership_changed, left)
    row = await row_of(platform, community_id)
    assert partners_of(row) == {
        str(hanze): {"name": "Hanzehogeschool", "type": "school-hbo", "role": "financier", "can_edit": False}
    }
    assert row["version"] == 5


async def test_merge_redirects_the_duplicate_and_hides_it(platform: PlatformSettings, sessions: SessionFactory) -> None:
    """The duplicate points at the survivor, resolves to it, leaves listings; the survivor's version moves on."""
    survivor_id = await register(sessions, name="Energy College")
    duplicate_id = await register(sessions, name="Energy College Emmen")
    await apply(sessions, service.project_merged, create_merged(survivor_id, duplicate_id, 2))
    assert (await row_of(platform, duplicate_id))["merged_into"] == survivor_id
    assert (await row_of(platform, survivor_id))["version"] == 2
    async with unit_of_work(sessions) as session:
        resolved = await service.resolve_community(session, community_id=duplicate_id)
        listed, total = await repository.page(session, limit=10, offset=0)
    assert resolved.community_id == survivor_id
    assert [community.community_id for community in listed] == [survivor_id]
    assert total == 1


async def test_merge_of_an_unknown_duplicate_leaves_a_stub_that_a_late_registration_cannot_revive(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """The duplicate's registration may arrive after the merge (another key, another partition)."""
    survivor_id = await register(sessions)
    duplicate_id = uuid.uuid4()
    await apply(sessions, service.project_merged, create_merged(survivor_id, duplicate_id, 2))
    await register(sessions, community_id=duplicate_id, name="Late duplicate")
    stub = await row_of(platform, duplicate_id)
    assert (stub["merged_into"], stub["version"]) == (survivor_id, 0)
    async with unit_of_work(sessions) as session:
        listed, _ = await repository.page(session, limit=10, offset=0)
    assert [community.community_id for community in listed] == [survivor_id]


async def test_merge_chains_resolve_to_the_last_survivor(sessions: SessionFactory) -> None:
    """A merged into B, then B into C: A resolves to C."""
    first, second, third = [await register(sessions) for _ in range(3)]
    await apply(sessions, service.project_merged, create_merged(second, first, 2))
    await apply(sessions, service.project_merged, create_merged(third, second, 2))
    async with unit_of_work(sessions) as session:
        resolved = await service.resolve_community(session, community_id=first)
    assert resolved.community_id == third


@pytest.mark.parametrize("later_merge_first", [False, True])
async def test_every_id_of_a_merge_chain_counts_under_its_last_survivor(
    platform: PlatformSettings, sessions: SessionFactory, later_merge_first: bool
) -> None:
    """A into B and B into C, in either order (each merge travels under its survivor's key): A, B and C all count
    under C, so their reports are counted once."""
    first, second, third = [await register(sessions) for _ in range(3)]
    merges = [create_merged(second, first, 2), create_merged(third, second, 2)]
    for merge in reversed(merges) if later_merge_first else merges:
        await apply(sessions, service.project_merged, merge)
    rows = await fetch(platform, "monitor", "SELECT community_id, survivor_id FROM community")
    assert {row["community_id"]: row["survivor_id"] for row in rows} == {first: third, second: third, third: third}


async def test_an_event_about_an_unknown_community_fails_so_it_is_retried_then_dead_lettered(
    sessions: SessionFactory,
) -> None:
    """Without its registration the read model cannot hold the change; failing keeps it visible."""
    with pytest.raises(service.UnknownCommunity):
        await apply(sessions, service.project_updated, create_updated(uuid.uuid4(), 2, {"name": "X"}))


async def test_resolving_an_unknown_id_is_not_found(sessions: SessionFactory) -> None:
    """An id the monitor never saw answers NotFound."""
    async with unit_of_work(sessions) as session:
        with pytest.raises(NotFound):
            await service.resolve_community(session, community_id=uuid.uuid4())

"""Ownership that holds (ADR 0021): one lead per community, memberships changed by the lead or a coordinator only,
the lead handed over explicitly, and every membership change under the community's ETag."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import execute, fetch
from services.registry.tests.communities.builders import (
    Caller,
    IssueKey,
    assert_problem,
    change_status,
    community_state,
    create_community,
    create_coordinator,
    create_partner,
    delete_membership,
    hand_over_lead,
    outbox_events,
    patch_community,
    put_membership,
    put_organisation,
    running_registry,
)

MEMBERS = "SELECT organisation_id, role, can_edit, origin FROM membership WHERE community_id = $1 ORDER BY role"


async def roles(platform: PlatformSettings, community_id: str) -> dict[uuid.UUID, tuple[str, bool]]:
    """Each member's role and edit right, from the table."""
    rows = await fetch(platform, "registry", MEMBERS, uuid.UUID(community_id))
    return {row["organisation_id"]: (row["role"], row["can_edit"]) for row in rows}


async def etag_of(client: httpx.AsyncClient, community_id: str) -> str:
    """The community's current ETag."""
    return (await client.get(f"/v1/communities/{community_id}")).headers["etag"]


async def cast(api_key: IssueKey) -> tuple[Caller, Caller, Caller]:
    """The scenario's callers: a lead (Hanzehogeschool), the partner it will let edit (Noorderpoort), a coordinator."""
    lead = await create_partner(api_key, "Hanzehogeschool Groningen")
    co_editor = await create_partner(api_key, "Noorderpoort")
    assert lead.organisation_id is not None
    assert co_editor.organisation_id is not None
    return lead, co_editor, await create_coordinator(api_key)


async def community_and_gasunie(client: httpx.AsyncClient, lead: Caller, coordinator: Caller) -> tuple[str, uuid.UUID]:
    """A community `lead` registered, and an organisation (Gasunie) that is not in it yet: their ids."""
    community_id: str = (await create_community(client, lead))["community_id"]
    gasunie = uuid.uuid4()
    await put_organisation(client, coordinator, gasunie, "Gasunie", "company-large")
    return community_id, gasunie


async def lead_with_co_editor(client: httpx.AsyncClient, lead: Caller, co_editor: Caller, coordinator: Caller) -> str:
    """A community `lead` registered, with `co_editor` as a partner that may edit; its id."""
    assert co_editor.organisation_id is not None
    assert co_editor.organisation_name is not None
    community_id: str = (await create_community(client, lead))["community_id"]
    await put_organisation(client, coordinator, co_editor.organisation_id, co_editor.organisation_name)
    granted = await put_membership(
        client, lead, community_id, co_editor.organisation_id, role="partner", can_edit=True, if_match='"1"'
    )
    assert granted.status_code == 204, granted.text
    assert granted.headers["etag"] == '"2"'
    return community_id


async def test_acceptance_takeover_by_a_co_editor_is_403_at_each_step_and_emits_nothing(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """The issue's scenario: B, given `partner` with `can_edit`, tries to make itself lead, remove the lead, take the
    lead's edit right and take the lead over. Each is a 403 problem; the lead, the rows, history and outbox stay."""
    lead, co_editor, coordinator = await cast(api_key)
    async with running_registry(platform) as client:
        community_id = await lead_with_co_editor(client, lead, co_editor, coordinator)
        before = await community_state(platform, community_id)
        attempts = [
            await put_membership(
                client, co_editor, community_id, co_editor.organisation_id, role="lead", if_match='"2"'
            ),
            await delete_membership(client, co_editor, community_id, lead.organisation_id, if_match='"2"'),
            await put_membership(
                client, co_editor, community_id, lead.organisation_id, role="partner", can_edit=False, if_match='"2"'
            ),
            await hand_over_lead(client, co_editor, community_id, co_editor.organisation_id, if_match='"2"'),
        ]
        after = await community_state(platform, community_id)
        lead_still_edits = await patch_community(client, lead, community_id, {"municipality": "Emmen"}, if_match='"2"')
    for attempt in attempts:
        problem = assert_problem(attempt, 403)
        assert "only its lead or a coordinator" in problem["detail"]
    assert after == before  # row, version, history, memberships and outbox: nothing was written or emitted
    assert await roles(platform, community_id) == {
        lead.organisation_id: ("lead", True),
        co_editor.organisation_id: ("partner", True),
    }
    assert lead_still_edits.status_code == 200, lead_still_edits.text


async def test_acceptance_takeover_lead_hands_over_and_the_history_shows_it(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """The lead hands over to B: B leads (and owns) the community, the old lead stays a partner who may edit; one
    new version, a `lead-handed-over` history entry naming both, and a membership event for each."""
    lead, co_editor, coordinator = await cast(api_key)
    async with running_registry(platform) as client:
        community_id = await lead_with_co_editor(client, lead, co_editor, coordinator)
        handed = await hand_over_lead(client, lead, community_id, co_editor.organisation_id, if_match='"2"')
        community = (await client.get(f"/v1/communities/{community_id}")).json()
        history = (await client.get(f"/v1/communities/{community_id}/history")).json()["data"]
        members = (await client.get(f"/v1/communities/{community_id}/organisations")).json()["data"]
        old_lead_removes_new = await delete_membership(client, lead, community_id, co_editor.organisation_id)
        new_lead_removes_old = await delete_membership(client, co_editor, community_id, lead.organisation_id)
    assert handed.status_code == 204, handed.text
    assert handed.headers["etag"] == '"3"'
    assert (community["version"], community["owner_organisation_id"]) == (3, str(co_editor.organisation_id))
    assert [(member["name"], member["role"], member["can_edit"]) for member in members] == [
        ("Noorderpoort", "lead", True),
        ("Hanzehogeschool Groningen", "partner", True),
    ]
    latest = history[0]
    assert (latest["change"], latest["version"], latest["actor"]) == ("lead-handed-over", 3, lead.actor)
    assert latest["changes"]["lead"] == {
        "old": {"organisation_id": str(lead.organisation_id), "name": "Hanzehogeschool Groningen"},
        "new": {"organisation_id": str(co_editor.organisation_id), "name": "Noorderpoort"},
    }
    changes = [event["payload"] for event in await outbox_events(platform, "membership-changed")]
    events = [event for event in changes if event["version"] == 3]
    assert [
        (event["organisation_name"], event["change"], event["previous_role"], event["role"]) for event in events
    ] == [
        ("Hanzehogeschool Groningen", "changed", "lead", "partner"),
        ("Noorderpoort", "changed", "partner", "lead"),
    ]
    # Each member travels with its edit right, so the monitor knows who may report without asking the registry.
    members_after = events[-1]["state"]["members"]
    assert {(member["organisation_name"], member["role"], member["can_edit"]) for member in members_after} == {
        ("Noorderpoort", "lead", True),
        ("Hanzehogeschool Groningen", "partner", True),
    }
    assert_problem(old_lead_removes_new, 403)  # the old lead is a co-editor now
    assert new_lead_removes_old.status_code == 204, new_lead_removes_old.text


async def test_a_coordinator_hands_over_the_lead_also_of_a_community_without_one(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """A coordinator-registered community has no lead; a coordinator names one (it joins), and later moves it on."""
    coordinator = await create_coordinator(api_key)
    first, second = uuid.uuid4(), uuid.uuid4()
    async with running_registry(platform) as client:
        community_id = (await create_community(client, coordinator))["community_id"]
        await put_organisation(client, coordinator, first, "Gemeente Emmen", "government")
        await put_organisation(client, coordinator, second, "Drenthe College")
        named = await hand_over_lead(client, coordinator, community_id, first, if_match='"1"')
        moved = await hand_over_lead(client, coordinator, community_id, second, if_match='"2"')
        again = await hand_over_lead(client, coordinator, community_id, second, if_match='"3"')
        unknown = await hand_over_lead(client, coordinator, community_id, uuid.uuid4())
        history = (await client.get(f"/v1/communities/{community_id}/history")).json()["data"]
    assert [response.status_code for response in (named, moved, again)] == [204, 204, 204]
    assert again.headers["etag"] == '"3"'  # already the lead: nothing changes
    assert_problem(unknown, 404)
    assert await roles(platform, community_id) == {first: ("partner", True), second: ("lead", True)}
    handovers = [entry["changes"]["lead"] for entry in history if entry["change"] == "lead-handed-over"]
    assert [(entry["old"] and entry["old"]["name"], entry["new"]["name"]) for entry in handovers] == [
        ("Gemeente Emmen", "Drenthe College"),
        (None, "Gemeente Emmen"),
    ]
    events = [event["payload"] for event in await outbox_events(platform, "membership-changed")]
    assert [(event["organisation_name"], event["change"], event["role"]) for event in events] == [
        ("Gemeente Emmen", "added", "lead"),
        ("Gemeente Emmen", "changed", "partner"),
        ("Drenthe College", "added", "lead"),
    ]


async def test_the_lead_is_neither_set_nor_demoted_nor_removed_by_put_or_delete(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """PUT with `role: lead`, demoting the lead and removing it are 409s pointing at the handover, for coordinators
    too; repeating the lead's own membership as it is changes nothing."""
    lead = await create_partner(api_key, "Hanzehogeschool Groningen")
    coordinator = await create_coordinator(api_key)
    assert lead.organisation_id is not None
    async with running_registry(platform) as client:
        community_id, other = await community_and_gasunie(client, lead, coordinator)
        before = await community_state(platform, community_id)
        refused = [
            await put_membership(client, lead, community_id, other, role="lead"),
            await put_membership(
                client, coordinator, community_id, lead.organisation_id, role="partner", can_edit=True
            ),
            await put_membership(client, lead, community_id, lead.organisation_id, role="lead", can_edit=False),
            await delete_membership(client, coordinator, community_id, lead.organisation_id),
        ]
        same = await put_membership(client, lead, community_id, lead.organisation_id, role="lead", can_edit=True)
        after = await community_state(platform, community_id)
    for response in refused:
        assert assert_problem(response, 409)["handover"] == f"/v1/communities/{community_id}/lead"
    assert same.status_code == 204
    assert after == before


async def test_membership_changes_need_if_match_428_and_412_when_stale(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """PUT, DELETE and handover answer 428 without `If-Match` and 412 with a stale ETag, changing nothing; each
    accepted change moves the community to a new version."""
    lead = await create_partner(api_key)
    coordinator = await create_coordinator(api_key)
    async with running_registry(platform) as client:
        community_id, gasunie = await community_and_gasunie(client, lead, coordinator)
        before = await community_state(platform, community_id)
        missing = [
            await put_membership(client, lead, community_id, gasunie, if_match=None),
            await delete_membership(client, lead, community_id, gasunie, if_match=None),
            await hand_over_lead(client, lead, community_id, gasunie, if_match=None),
        ]
        stale = [
            await put_membership(client, lead, community_id, gasunie, if_match='"7"'),
            await delete_membership(client, lead, community_id, gasunie, if_match='"7"'),
            await hand_over_lead(client, lead, community_id, gasunie, if_match='"7"'),
        ]
        after = await community_state(platform, community_id)
        added = await put_membership(client, lead, community_id, gasunie, if_match='"1"')
        replayed = await put_membership(client, lead, community_id, gasunie, role="financier", if_match='"1"')
        removed = await delete_membership(client, lead, community_id, gasunie, if_match=added.headers["etag"])
        current = await etag_of(client, community_id)
    for response in missing:
        assert_problem(response, 428)
    for response in stale:
        assert assert_problem(response, 412)["current_version"] == 1
    assert after == before
    assert (added.status_code, added.headers["etag"]) == (204, '"2"')
    assert_problem(replayed, 412)
    assert (removed.status_code, removed.headers["etag"], current) == (204, '"3"', '"3"')


async def test_a_co_editor_still_patches_the_communitys_fields(platform: PlatformSettings, api_key: IssueKey) -> None:
    """`can_edit` still means what it did for fields: the co-editor's PATCH is accepted."""
    lead, co_editor, coordinator = await cast(api_key)
    async with running_registry(platform) as client:
        community_id = await lead_with_co_editor(client, lead, co_editor, coordinator)
        patched = await patch_community(
            client, co_editor, community_id, {"name": "Energy College Noord"}, if_match='"2"'
        )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["name"], patched.json()["version"]) == ("Energy College Noord", 3)


@pytest.mark.parametrize(
    "status", [{"status": "ended"}, {"status": "absorbed", "absorbed_into": "Groeifonds"}], ids=["ended", "absorbed"]
)
async def test_memberships_of_an_ended_or_absorbed_community_are_409(
    platform: PlatformSettings, api_key: IssueKey, status: dict[str, Any]
) -> None:
    """A community of the past is read-only: adding, removing and handing over are 409s, for a coordinator too."""
    lead = await create_partner(api_key)
    coordinator = await create_coordinator(api_key)
    async with running_registry(platform) as client:
        community_id, gasunie = await community_and_gasunie(client, lead, coordinator)
        assert (await put_membership(client, lead, community_id, gasunie)).status_code == 204
        assert (await change_status(client, lead, community_id, status)).status_code == 200
        before = await community_state(platform, community_id)
        refused = [
            await put_membership(client, lead, community_id, gasunie, role="financier"),
            await delete_membership(client, coordinator, community_id, gasunie),
            await hand_over_lead(client, coordinator, community_id, gasunie),
        ]
        after = await community_state(platform, community_id)
    for response in refused:
        assert "read-only" in assert_problem(response, 409)["detail"]
    assert after == before


async def test_the_database_refuses_a_second_lead(platform: PlatformSettings, api_key: IssueKey) -> None:
    """Whatever the path, the partial unique index keeps one lead per community."""
    lead = await create_partner(api_key)
    coordinator = await create_coordinator(api_key)
    async with running_registry(platform) as client:
        community_id, other = await community_and_gasunie(client, lead, coordinator)
    with pytest.raises(asyncpg.UniqueViolationError, match="ix_membership_one_lead"):
        await execute(
            platform,
            "registry",
            "INSERT INTO membership (community_id, organisation_id, role, can_edit, origin, created_at) "
            f"VALUES ('{community_id}', '{other}', 'lead', true, 'api', now())",
        )

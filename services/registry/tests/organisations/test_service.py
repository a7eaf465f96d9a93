"""Membership rules: every change versions the community, leaves history and emits `membership-changed`."""

from __future__ import annotations

import asyncio
import uuid

from lcn_shared.settings import PlatformSettings
from services.registry.tests.communities.builders import (
    IssueKey,
    community_state,
    count_rows,
    create_community,
    create_community_body,
    create_coordinator,
    create_partner,
    delete_membership,
    held_lock,
    lock_waiters,
    outbox_events,
    put_membership,
    put_organisation,
    running_registry,
)


async def test_membership_added_changed_and_removed_emit_events_and_bump_the_version(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """added → changed → removed, each with the role before and after, each a new community version."""
    owner = await create_partner(api_key)
    coordinator = await create_coordinator(api_key)
    gasunie = uuid.uuid4()
    async with running_registry(platform) as client:
        community_id = (await create_community(client, owner))["community_id"]
        await put_organisation(client, coordinator, gasunie, "Gasunie", "company-large")
        await put_membership(client, owner, community_id, gasunie, role="partner")
        await put_membership(client, owner, community_id, gasunie, role="financier", can_edit=True)
        removed = await delete_membership(client, owner, community_id, gasunie)
        current = await client.get(f"/v1/communities/{community_id}")
    assert removed.status_code == 204
    assert current.json()["version"] == 4
    assert current.headers["etag"] == '"4"'
    events = [event["payload"] for event in await outbox_events(platform, "membership-changed")]
    assert [(event["change"], event["previous_role"], event["role"], event["version"]) for event in events] == [
        ("added", None, "partner", 2),
        ("changed", "partner", "financier", 3),
        ("removed", "financier", None, 4),
    ]
    assert {(event["organisation_id"], event["organisation_name"], event["organisation_type"]) for event in events} == {
        (str(gasunie), "Gasunie", "company-large")
    }
    assert await count_rows(platform, "membership", "organisation_id = $1", gasunie) == 0


async def test_setting_the_same_membership_again_changes_nothing(platform: PlatformSettings, api_key: IssueKey) -> None:
    """A repeated PUT is a no-op: no version, no history, no event."""
    owner = await create_partner(api_key)
    coordinator = await create_coordinator(api_key)
    gasunie = uuid.uuid4()
    async with running_registry(platform) as client:
        community_id = (await create_community(client, owner))["community_id"]
        await put_organisation(client, coordinator, gasunie, "Gasunie", "company-large")
        await put_membership(client, owner, community_id, gasunie, role="partner")
        before = await community_state(platform, community_id)
        again = await put_membership(client, owner, community_id, gasunie, role="partner")
        after = await community_state(platform, community_id)
    assert again.status_code == 204
    assert after == before


async def test_a_partners_organisation_is_registered_on_its_first_write(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """The key's organisation joins the registry under the key's id and name, and leads the community."""
    owner = await create_partner(api_key, "Hanzehogeschool Groningen")
    async with running_registry(platform) as client:
        community_id = (await create_community(client, owner))["community_id"]
        organisation = await client.get(f"/v1/organisations/{owner.organisation_id}")
    assert organisation.status_code == 200
    assert (organisation.json()["name"], organisation.json()["type"]) == ("Hanzehogeschool Groningen", "other")
    rows = await count_rows(
        platform, "membership", "community_id = $1 AND role = 'lead' AND can_edit", uuid.UUID(community_id)
    )
    assert rows == 1


async def test_a_new_partners_concurrent_first_registrations_both_succeed(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Two first writes of one partner, to two registry processes at once, both register its organisation;
    neither fails on the other's insert. (In one process they would share a group commit.)"""
    owner = await create_partner(api_key, "Hanzehogeschool Groningen")
    async with running_registry(platform) as first, running_registry(platform) as second:
        # Both requests see no organisation yet and then queue on the insert.
        async with held_lock(platform, "LOCK TABLE organisation IN EXCLUSIVE MODE"):
            both = asyncio.gather(
                first.post("/v1/communities", json=create_community_body(), headers=owner.headers),
                second.post(
                    "/v1/communities", json=create_community_body(name="Energy Lab Assen"), headers=owner.headers
                ),
            )
            await lock_waiters(platform, 2)
        responses = await both
    assert [response.status_code for response in responses] == [201, 201], [response.text for response in responses]
    assert await count_rows(platform, "organisation") == 1
    assert await count_rows(platform, "membership", "role = 'lead'") == 2

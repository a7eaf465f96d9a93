"""Every community event carries the community's whole state; registrations share one path; a renamed
organisation reaches its communities' events and matching keys."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch
from services.registry.tests.communities.builders import (
    IssueKey,
    change_status,
    count_rows,
    create_community,
    create_coordinator,
    create_feed_caller,
    create_partner,
    outbox_events,
    patch_community,
    put_membership,
    put_organisation,
    running_registry,
)
from services.registry.tests.feeds.builders import create_record, deliver


async def api_view(client: httpx.AsyncClient, community_id: str) -> dict[str, Any]:
    """The community as the API shows it, with its members as events carry them."""
    community: dict[str, Any] = (await client.get(f"/v1/communities/{community_id}")).json()
    members = (await client.get(f"/v1/communities/{community_id}/organisations")).json()["data"]
    community["members"] = sorted(
        (member["organisation_id"], member["name"], member["type"], member["role"]) for member in members
    )
    return community


def as_view(state: dict[str, Any]) -> dict[str, Any]:
    """An event's state in the shape of `api_view`, for comparison."""
    members = sorted(
        (member["organisation_id"], member["organisation_name"], member["organisation_type"], member["role"])
        for member in state["members"]
    )
    return {**state, "members": members}


def differences(state: dict[str, Any], view: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields of the state that differ from the API's view."""
    view = {**view, "registered_at": view["created_at"]}
    found = {name: (value, view.get(name)) for name, value in as_view(state).items() if value != view.get(name)}
    # Timestamps differ only in their JSON spelling (Z or +00:00).
    return {
        name: pair
        for name, pair in found.items()
        if not (name.endswith("_at") and str(pair[0]).replace("Z", "+00:00") == str(pair[1]).replace("Z", "+00:00"))
    }


async def test_every_community_event_carries_the_state_the_api_shows_after_it(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """registered, updated, membership-changed and status-changed each carry the community at their version."""
    owner = await create_partner(api_key)
    coordinator = await create_coordinator(api_key)
    gasunie = uuid.uuid4()
    views = []
    async with running_registry(platform) as client:
        community_id = (await create_community(client, owner))["community_id"]
        views.append(await api_view(client, community_id))
        patched = await patch_community(client, owner, community_id, {"name": "Energiecampus Drenthe"})
        assert patched.status_code == 200, patched.text
        views.append(await api_view(client, community_id))
        await put_organisation(client, coordinator, gasunie, "Gasunie", "company-large")
        assert (await put_membership(client, owner, community_id, gasunie, role="financier")).status_code == 204
        views.append(await api_view(client, community_id))
        assert (await change_status(client, owner, community_id, {"status": "ended"})).status_code == 200
        views.append(await api_view(client, community_id))
    events = [event["payload"] for event in await outbox_events(platform) if event["message_key"] == community_id]
    assert [event["state"]["version"] for event in events] == [event["version"] for event in events] == [1, 2, 3, 4]
    for event, view in zip(events, views, strict=True):
        assert differences(event["state"], view) == {}, event
    assert len(events[-1]["state"]["members"]) == 2


async def test_api_and_feed_registrations_write_history_keys_and_event_alike(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Both paths leave a `registered` history entry, matching keys (partners included) and an event with state."""
    owner = await create_partner(api_key, "Saxion")
    feed = await create_feed_caller(platform)
    async with running_registry(platform) as client:
        by_api = (await create_community(client, owner, name="Fieldlab Enschede Zuid"))["community_id"]
        delivered = await deliver(client, feed.key, "katapult", [create_record("KAT-1")])
        by_feed = delivered.json()["results"][0]["community_id"]
    registered = {event["message_key"]: event["payload"] for event in await outbox_events(platform, "registered")}
    for community_id in (by_api, by_feed):
        uid = uuid.UUID(community_id)
        assert await count_rows(platform, "community_change", "community_id = $1 AND change = 'registered'", uid) == 1
        keys = {row["block_key"] for row in await fetch(platform, "registry", KEYS, uid)}
        assert "org:saxion" in keys, keys
        assert registered[community_id]["state"]["version"] == 1
    assert len(registered[by_feed]["state"]["members"]) == 3


KEYS = "SELECT block_key FROM match_key WHERE community_id = $1"


async def test_renaming_an_organisation_refiles_and_versions_its_communities(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Each of its communities gets a new version whose membership change and state carry the new name,
    and its matching keys name the new one instead of the old."""
    owner = await create_partner(api_key, "Hanzehogeschool Groningen")
    coordinator = await create_coordinator(api_key)
    async with running_registry(platform) as client:
        first = (await create_community(client, owner))["community_id"]
        second = (await create_community(client, owner, name="Water Campus"))["community_id"]
        renamed = await put_organisation(client, coordinator, owner.organisation_id, "Hanze", "school-hbo")
        assert renamed.status_code == 200, renamed.text
        again = await put_organisation(client, coordinator, owner.organisation_id, "Hanze", "school-hbo")
        assert again.status_code == 200, again.text
        versions = [(await client.get(f"/v1/communities/{cid}")).json()["version"] for cid in (first, second)]
        history = (await client.get(f"/v1/communities/{first}/history")).json()["data"]
    assert versions == [2, 2]  # the repeated PUT changed nothing
    assert history[0]["change"] == "partner-renamed"
    changes = [event["payload"] for event in await outbox_events(platform, "membership-changed")]
    assert sorted(event["community_id"] for event in changes) == sorted([first, second])
    for event in changes:
        assert (event["change"], event["role"], event["organisation_name"]) == ("changed", "lead", "Hanze")
        assert [member["organisation_name"] for member in event["state"]["members"]] == ["Hanze"]
        assert event["state"]["version"] == 2
        keys = {row["block_key"] for row in await fetch(platform, "registry", KEYS, uuid.UUID(event["community_id"]))}
        assert "org:hanze" in keys
        assert not any("hanzehogeschool" in key for key in keys), keys

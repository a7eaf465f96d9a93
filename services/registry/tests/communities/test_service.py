"""The community rules through the running registry: who may change what, lifecycle, history and events."""

from __future__ import annotations

import pytest

from lcn_shared.auth import Role
from lcn_shared.settings import PlatformSettings
from services.registry.tests.communities.builders import (
    Caller,
    IssueKey,
    assert_problem,
    change_status,
    community_state,
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


async def test_acceptance_authorization_partner_cannot_change_another_organisations_community(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Acceptance "Authorization": 403 problem+json; row, version, history, memberships and outbox stay unchanged."""
    owner = await create_partner(api_key, "ROC van Amsterdam")
    intruder = await create_partner(api_key, "Hogeschool Rotterdam")
    assert intruder.organisation_id is not None
    async with running_registry(platform) as client:
        community_id = (await create_community(client, owner))["community_id"]
        before = await community_state(platform, community_id)
        patch = await patch_community(client, intruder, community_id, {"name": "Taken over"}, if_match="*")
        status = await change_status(client, intruder, community_id, {"status": "ended"})
        membership = await put_membership(client, intruder, community_id, intruder.organisation_id)
        after = await community_state(platform, community_id)
    for refused in (patch, status, membership):
        assert_problem(refused, 403)
    assert after == before
    assert before["row"][0]["version"] == 1


async def test_acceptance_authorization_partner_changes_its_own_community(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Acceptance "Authorization": the lead organisation's partner may PATCH."""
    owner = await create_partner(api_key)
    async with running_registry(platform) as client:
        community_id = (await create_community(client, owner))["community_id"]
        response = await patch_community(client, owner, community_id, {"name": "Energy College Drenthe"})
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Energy College Drenthe"


async def test_acceptance_authorization_member_with_can_edit_may_change_and_without_may_not(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Acceptance "Authorization": edit rights come from a membership with `can_edit`, not from membership alone."""
    owner = await create_partner(api_key, "Hanzehogeschool Groningen")
    editor = await create_partner(api_key, "Noorderpoort")
    coordinator = await create_coordinator(api_key)
    assert editor.organisation_id is not None
    async with running_registry(platform) as client:
        community_id = (await create_community(client, owner))["community_id"]
        assert (await put_organisation(client, coordinator, editor.organisation_id, "Noorderpoort")).status_code == 200
        assert (await put_membership(client, owner, community_id, editor.organisation_id)).status_code == 204
        without = await patch_community(client, editor, community_id, {"name": "Not yet"}, if_match="*")
        granted = await put_membership(client, owner, community_id, editor.organisation_id, can_edit=True)
        allowed = await patch_community(client, editor, community_id, {"name": "Energy College Noord"}, if_match="*")
    assert_problem(without, 403)
    assert granted.status_code == 204
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["name"] == "Energy College Noord"


async def test_acceptance_authorization_coordinator_changes_any_community(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Acceptance "Authorization": a coordinator may PATCH and move a partner's community."""
    owner = await create_partner(api_key)
    coordinator = await create_coordinator(api_key)
    async with running_registry(platform) as client:
        community_id = (await create_community(client, owner))["community_id"]
        patch = await patch_community(client, coordinator, community_id, {"municipality": "Emmen"})
        status = await change_status(client, coordinator, community_id, {"status": "ended", "reason": "Subsidie op"})
    assert patch.status_code == 200, patch.text
    assert status.status_code == 200, status.text
    assert status.json()["version"] == 3


@pytest.mark.parametrize("role", [Role.CONFERENCE_TEAM, Role.FEED], ids=["conference-team", "feed-key"])
async def test_acceptance_authorization_other_roles_get_403_on_patch(
    platform: PlatformSettings, api_key: IssueKey, role: Role
) -> None:
    """Acceptance "Authorization": the conference team and feed keys may not PATCH communities."""
    owner = await create_partner(api_key)
    caller = await create_feed_caller(platform) if role is Role.FEED else Caller(await api_key(role))
    async with running_registry(platform) as client:
        community_id = (await create_community(client, owner))["community_id"]
        before = await community_state(platform, community_id)
        response = await patch_community(client, caller, community_id, {"name": "Not theirs"})
        after = await community_state(platform, community_id)
    assert_problem(response, 403)
    assert after == before


async def test_history_records_registration_patch_status_and_membership_newest_first(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Every change leaves an entry with actor, origin and each changed field's old and new value."""
    owner = await create_partner(api_key, "Hanzehogeschool Groningen")
    other = await create_partner(api_key, "Gemeente Emmen")
    coordinator = await create_coordinator(api_key)
    assert other.organisation_id is not None
    async with running_registry(platform) as client:
        community_id = (await create_community(client, owner))["community_id"]
        await patch_community(client, owner, community_id, {"name": "Energy College Zuidoost-Drenthe"})
        await put_organisation(client, coordinator, other.organisation_id, "Gemeente Emmen", "government")
        await put_membership(client, owner, community_id, other.organisation_id, role="financier")
        await change_status(client, owner, community_id, {"status": "ended", "reason": "Afgerond"})
        response = await client.get(f"/v1/communities/{community_id}/history")
    assert response.status_code == 200
    history = response.json()["data"]
    assert [entry["change"] for entry in history] == ["status-changed", "membership-changed", "updated", "registered"]
    assert [entry["version"] for entry in history] == [4, 3, 2, 1]
    assert {entry["actor"] for entry in history} == {owner.actor}
    assert {entry["origin"] for entry in history} == {"api"}
    status, membership, updated, registered = (entry["changes"] for entry in history)
    assert membership["membership"] == {
        "organisation_id": str(other.organisation_id),
        "name": "Gemeente Emmen",
        "change": "added",
        "old": None,
        "new": "financier",
    }
    assert status["status"] == {"old": "active", "new": "ended"}
    assert status["reason"] == "Afgerond"
    assert updated == {"name": {"old": "Energy College Emmen", "new": "Energy College Zuidoost-Drenthe"}}
    assert registered["name"] == {"old": None, "new": "Energy College Emmen"}
    assert registered["landsdeel"] == {"old": None, "new": "noord"}


async def test_registered_event_names_the_partners_organisation_as_lead(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """`community.registered` carries the fields, version 1, and the registering organisation as lead member."""
    owner = await create_partner(api_key, "Hanzehogeschool Groningen")
    async with running_registry(platform) as client:
        community = await create_community(client, owner)
    (event,) = await outbox_events(platform, "registered")
    payload = event["payload"]
    assert event["message_key"] == community["community_id"]
    assert payload["community_id"] == community["community_id"]
    assert (payload["name"], payload["landsdeel"], payload["province"]) == ("Energy College Emmen", "noord", "drenthe")
    assert (payload["topsectors"], payload["primary_topsector"]) == (["energie", "htsm"], "energie")
    assert (payload["version"], payload["origin"], payload["status"]) == (1, "api", "active")
    assert payload["owner_organisation_id"] == str(owner.organisation_id)
    assert payload["members"] == [
        {
            "organisation_id": str(owner.organisation_id),
            "organisation_name": "Hanzehogeschool Groningen",
            "organisation_type": "other",
            "role": "lead",
            "can_edit": True,
        }
    ]


async def test_updated_event_holds_only_the_fields_that_differ(platform: PlatformSettings, api_key: IssueKey) -> None:
    """Fields sent with their current value are neither listed nor versioned."""
    owner = await create_partner(api_key)
    async with running_registry(platform) as client:
        community_id = (await create_community(client, owner))["community_id"]
        patch = {
            "name": "Energy College Emmen",
            "kinds": ["civ"],
            "description": "Waterstof.",
            "start_date": "2024-09-01",
        }
        response = await patch_community(client, owner, community_id, patch)
    assert response.status_code == 200, response.text
    (event,) = await outbox_events(platform, "updated")
    assert event["payload"]["changed_fields"] == ["description", "start_date"]
    assert event["payload"]["changes"] == {"description": "Waterstof.", "start_date": "2024-09-01"}
    assert (event["payload"]["version"], event["payload"]["origin"]) == (2, "api")


async def test_patch_that_changes_nothing_emits_nothing_and_keeps_the_version(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """A PATCH repeating the current values is a successful no-op."""
    owner = await create_partner(api_key)
    async with running_registry(platform) as client:
        community_id = (await create_community(client, owner))["community_id"]
        before = await community_state(platform, community_id)
        response = await patch_community(
            client, owner, community_id, {"name": "Energy College Emmen", "topsectors": ["energie", "htsm"]}
        )
        after = await community_state(platform, community_id)
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"1"'
    assert after == before


async def test_status_changes_follow_the_lifecycle_and_refused_ones_are_409(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """planned → active → ended → active → absorbed; absorbed is final; a refused move changes nothing. Only a
    coordinator restarts an ended community (ADR 0021)."""
    owner = await create_partner(api_key)
    coordinator = await create_coordinator(api_key)
    async with running_registry(platform) as client:
        community_id = (await create_community(client, owner, status="planned"))["community_id"]
        skipped = await change_status(client, owner, community_id, {"status": "absorbed", "absorbed_into": "NGF"})
        moves = [
            await change_status(client, owner, community_id, {"status": "active"}, if_match='"1"'),
            await change_status(client, owner, community_id, {"status": "ended", "reason": "Pauze"}, if_match='"2"'),
        ]
        restart_by_partner = await change_status(client, owner, community_id, {"status": "active"})
        moves += [
            await change_status(client, coordinator, community_id, {"status": "active"}),
            await change_status(client, owner, community_id, {"status": "absorbed", "absorbed_into": "Groeifonds"}),
        ]
        stale = await change_status(client, coordinator, community_id, {"status": "ended"}, if_match='"2"')
        final = await change_status(client, coordinator, community_id, {"status": "active"})
        unnamed = await change_status(client, owner, community_id, {"status": "absorbed"})
    assert assert_problem(skipped, 409)["detail"].startswith("A community cannot go from planned to absorbed")
    assert [move.status_code for move in moves] == [200, 200, 200, 200]
    assert moves[-1].json()["status"] == "absorbed"
    assert_problem(restart_by_partner, 403)
    assert_problem(stale, 412)
    assert_problem(final, 409)
    assert_problem(unnamed, 422)
    events = [event["payload"] for event in await outbox_events(platform, "status-changed")]
    assert [(event["previous_status"], event["status"]) for event in events] == [
        ("planned", "active"),
        ("active", "ended"),
        ("ended", "active"),
        ("active", "absorbed"),
    ]
    assert [event["version"] for event in events] == [2, 3, 4, 5]
    assert (events[1]["reason"], events[3]["absorbed_into"]) == ("Pauze", "Groeifonds")

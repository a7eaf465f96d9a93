"""The organisation endpoints: registration without duplicates, both sides of a membership, who may PUT."""

from __future__ import annotations

import uuid

from lcn_shared.settings import PlatformSettings
from services.registry.tests.communities.builders import (
    IssueKey,
    assert_problem,
    count_rows,
    create_community,
    create_coordinator,
    create_partner,
    delete_membership,
    put_membership,
    put_organisation,
    running_registry,
)


async def test_duplicate_organisation_name_is_409_naming_the_existing_one(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """A differently spelled known name ("roc amsterdam" for "ROC van Amsterdam") gets a 409 naming the original."""
    partner = await create_partner(api_key)
    async with running_registry(platform) as client:
        created = await client.post(
            "/v1/organisations", json={"name": "ROC van Amsterdam", "type": "school-mbo"}, headers=partner.headers
        )
        duplicate = await client.post(
            "/v1/organisations", json={"name": "roc amsterdam", "type": "school-mbo"}, headers=partner.headers
        )
        found = await client.get(f"/v1/organisations/{created.json()['organisation_id']}")
    assert created.status_code == 201, created.text
    problem = assert_problem(duplicate, 409)
    assert problem["existing_organisation_id"] == created.json()["organisation_id"]
    assert found.json()["name"] == "ROC van Amsterdam"
    assert await count_rows(platform, "organisation") == 1


async def test_put_organisation_needs_a_coordinator(platform: PlatformSettings, api_key: IssueKey) -> None:
    """A partner may not create or rename organisations under an id; a coordinator may, and may rename again."""
    partner = await create_partner(api_key)
    coordinator = await create_coordinator(api_key)
    organisation_id = uuid.uuid4()
    async with running_registry(platform) as client:
        refused = await put_organisation(client, partner, organisation_id, "Deltion College")
        created = await put_organisation(client, coordinator, organisation_id, "Deltion College")
        renamed = await put_organisation(client, coordinator, organisation_id, "Deltion College Zwolle")
        anonymous = await client.put(f"/v1/organisations/{organisation_id}", json={"name": "X Y", "type": "other"})
    assert_problem(refused, 403)
    assert_problem(anonymous, 401)
    assert created.status_code == 200, created.text
    assert created.json()["organisation_id"] == str(organisation_id)
    assert renamed.json()["name"] == "Deltion College Zwolle"
    assert await count_rows(platform, "organisation") == 1


async def test_put_organisation_cannot_take_another_organisations_name(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Renaming onto a known name is the same 409 as registering it twice."""
    coordinator = await create_coordinator(api_key)
    first, second = uuid.uuid4(), uuid.uuid4()
    async with running_registry(platform) as client:
        await put_organisation(client, coordinator, first, "Saxion Hogeschool")
        await put_organisation(client, coordinator, second, "Windesheim")
        taken = await put_organisation(client, coordinator, second, "Hogeschool Saxion")
    assert assert_problem(taken, 409)["existing_organisation_id"] == str(first)


async def test_memberships_are_listed_from_both_sides(platform: PlatformSettings, api_key: IssueKey) -> None:
    """The community lists its organisations (lead first); each organisation lists its communities with its role."""
    owner = await create_partner(api_key, "Hanzehogeschool Groningen")
    coordinator = await create_coordinator(api_key)
    gasunie = uuid.uuid4()
    async with running_registry(platform) as client:
        community = await create_community(client, owner)
        community_id = community["community_id"]
        await put_organisation(client, coordinator, gasunie, "Gasunie", "company-large")
        added = await put_membership(client, owner, community_id, gasunie, role="financier")
        members = await client.get(f"/v1/communities/{community_id}/organisations")
        of_owner = await client.get(f"/v1/organisations/{owner.organisation_id}/communities")
        of_gasunie = await client.get(f"/v1/organisations/{gasunie}/communities")
        unknown_community = await client.get(f"/v1/communities/{uuid.uuid4()}/organisations")
        unknown_organisation = await client.get(f"/v1/organisations/{uuid.uuid4()}/communities")
    assert added.status_code == 204, added.text
    assert [
        (member["organisation_id"], member["name"], member["role"], member["can_edit"])
        for member in members.json()["data"]
    ] == [
        (str(owner.organisation_id), "Hanzehogeschool Groningen", "lead", True),
        (str(gasunie), "Gasunie", "financier", False),
    ]
    assert [(row["community_id"], row["role"]) for row in of_owner.json()["data"]] == [(community_id, "lead")]
    assert [(row["community_id"], row["name"], row["role"]) for row in of_gasunie.json()["data"]] == [
        (community_id, "Energy College Emmen", "financier")
    ]
    assert_problem(unknown_community, 404)
    assert_problem(unknown_organisation, 404)


async def test_membership_of_an_unknown_organisation_or_community_is_404(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Memberships link known records only."""
    owner = await create_partner(api_key)
    coordinator = await create_coordinator(api_key)
    async with running_registry(platform) as client:
        community_id = (await create_community(client, owner))["community_id"]
        no_organisation = await put_membership(client, owner, community_id, uuid.uuid4())
        no_community = await put_membership(client, coordinator, str(uuid.uuid4()), uuid.uuid4())
        not_a_member = await delete_membership(client, owner, community_id, uuid.uuid4())
        bad_role = await put_membership(client, owner, community_id, uuid.uuid4(), role="sponsor")
    for response in (no_organisation, no_community, not_a_member):
        assert_problem(response, 404)
    assert_problem(bad_role, 422)

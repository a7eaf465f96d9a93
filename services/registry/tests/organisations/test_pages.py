"""The organisation lists page with opaque cursors: the organisations, an organisation's communities."""

from __future__ import annotations

import base64
import uuid

from lcn_shared.settings import PlatformSettings
from services.registry.tests.communities.builders import (
    IssueKey,
    assert_problem,
    create_community,
    create_coordinator,
    create_partner,
    put_organisation,
    running_registry,
)
from services.registry.tests.pages import walk

NAMES = ["Alfa-college", "Deltion College", "Gilde Opleidingen", "Noorderpoort", "Summa College"]


async def test_acceptance_consistent_api_organisation_cursor_is_opaque_and_a_garbage_cursor_is_a_400(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """The organisations page by an opaque, checksummed cursor (not the plain name any more): following it lists
    each organisation once, by name; a garbage cursor, a plain name, or a cursor of other filters is a 400."""
    coordinator = await create_coordinator(api_key)
    async with running_registry(platform) as client:
        for name in reversed(NAMES):
            await put_organisation(client, coordinator, uuid.uuid4(), name)
        await put_organisation(client, coordinator, uuid.uuid4(), "Gasunie", "company-large")
        listed, pages = await walk(client, "/v1/organisations", {"limit": 2, "type": "school-mbo"})
        first = (await client.get("/v1/organisations", params={"limit": 2, "type": "school-mbo"})).json()
        refused = [
            await client.get("/v1/organisations", params={"cursor": cursor, **params})
            for cursor, params in (
                ("garbage", {"type": "school-mbo"}),
                ("deltion college", {"type": "school-mbo"}),  # the old cursor: a name key
                (first["next_cursor"], {}),  # another filter
                (first["next_cursor"], {"type": "school-mbo", "name": "college"}),
            )
        ]
        unknown_type = await client.get("/v1/organisations", params={"type": "school-university"})
    assert [organisation["name"] for organisation in listed] == NAMES
    assert pages == 3
    cursor = first["next_cursor"]
    assert "deltion" not in cursor.lower()
    assert "gilde" not in cursor.lower()
    assert base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))  # base64url, checksummed inside
    for response in refused:
        assert assert_problem(response, 400)["type"].endswith("/invalid-cursor")
    assert assert_problem(unknown_type, 422)


async def test_an_organisations_communities_page_by_name_and_a_communitys_members_come_whole(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """`/v1/organisations/{id}/communities` is `{data, next_cursor}` by name; its cursor is bound to the organisation.
    `/v1/communities/{id}/organisations` has the same shape, with `next_cursor` always null."""
    owner = await create_partner(api_key, "Hanzehogeschool Groningen")
    other = await create_partner(api_key, "Saxion")
    async with running_registry(platform) as client:
        created = [
            await create_community(client, owner, name=name)
            for name in ("Skillslab Zorg", "Energy College Emmen", "Fieldlab Water", "Centre Bouw", "Techniek Lab")
        ]
        await create_community(client, other, name="Saxion Lab")
        path = f"/v1/organisations/{owner.organisation_id}/communities"
        listed, pages = await walk(client, path, {"limit": 2})
        cursor = (await client.get(path, params={"limit": 2})).json()["next_cursor"]
        elsewhere = await client.get(
            f"/v1/organisations/{other.organisation_id}/communities", params={"cursor": cursor}
        )
        garbage = await client.get(path, params={"cursor": "bm90IGEgY3Vyc29y"})
        members = await client.get(f"/v1/communities/{created[0]['community_id']}/organisations")
    assert [row["name"] for row in listed] == sorted(community["name"] for community in created)
    assert pages == 3
    assert_problem(elsewhere, 400)
    assert_problem(garbage, 400)
    assert members.json()["next_cursor"] is None
    assert [member["name"] for member in members.json()["data"]] == ["Hanzehogeschool Groningen"]
